import { type CountDeclaration, cellKeyOf, type TableDeclaration } from "../release/declareTable.ts";
import { type OrgLevel, releaseTableDeclarations, tableDeclaration } from "../release/tables.ts";

/**
 * The sums of count tables declared beyond the monthly, baseline and equity tables (whose relations
 * `releaseCellSystem` and the attacker form by hand), read from each count's declared relations:
 * `hierarchy` (a commissioner's cell = Σ its children's one level down) and `period` (a row's
 * cell = Σ the monthly cells from its `start` to its `end` column). Protection and the attacker
 * both use these, so a table declared this way is protected and audited like the others.
 */
export const declaredCountTables: readonly TableDeclaration[] = releaseTableDeclarations.filter(
  (t) => t.counts.length > 0 && !["monthly", "baselines", "equity"].includes(t.name),
) as unknown as TableDeclaration[];

const childLevel: Partial<Record<OrgLevel, OrgLevel>> = { england: "region", region: "icb", icb: "sub_icb" };

/** The monthly count whose cells a `period` relation sums. */
const monthCount = (months: string): CountDeclaration => {
  const count = tableDeclaration(months as "monthly").counts[0];
  if (!count) throw new Error(`The ${months} table declares no count.`);
  return count;
};

/**
 * Every `[total key, part keys]` of the declared tables' rows: `rows` by table name, `children`
 * from `level|code` to child codes, `months` the months of the monthly cells.
 */
export function declaredSums(
  rows: Readonly<Record<string, readonly Record<string, unknown>[] | undefined>>,
  children: ReadonlyMap<string, readonly string[]>,
  months: readonly string[],
): [string, string[]][] {
  const sums: [string, string[]][] = [];
  for (const table of declaredCountTables) {
    for (const row of rows[table.name] ?? [])
      for (const count of table.counts)
        for (const relation of count.relations) {
          const total = cellKeyOf(count, row);
          if (relation.kind === "hierarchy") {
            const level = row.level as OrgLevel;
            const kids = children.get(`${level}|${row.org_code}`);
            const kidLevel = childLevel[level];
            if (kids && kidLevel)
              sums.push([total, kids.map((k) => cellKeyOf(count, { ...row, level: kidLevel, org_code: k }))]);
          } else if (relation.kind === "period") {
            const start = String(row[relation.start]);
            const end = String(row[relation.end]);
            const month = monthCount(relation.months);
            sums.push([
              total,
              months.filter((m) => m >= start && m <= end).map((m) => cellKeyOf(month, { ...row, month: m })),
            ]);
          }
        }
  }
  return sums;
}

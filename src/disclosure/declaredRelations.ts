import { type CountDeclaration, cellKeyOf, type TableDeclaration } from "../release/declareTable.ts";
import type { OrgLevel } from "../release/tables.ts";

/**
 * The count tables of `declarations` beyond those named in `byHand` (whose relations the product's
 * cell system and attacker form by hand): their sums are read from each count's declared
 * relations, `hierarchy` (a commissioner's cell = Σ its children's one level down) and `period` (a
 * row's cell = Σ the monthly cells from its `start` to its `end` column). Protection and the
 * attacker both use these, so a table declared this way is protected and audited like the others.
 */
export function declaredCountTablesOf(
  declarations: readonly TableDeclaration[],
  byHand: readonly string[],
): readonly TableDeclaration[] {
  return declarations.filter((t) => t.counts.length > 0 && !byHand.includes(t.name));
}

const childLevel: Partial<Record<OrgLevel, OrgLevel>> = { england: "region", region: "icb", icb: "sub_icb" };

/** The monthly count (of a table of `declarations`) whose cells a `period` relation sums. */
const monthCount = (declarations: readonly TableDeclaration[], months: string): CountDeclaration => {
  const count = declarations.find((t) => t.name === months)?.counts[0];
  if (!count) throw new Error(`The ${months} table declares no count.`);
  return count;
};

/**
 * Every `[total key, part keys]` of the rows of `counted` (tables of `declarations`): `rows` by
 * table name, `children` from `level|code` to child codes, `months` the months of the monthly cells.
 */
export function declaredSumsOf(
  declarations: readonly TableDeclaration[],
  counted: readonly TableDeclaration[],
  rows: Readonly<Record<string, readonly Record<string, unknown>[] | undefined>>,
  children: ReadonlyMap<string, readonly string[]>,
  months: readonly string[],
): [string, string[]][] {
  const sums: [string, string[]][] = [];
  for (const table of counted) {
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
            const month = monthCount(declarations, relation.months);
            sums.push([
              total,
              months.filter((m) => m >= start && m <= end).map((m) => cellKeyOf(month, { ...row, month: m })),
            ]);
          }
        }
  }
  return sums;
}

import { CellSystem } from "../../../disclosure/CellSystem.ts";
import { type CountDeclaration, cellKeyOf, type Relation } from "../../../release/declareTable.ts";
import {
  type BaselineRow,
  baselinesTable,
  type EquityRow,
  equityTable,
  type MonthlyRow,
  monthlyTable,
  type OrganisationRow,
  type OrgLevel,
  type QuarterlyRow,
  releaseTableDeclarations,
} from "../release/tables.ts";
import { declaredSums } from "./declaredCountTables.ts";

/** The count-bearing rows of one intervention, as the build registers them. */
export interface InterventionCounts {
  monthly: readonly MonthlyRow[];
  baselines: readonly BaselineRow[];
  equity: readonly EquityRow[];
  /** Absent in tables written before quarters were published. */
  quarterly?: readonly QuarterlyRow[];
}

/** The declared count of `table` held in `column`. */
function countOf(table: { counts: readonly CountDeclaration[] }, column: string): CountDeclaration {
  const count = table.counts.find((c) => c.column === column);
  if (!count) throw new Error(`No count ${column} is declared.`);
  return count;
}
const monthlyCount = countOf(monthlyTable, "spells");
const baselineCount = countOf(baselinesTable, "baseline_spells");
const latestCount = countOf(baselinesTable, "latest_spells");
const equityCount = countOf(equityTable, "spells");

/** True when `count` declares a relation of this kind. */
const declares = (count: CountDeclaration, kind: Relation["kind"]) =>
  count.relations.some((r) => r.kind === kind);

/** Keys of the counts a release publishes, from the tables' declared counts; shared by protection and the audit. */
export const cellKey = {
  monthly: (row: Pick<MonthlyRow, "level" | "org_code" | "month">) => cellKeyOf(monthlyCount, row),
  baseline: (row: Pick<BaselineRow, "level" | "org_code">) => cellKeyOf(baselineCount, row),
  latest: (row: Pick<BaselineRow, "level" | "org_code">) => cellKeyOf(latestCount, row),
  equity: (row: Pick<EquityRow, "period" | "dimension" | "group_code" | "level" | "org_code">) =>
    cellKeyOf(equityCount, row),
};

const childLevel: Partial<Record<OrgLevel, OrgLevel>> = { england: "region", region: "icb", icb: "sub_icb" };

/**
 * Every published count of one intervention with the sums a reader can form from them:
 * commissioner hierarchy (England = Σ regions, region = Σ ICBs, ICB = Σ sub-ICB locations) for
 * each month, baseline, latest period and equity group; England = Σ providers per month; a
 * period's total = Σ its months; an equity breakdown's groups = the period total; an IMD quintile
 * = its two deciles. Counts are read as given (`spells` etc.), nulls skipped.
 */
export function releaseCellSystem(
  counts: InterventionCounts,
  organisations: readonly OrganisationRow[],
): CellSystem {
  const system = new CellSystem();
  const children = childrenByParent(organisations);
  const providers = organisations.filter((o) => o.level === "provider").map((o) => o.org_code);

  // Every declared count of every row, in declaration order (cell numbers follow it).
  for (const table of releaseTableDeclarations) {
    const rows = (counts as unknown as Record<string, readonly Record<string, unknown>[]>)[table.name];
    if (!rows || table.counts.length === 0) continue;
    for (const row of rows)
      for (const count of table.counts) {
        const value = row[count.column];
        if (typeof value === "number") system.cell(cellKeyOf(count, row), value);
      }
  }
  const months = new Set<string>();
  for (const row of counts.monthly) if (row.spells !== null) months.add(row.month);

  const relateByKey = (totalKey: string, partKeys: string[]) => {
    const total = system.find(totalKey);
    const parts = partKeys.map((k) => system.find(k)).filter((p): p is number => p !== undefined);
    if (total !== undefined && parts.length > 0) system.relate(total, parts);
  };

  // Commissioner hierarchy, for every kind of count.
  for (const [parentKey, kids] of children) {
    const [level, org] = parentKey.split("|") as [OrgLevel, string];
    const kidLevel = childLevel[level];
    if (!kidLevel) continue;
    for (const month of declares(monthlyCount, "hierarchy") ? months : []) {
      relateByKey(
        cellKey.monthly({ level, org_code: org, month }),
        kids.map((k) => cellKey.monthly({ level: kidLevel, org_code: k, month })),
      );
    }
    for (const [count, key] of [
      [baselineCount, cellKey.baseline],
      [latestCount, cellKey.latest],
    ] as const) {
      if (!declares(count, "hierarchy")) continue;
      relateByKey(
        key({ level, org_code: org }),
        kids.map((k) => key({ level: kidLevel, org_code: k })),
      );
    }
  }
  const equityGroups = new Map<string, EquityRow>();
  for (const row of counts.equity) if (row.level === "england") equityGroups.set(cellKey.equity(row), row);
  for (const [parentKey, kids] of declares(equityCount, "hierarchy") ? children : []) {
    const [level, org] = parentKey.split("|") as [OrgLevel, string];
    const kidLevel = childLevel[level];
    if (!kidLevel) continue;
    for (const group of equityGroups.values()) {
      relateByKey(
        cellKey.equity({ ...group, level, org_code: org }),
        kids.map((k) => cellKey.equity({ ...group, level: kidLevel, org_code: k })),
      );
    }
  }

  // England = Σ providers, month by month.
  for (const month of declares(monthlyCount, "providers") ? months : []) {
    relateByKey(
      cellKey.monthly({ level: "england", org_code: "ENG", month }),
      providers.map((p) => cellKey.monthly({ level: "provider", org_code: p, month })),
    );
  }

  // A period's total = Σ its months.
  for (const row of counts.baselines) {
    const inPeriod = (start: string, end: string) =>
      [...months].filter((m) => m >= start && m <= end).map((m) => cellKey.monthly({ ...row, month: m }));
    if (declares(baselineCount, "period"))
      relateByKey(cellKey.baseline(row), inPeriod(row.baseline_start, row.baseline_end));
    if (declares(latestCount, "period"))
      relateByKey(cellKey.latest(row), inPeriod(row.latest_start, row.latest_end));
  }

  // Equity: groups of a breakdown = the period total; an IMD quintile = its two deciles.
  const breakdowns = new Map<string, EquityRow[]>();
  for (const row of counts.equity) {
    const key = `${row.period}|${row.dimension}|${row.level}|${row.org_code}`;
    breakdowns.set(key, [...(breakdowns.get(key) ?? []), row]);
  }
  for (const rows of declares(equityCount, "breakdown") ? breakdowns.values() : []) {
    const first = rows[0];
    if (!first) continue;
    const totalKey = first.period === "baseline" ? cellKey.baseline(first) : cellKey.latest(first);
    relateByKey(
      totalKey,
      rows.map((r) => cellKey.equity(r)),
    );
    if (first.dimension !== "imd_quintile" || !declares(equityCount, "halves")) continue;
    for (const quintile of rows) {
      const q = Number(quintile.group_code);
      if (!Number.isInteger(q)) continue;
      relateByKey(
        cellKey.equity(quintile),
        [2 * q - 1, 2 * q].map((d) =>
          cellKey.equity({ ...quintile, dimension: "imd_decile", group_code: String(d) }),
        ),
      );
    }
  }

  // The other declared count tables (quarters): their hierarchy and period sums.
  const sortedMonths = [...months].sort();
  for (const [total, parts] of declaredSums(
    counts as unknown as Record<string, Record<string, unknown>[]>,
    children,
    sortedMonths,
  ))
    relateByKey(total, parts);
  return system;
}

/** `level|code` of each commissioner → codes of its children one level down. */
function childrenByParent(organisations: readonly OrganisationRow[]): Map<string, string[]> {
  const children = new Map<string, string[]>();
  const add = (parent: string, child: string) =>
    children.set(parent, [...(children.get(parent) ?? []), child]);
  const levelOf = new Map(organisations.map((o) => [o.org_code, o.level] as const));
  for (const org of organisations) {
    if (org.level === "region") add("england|ENG", org.org_code);
    else if (org.level === "icb" || org.level === "sub_icb") {
      const parentLevel = org.parent_code ? levelOf.get(org.parent_code) : undefined;
      if (org.parent_code && parentLevel && childLevel[parentLevel] === org.level)
        add(`${parentLevel}|${org.parent_code}`, org.org_code);
    }
  }
  return children;
}

/** The count-bearing rows of each intervention. */
export function groupByIntervention(tables: InterventionCounts): Map<
  string,
  InterventionCounts & {
    monthly: MonthlyRow[];
    baselines: BaselineRow[];
    equity: EquityRow[];
    quarterly: QuarterlyRow[];
  }
> {
  const groups = new Map<
    string,
    { monthly: MonthlyRow[]; baselines: BaselineRow[]; equity: EquityRow[]; quarterly: QuarterlyRow[] }
  >();
  const of = (id: string) => {
    const group = groups.get(id) ?? { monthly: [], baselines: [], equity: [], quarterly: [] };
    groups.set(id, group);
    return group;
  };
  for (const row of tables.monthly) of(row.intervention_id).monthly.push(row);
  for (const row of tables.baselines) of(row.intervention_id).baselines.push(row);
  for (const row of tables.equity) of(row.intervention_id).equity.push(row);
  for (const row of tables.quarterly ?? []) of(row.intervention_id).quarterly.push(row);
  return groups;
}

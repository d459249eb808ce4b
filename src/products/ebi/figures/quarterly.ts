import { periodOf } from "../../../periods/period.ts";
import type { MonthlyRow, QuarterlyRow } from "../release/tables.ts";

/** Levels whose quarters a release publishes: the commissioner hierarchy (providers keep months only). */
const quarterLevels = new Set<MonthlyRow["level"]>(["england", "region", "icb", "sub_icb"]);

/**
 * Spells per financial-year quarter of every intervention × commissioner, summed from the
 * registered monthly counts; only quarters whose three months all lie in the data are kept.
 * Rows come out in series order, quarters in time order.
 */
export function quarterlyRows(monthly: readonly MonthlyRow[]): QuarterlyRow[] {
  const sums = new Map<string, { row: QuarterlyRow; months: number }>();
  for (const m of monthly) {
    if (!quarterLevels.has(m.level)) continue;
    const quarter = periodOf(m.month, "quarter");
    const key = `${m.intervention_id}|${m.level}|${m.org_code}|${quarter.start}`;
    const sum = sums.get(key) ?? {
      row: {
        intervention_id: m.intervention_id,
        level: m.level,
        org_code: m.org_code,
        quarter_start: quarter.start,
        quarter_end: quarter.end,
        spells: 0,
        suppressed: null,
      },
      months: 0,
    };
    sum.row.spells = (sum.row.spells ?? 0) + (m.spells ?? 0);
    sum.months++;
    sums.set(key, sum);
  }
  return [...sums.entries()]
    .filter(([, s]) => s.months === 3)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, s]) => s.row);
}

import { EbiError, isEbiError } from "../../../errors/index.ts";
import { type SegmentedFit, segmentedRegression } from "../../../stats/segmentedRegression.ts";
import { ageSexDsr } from "../equityFigures.ts";
import type { PopulationStratum, QuarterStratum } from "../plannedCareSql.ts";
import type { StrategyRecord } from "./strategyRecords.ts";

/** One quarter of an ICB's deprivation gap in a procedure group (rates per 100,000 a year). */
export interface GapPoint {
  group_id: string;
  org_code: string;
  /** First day of the quarter, YYYY-MM-DD. */
  quarter: string;
  most_deprived_rate: number | null;
  least_deprived_rate: number | null;
  /** Least minus most deprived two fifths' DSR; above 0 the least deprived get more. */
  gap: number | null;
}

/**
 * The quarterly gap series of every ICB (and England) and group: age-sex DSRs of the least and most
 * deprived two fifths (IMD deciles 7–10 and 1–4) per quarter, times 4 to be a yearly rate, over the population of the quarter's year
 * (`populationFor`). A quarter with under 10 spells in either quintile has no gap.
 */
export function gapSeries(
  strata: readonly QuarterStratum[],
  populationFor: (year: number) => readonly PopulationStratum[],
): GapPoint[] {
  const byKey = new Map<string, QuarterStratum[]>();
  for (const s of strata) {
    const k = `${s.group_id}|${s.level}|${s.org_code}|${s.quarter}`;
    const list = byKey.get(k);
    if (list) list.push(s);
    else byKey.set(k, [s]);
  }
  const out: GapPoint[] = [];
  for (const rows of byKey.values()) {
    const first = rows[0] as QuarterStratum;
    const population = populationFor(Number(first.quarter.slice(0, 4))).filter(
      (p) => p.level === first.level && p.org_code === first.org_code,
    );
    const rateOf = (q: number) => {
      const deciles = q === 1 ? [1, 2, 3, 4] : [7, 8, 9, 10];
      const r = ageSexDsr(
        rows.filter((s) => s.imd_quintile === q),
        population.filter((p) => p.imd_decile !== null && deciles.includes(p.imd_decile)),
      );
      return r.rate === null ? null : r.rate * 4;
    };
    const most = rateOf(1);
    const least = rateOf(5);
    out.push({
      group_id: first.group_id,
      org_code: first.org_code,
      quarter: first.quarter,
      most_deprived_rate: most,
      least_deprived_rate: least,
      gap: most === null || least === null ? null : least - most,
    });
  }
  return out.sort(
    (a, b) =>
      a.group_id.localeCompare(b.group_id) ||
      a.org_code.localeCompare(b.org_code) ||
      a.quarter.localeCompare(b.quarter),
  );
}

/** The first day of the quarter holding `date` (YYYY-MM-DD). */
export function quarterOf(date: string): string {
  const month = Number(date.slice(5, 7));
  return `${date.slice(0, 4)}-${String(Math.floor((month - 1) / 3) * 3 + 1).padStart(2, "0")}-01`;
}

const quarterIndex = (quarter: string) =>
  Number(quarter.slice(0, 4)) * 4 + (Number(quarter.slice(5, 7)) - 1) / 3;

/** The tracker's answer for one strategy and group. */
export interface TrackerResult {
  strategy: StrategyRecord;
  group_id: string;
  start_quarter: string;
  comparators: string[];
  /** Quarter by quarter: the ICB's gap, the comparators' mean gap and the difference (ICB − comparators). */
  series: {
    quarter: string;
    gap: number | null;
    comparator_gap: number | null;
    difference: number | null;
    post: boolean;
  }[];
  /** Mean gap before and after the start, the ICB's and the comparators'. */
  before: { gap: number | null; comparator_gap: number | null };
  after: { gap: number | null; comparator_gap: number | null };
  /** Segmented regression of the difference series: the change attributed to the strategy. */
  controlled: SegmentedFit | null;
  /** Segmented regression of the ICB's own gap, for reading beside it. */
  uncontrolled: SegmentedFit | null;
  /** Why a fit is missing, when it is. */
  reason: string | null;
}

const mean = (values: readonly (number | null)[]) => {
  const v = values.filter((x): x is number => x !== null);
  return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
};

/**
 * An interrupted time-series estimate of a strategy's effect on the deprivation gap: the ICB's gap
 * minus the mean gap of comparable ICBs that did not run the approach for the group (the `maxComparators`
 * nearest in mean gap over the pre-period, default 5), fitted by segmented regression over
 * `preQuarters` quarters before the start (default 8) and every quarter from it.
 */
export function trackStrategy(input: {
  strategy: StrategyRecord;
  group_id: string;
  series: readonly GapPoint[];
  /** Every recorded strategy, to exclude ICBs running the same approach for the group. */
  allStrategies: readonly StrategyRecord[];
  icbs: readonly string[];
  preQuarters?: number;
  maxComparators?: number;
}): TrackerResult {
  const { strategy, group_id } = input;
  const start = quarterOf(strategy.started_on);
  const preQuarters = input.preQuarters ?? 8;
  const gapOf = new Map(
    input.series.filter((p) => p.group_id === group_id).map((p) => [`${p.org_code}|${p.quarter}`, p.gap]),
  );
  const quarters = [...new Set(input.series.filter((p) => p.group_id === group_id).map((p) => p.quarter))]
    .filter((q) => quarterIndex(q) >= quarterIndex(start) - preQuarters)
    .sort();
  const pre = quarters.filter((q) => q < start);
  const runners = new Set(
    input.allStrategies
      .filter((s) => s.strategy_id === strategy.strategy_id && s.group_ids.includes(group_id))
      .map((s) => s.org_code),
  );
  const own = mean(pre.map((q) => gapOf.get(`${strategy.org_code}|${q}`) ?? null));
  const comparators = input.icbs
    .filter((icb) => icb !== strategy.org_code && !runners.has(icb))
    .map((icb) => ({ icb, pre: mean(pre.map((q) => gapOf.get(`${icb}|${q}`) ?? null)) }))
    .filter((c): c is { icb: string; pre: number } => c.pre !== null)
    .sort((a, b) => Math.abs(a.pre - (own ?? 0)) - Math.abs(b.pre - (own ?? 0)) || a.icb.localeCompare(b.icb))
    .slice(0, input.maxComparators ?? 5)
    .map((c) => c.icb)
    .sort();
  const series = quarters.map((quarter) => {
    const gap = gapOf.get(`${strategy.org_code}|${quarter}`) ?? null;
    const values = comparators.map((c) => gapOf.get(`${c}|${quarter}`) ?? null);
    const comparator_gap = values.some((v) => v === null) ? null : mean(values);
    return {
      quarter,
      gap,
      comparator_gap,
      difference: gap === null || comparator_gap === null ? null : gap - comparator_gap,
      post: quarter >= start,
    };
  });
  const fitSeries = (
    pick: (p: (typeof series)[number]) => number | null,
  ): { fit: SegmentedFit | null; reason: string | null } => {
    const points = series
      .map((p) => ({ t: quarterIndex(p.quarter) - quarterIndex(start), y: pick(p) }))
      .filter((p): p is { t: number; y: number } => p.y !== null);
    try {
      return { fit: segmentedRegression(points, 0), reason: null };
    } catch (error) {
      if (isEbiError(error) && error.code === "EBI_STATS_INPUT") return { fit: null, reason: error.message };
      throw error;
    }
  };
  const controlled =
    comparators.length > 0
      ? fitSeries((p) => p.difference)
      : { fit: null, reason: "no comparable ICB without the approach has a gap series" };
  const uncontrolled = fitSeries((p) => p.gap);
  const side = (post: boolean) => ({
    gap: mean(series.filter((p) => p.post === post).map((p) => p.gap)),
    comparator_gap: mean(series.filter((p) => p.post === post).map((p) => p.comparator_gap)),
  });
  if (!strategy.group_ids.includes(group_id))
    throw new EbiError("EBI_NOT_FOUND", `Strategy ${strategy.id} is not recorded for group ${group_id}.`);
  return {
    strategy,
    group_id,
    start_quarter: start,
    comparators,
    series,
    before: side(false),
    after: side(true),
    controlled: controlled.fit,
    uncontrolled: uncontrolled.fit,
    reason: controlled.reason ?? uncontrolled.reason,
  };
}

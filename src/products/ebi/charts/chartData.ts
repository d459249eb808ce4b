import type { Period, PeriodGrain } from "../../../periods/period.ts";
import type { BenchmarkClass, XmrChart } from "../../../stats/index.ts";
import type { InterventionRow, OrganisationRow, OrgLevel } from "../release/tables.ts";

/** The data EBI's charts and pages draw, filled by its queries. */

/** One sub-ICB location on the funnel plot. */
export interface FunnelPoint {
  org_code: string;
  name: string;
  dsr: number;
  population: number;
  spells: number | null;
  rank: number;
  classification: string;
  /** Outside the 99.8% limits: "higher" or "lower"; "within" otherwise (or with no England rate). */
  side: "higher" | "lower" | "within";
}

/** One point of a control chart: a period's published spells and goal. */
export interface SpcPoint {
  period: Period;
  spells: number | null;
  /** The goal trajectory summed over the period's months (null when any is hidden). */
  goal: number | null;
}

/** One organisation's series at one grain with its XmR chart, for the SPC chart. */
export interface SpcSeries {
  intervention_id: string;
  level: OrgLevel;
  org_code: string;
  /** The grain asked for, or "auto" (the finest grain that can be charted). */
  asked: PeriodGrain | "auto";
  /** The grain of `points` and of the chart. */
  grain: PeriodGrain;
  /** Monthly spells in month order (null where redacted), for the table of months. */
  months: { month: string; spells: number | null; goal: number | null }[];
  /** Published figures at the charted grain (complete periods only). */
  points: SpcPoint[];
  /** The XmR chart, or null with the reason when it cannot be drawn. */
  chart: XmrChart | null;
  reason: string | null;
  /** Set when a finer grain could not be charted: what was tried and why, in words for the page. */
  fallback: string | null;
  /** The goal per period for the assurance icon: the goal year's spells × months in the period ÷ 12. */
  target: number | null;
}

/** One financial year's standardised rate of an area or England. */
export interface TrendPoint {
  /** "2018/19" */
  year: string;
  start: string;
  end: string;
  spells: number | null;
  rate: number | null;
  lower: number | null;
  upper: number | null;
  status: "shown" | "suppressed" | "not-calculated" | "no-baseline";
}

export interface RateTrend {
  intervention: InterventionRow;
  org: OrganisationRow;
  confidence: number;
  rows: { year: string; area: TrendPoint; england: TrendPoint; comparison: BenchmarkClass | null }[];
  /** The published latest-12-month DSRs, for a check on the estimate. */
  latest: { start: string; end: string; area: number | null; england: number | null };
  method: string;
}

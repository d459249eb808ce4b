import type { OrgLevel } from "../../release/tables.ts";
import type { XmrChart } from "../../stats/index.ts";

/** The data the charts draw, declared here so web/ never imports from server/ (which fills them). */

/** One sub-ICB location on the funnel plot. */
export interface FunnelPoint {
  org_code: string;
  name: string;
  dsr: number;
  population: number;
  spells: number | null;
  rank: number;
  classification: string;
}

/** One organisation's monthly series with its XmR chart, for the SPC chart. */
export interface SpcSeries {
  intervention_id: string;
  level: OrgLevel;
  org_code: string;
  /** Monthly spells in month order (null where redacted). */
  months: { month: string; spells: number | null; goal: number | null }[];
  /** The XmR chart, or null with the reason when it cannot be drawn. */
  chart: XmrChart | null;
  reason: string | null;
  /** Monthly goal for the assurance icon: the goal year's spells ÷ 12. */
  target: number | null;
}

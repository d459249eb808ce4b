/**
 * The release contract: what `ebi build` writes and what the server, API and downloads read.
 *
 * releases/<id>/
 *   manifest.json                 ReleaseManifest (below)
 *   registered/                   full figures, for signed-in NHS users (and the cube + episode flags)
 *   public/                       the same tables, redacted and secondary-suppressed when written
 *
 * Every table below is a Parquet file `<name>.parquet` in both registered/ and public/, with the same
 * columns. In public/, a redacted cell is NULL and the row's `suppressed` column says why
 * ('redacted' = the count is 1..threshold or hidden so that one cannot be worked out; 'derived' =
 * computed from a redacted count). Rows never disappear, so a page can show the marker.
 *
 * Levels: 'england' (org_code 'ENG'), 'region', 'icb', 'sub_icb', 'provider'. Commissioner levels
 * are of residence/responsibility; 'provider' is where treated. Months are the first day, 'YYYY-MM-DD'.
 * Rates are per 100,000 population; DSRs are age-sex standardised to the European Standard Population 2013.
 */

export type OrgLevel = "england" | "region" | "icb" | "sub_icb" | "provider";
/**
 * Why a cell is empty. The public side says only "redacted" (a count of 1..threshold, or a count
 * hidden so that one cannot be worked out: telling the two apart would itself narrow the values)
 * or "derived" (a figure computed from a redacted count). "primary" and "secondary" appear only in
 * the disclosure report of the registered side.
 */
export type Suppression = "redacted" | "derived" | "primary" | "secondary" | null;

/** interventions.json: every intervention of every rule set in the build, measurable or not. */
export interface InterventionRow {
  intervention_id: string; // "<ruleSetId>/<slug>", stable across versions
  rule_set_id: string;
  rule_set_version: string;
  official_id: string | null; // e.g. "A", "2L"; never invented
  slug: string;
  name: string;
  list: string; // "List 1" | "List 2" | local
  category: number | null; // 1 | 2
  setting: string[]; // ["apc"] | ["apc","op"]
  confidence: "published" | "derived" | "provisional" | "not-measurable" | "no-source";
  measurable: boolean;
  description: string; // the rule in words
  provenance: string;
}

/** organisations.parquet */
export interface OrganisationRow {
  level: OrgLevel;
  org_code: string;
  name: string;
  parent_code: string | null; // icb → region, sub_icb → icb
}

/** monthly.parquet: spells per month for every intervention × organisation (zero-filled). */
export interface MonthlyRow {
  intervention_id: string;
  level: OrgLevel;
  org_code: string;
  month: string;
  spells: number | null;
  suppressed: Suppression;
}

/** baselines.parquet: baseline, goal, latest 12 months and money per intervention × commissioner level. */
export interface BaselineRow {
  intervention_id: string;
  level: OrgLevel; // england | region | icb | sub_icb
  org_code: string;
  baseline_start: string;
  baseline_end: string;
  baseline_spells: number | null;
  population: number | null;
  crude_rate: number | null;
  dsr: number | null;
  dsr_lower: number | null; // 95%
  dsr_upper: number | null;
  goal_rate: number | null; // the percentile DSR the commissioner is expected to come down to
  goal_spells: number | null;
  opportunity_spells: number | null; // baseline − goal (≥ 0)
  latest_start: string;
  latest_end: string;
  latest_spells: number | null; // the latest 12 months
  latest_dsr: number | null;
  progress: number | null; // (baseline − latest) ÷ opportunity, bounded to 0–1; 1 = goal reached; null when under half a spell is asked
  unit_cost: number | null; // £ per spell
  baseline_cost: number | null;
  opportunity_cost: number | null;
  suppressed: Suppression;
}

/** trajectory.parquet: the goal spread over months with the baseline's seasonal profile. */
export interface TrajectoryRow {
  intervention_id: string;
  level: OrgLevel;
  org_code: string;
  month: string; // a month of the goal year
  goal_spells: number | null;
  suppressed: Suppression;
}

/** variation.parquet: spread of sub-ICB baseline DSRs per intervention. */
export interface VariationRow {
  intervention_id: string;
  level: OrgLevel; // the level whose units are compared (sub_icb)
  units: number;
  p10: number | null;
  p25: number | null;
  p50: number | null;
  p75: number | null;
  p90: number | null;
  n_fold: number | null; // p90 ÷ p10
  percentile_definition: string;
}

/** equity.parquet: rates by group for an intervention × organisation × period. */
export interface EquityRow {
  intervention_id: string;
  level: OrgLevel;
  org_code: string;
  period: "baseline" | "latest";
  dimension: "imd_decile" | "imd_quintile" | "ethnic_group" | "age_band" | "sex";
  group_code: string;
  group_label: string;
  group_order: number;
  spells: number | null;
  population: number | null;
  crude_rate: number | null;
  dsr: number | null; // age-sex standardised where the dimension allows (not for age_band/sex → crude)
  lower: number | null;
  upper: number | null;
  suppressed: Suppression;
}

export const releaseTables = [
  "organisations",
  "monthly",
  "baselines",
  "trajectory",
  "variation",
  "equity",
] as const;
export type ReleaseTable = (typeof releaseTables)[number];

/** manifest.json */
export interface ReleaseManifest {
  release_id: string;
  built_at: string; // ISO timestamp
  synthetic: boolean; // true when any input is demo data: every page shows a banner
  rule_sets: { id: string; version: string; sha256: string; effective?: string | null }[];
  /** What one count is (rules/countingUnit.ts); absent in releases built before it was recorded. */
  counting_unit?: { unit: string; definition: string };
  inputs: {
    kind: string;
    file: string;
    bytes: number;
    sha256: string;
    rows_read: number;
    rows_accepted: number;
    rows_quarantined: number;
  }[];
  reference: { dataset: string; vintage: string; file: string; sha256: string }[];
  periods: {
    data_start: string;
    data_end: string;
    baseline: Record<string, { start: string; end: string }>;
    latest: { start: string; end: string };
  };
  rows: { read: number; accepted: number; quarantined: number };
  disclosure: {
    threshold: number;
    rounding: number | null;
    method: string;
    /** The disclosure policy's id and name (absent in releases built before policies were recorded). */
    policy?: string;
    policy_name?: string;
    source?: string;
    /** One sentence pages and downloads show about the rule used. */
    statement?: string;
    /** True when the release has no public side (it cannot be published). */
    registered_only?: boolean;
    /** The attacker audit of the public side: hidden counts, LP solves, seconds. */
    audit?: {
      hidden: number;
      solves: number;
      components: number;
      largestComponent: number;
      seconds: number;
    } | null;
  };
  goal: { percentile: number; method: string };
  costs: { source: string; table: Record<string, number> };
  tables: Record<string, { rows: number; sha256: string }>;
}

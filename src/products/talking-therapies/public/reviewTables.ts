import { appointmentTypeBreakdown, groupBreakdown, modeBreakdown } from "../reviewMeasures.ts";
import { protectCount, protectedAverage, protectedInterval, protectedPercent } from "./protectCount.ts";

/**
 * The public service-review tables: aggregate figures over `tt_review` and `tt_review_contacts`
 * (built by the measures engine), each from one SQL query giving raw counts, then protected
 * (`protectCount`) with percentages worked out from the protected counts only. No table has a
 * row per pathway or per practitioner.
 */

export type ReviewPage =
  | "overview"
  | "access"
  | "severity"
  | "treatment"
  | "outcomes"
  | "equity"
  | "staffing"
  | "data-quality"
  | "reconciliation"
  | "report";

export type ColumnSpec =
  | { key: string; label: string; kind: "label" | "text" }
  | { key: string; label: string; kind: "count" }
  | { key: string; label: string; kind: "percent"; of: [string, string] }
  | { key: string; label: string; kind: "average"; of: [string, string] }
  /** The 95% Wilson interval of a percentage, from the protected numerator and denominator. */
  | { key: string; label: string; kind: "interval"; of: [string, string] }
  /** protected numerator ÷ protected denominator × scale, one decimal place. */
  | { key: string; label: string; kind: "ratio"; of: [string, string]; scale: number };

export interface TableSpec {
  id: string;
  page: ReviewPage;
  title: string;
  /** How the figures are calculated, in a sentence or two (shown under the table). */
  method: string;
  sql: string;
  columns: ColumnSpec[];
  /** The chart drawn above the table: a percentage column by row label. */
  chart?: ChartSpec;
}

/** What the page draws above a table: bars of one column (default), or an SPC or survival chart. */
export interface ChartSpec {
  value: string;
  label: string;
  reference?: number;
  referenceLabel?: string;
  type?: "bar" | "spc" | "survival";
  /** For SPC charts: whether higher is better. */
  direction?: "higher" | "lower";
}

export type Cell = number | string | null;

export interface PublicColumn {
  key: string;
  label: string;
  kind: "label" | "text" | "count" | "percent" | "average" | "interval" | "ratio";
}

export interface PublicTable {
  id: string;
  page: ReviewPage;
  title: string;
  method: string;
  columns: PublicColumn[];
  rows: Record<string, Cell>[];
  chart?: TableSpec["chart"];
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** Raw rows → the public table: counts protected, percentages and averages from protected figures. */
export function protectTable(spec: TableSpec, raw: Record<string, unknown>[]): PublicTable {
  const rows = raw.map((r) => {
    const out: Record<string, Cell> = {};
    for (const c of spec.columns) {
      if (c.kind === "count") out[c.key] = protectCount(num(r[c.key]));
      else if (c.kind === "percent")
        out[c.key] = protectedPercent(protectCount(num(r[c.of[0]])), protectCount(num(r[c.of[1]])));
      else if (c.kind === "interval")
        out[c.key] = protectedInterval(protectCount(num(r[c.of[0]])), protectCount(num(r[c.of[1]])));
      else if (c.kind === "ratio") {
        const a = protectCount(num(r[c.of[0]]));
        const b = protectCount(num(r[c.of[1]]));
        out[c.key] =
          a === null || b === null ? null : b === 0 ? "–" : Math.round((10 * c.scale * a) / b) / 10;
      } else if (c.kind === "average")
        out[c.key] = protectedAverage(
          r[c.of[0]] === null || r[c.of[0]] === undefined ? null : Number(r[c.of[0]]),
          num(r[c.of[1]]),
        );
      else out[c.key] = r[c.key] === null || r[c.key] === undefined ? "" : String(r[c.key]);
    }
    return out;
  });
  return {
    id: spec.id,
    page: spec.page,
    title: spec.title,
    method: spec.method,
    columns: spec.columns.map(({ key, label, kind }) => ({ key, label, kind })),
    rows,
    ...(spec.chart ? { chart: spec.chart } : {}),
  };
}

const area = `CASE WHEN grouping(commissioner) = 1 THEN 'Whole service' ELSE 'Sub-ICB ' || commissioner END AS area`;
const byArea =
  "GROUP BY GROUPING SETS ((), (commissioner)) ORDER BY grouping(commissioner) DESC, commissioner";
const inPeriod = (d: string) => `${d} BETWEEN period_start AND period_end`;
const f = (where: string) => `count(*) FILTER (WHERE ${where})`;
const areaColumn: ColumnSpec = { key: "area", label: "Area", kind: "label" };

/** Day bands for waits and gaps, in days. */
export const dayBands = [
  { key: "w0_6", label: "Up to 6 weeks", sql: "days <= 42" },
  { key: "w6_12", label: "6 to 12 weeks", sql: "days BETWEEN 43 AND 84" },
  { key: "w12_18", label: "12 to 18 weeks", sql: "days BETWEEN 85 AND 126" },
  { key: "w18_26", label: "18 to 26 weeks", sql: "days BETWEEN 127 AND 182" },
  { key: "w26_52", label: "26 to 52 weeks", sql: "days BETWEEN 183 AND 364" },
  { key: "w52", label: "Over 52 weeks", sql: "days > 364" },
];
const bandSelect = dayBands.map((b) => `${f(b.sql)} AS ${b.key}`).join(", ");
const bandColumns: ColumnSpec[] = dayBands.map((b) => ({ key: b.key, label: b.label, kind: "count" }));

const referralSourceLabel = `CASE coalesce(referral_source, '') WHEN 'B1' THEN 'Self-referral (B1)'
  WHEN 'A1' THEN 'GP practice (A1)' WHEN '' THEN 'Not recorded' ELSE 'Other source (' || referral_source || ')' END`;

const dnaTable = (
  id: string,
  title: string,
  breakdown: { variableType: string; value: string },
): TableSpec => ({
  id,
  page: "treatment",
  title,
  method: `Appointments dated in the period by ${breakdown.variableType.toLowerCase()} (IDS201CareContact), each counted once however many practitioners it had; DNA rate = appointments with attendance code 3 (did not attend) ÷ all appointments, from the rounded counts.`,
  sql: `SELECT ${breakdown.value} AS label, count(*) AS appointments,
          count(*) FILTER (WHERE dna) AS dna
        FROM tt_review_contacts WHERE in_period GROUP BY 1 ORDER BY 1`,
  columns: [
    { key: "label", label: breakdown.variableType, kind: "label" },
    { key: "appointments", label: "Appointments", kind: "count" },
    { key: "dna", label: "Did not attend", kind: "count" },
    { key: "dna_rate", label: "DNA rate (%)", kind: "percent", of: ["dna", "appointments"] },
  ],
  chart: { value: "dna_rate", label: "DNA rate (%)" },
});

const gapsSql = `WITH gaps AS (
    SELECT commissioner, 'Referral to first treatment' AS gap, 1 AS ord, wait_days AS days
      FROM tt_review WHERE ${inPeriod("first_treatment_date")}
    UNION ALL SELECT commissioner, 'First to second treatment', 2, first_to_second FROM tt_review WHERE second_in_period
    UNION ALL SELECT commissioner, 'Second to third treatment', 3, second_to_third FROM tt_review WHERE third_in_period
    UNION ALL SELECT commissioner, 'Each later gap (third to fourth onward)', 4,
        date_diff('day', treatment_dates[i - 1], treatment_dates[i])
      FROM (SELECT commissioner, treatment_dates, period_start, period_end,
              unnest(range(4, len(treatment_dates) + 1)) AS i FROM tt_review)
      WHERE ${inPeriod("treatment_dates[i]")})
  SELECT gap, ${area}, count(*) AS n, ${bandSelect},
    ${f("days > 126")} AS over_18, median(days) AS median_days
  FROM gaps GROUP BY GROUPING SETS ((gap, ord), (gap, ord, commissioner))
  ORDER BY ord, grouping(commissioner) DESC, commissioner`;

const waitingSql = `WITH open AS (
    SELECT commissioner, 'A first treatment' AS waiting_for, 1 AS ord, date_diff('day', referral_date, period_end) AS days
      FROM tt_review WHERE open_at_end AND (first_treatment_date IS NULL OR first_treatment_date > period_end)
    UNION ALL
    SELECT commissioner, 'A next treatment', 2,
        date_diff('day', list_max(list_filter(treatment_dates, d -> d <= period_end)), period_end)
      FROM tt_review WHERE open_at_end AND first_treatment_date <= period_end)
  SELECT waiting_for, ${area}, count(*) AS n, ${bandSelect}, ${f("days > 126")} AS over_18
  FROM open GROUP BY GROUPING SETS ((waiting_for, ord), (waiting_for, ord, commissioner))
  ORDER BY ord, grouping(commissioner) DESC, commissioner`;

/** Every public review table, in page order. */
export const reviewTables: TableSpec[] = [
  {
    id: "headline",
    page: "overview",
    title: "Headline measures by area",
    method:
      "Over referrals ending (finished) or received in the period. Recovery rate = recovered ÷ (finished a course − not at caseness at the start); reliable recovery likewise; reliable improvement = reliably improved ÷ finished; waits = finished courses whose first treatment was within 42 days (6 weeks) or 126 days (18 weeks) of referral ÷ finished. A finished course has two or more attended treatment appointments. Percentages are worked out from the rounded counts shown.",
    sql: `SELECT ${area}, ${f("received")} AS referrals,
        ${f(inPeriod("first_treatment_date"))} AS entered,
        ${f("finished")} AS finished,
        ${f("finished")} - ${f("not_at_caseness")} AS finished_at_caseness,
        ${f("recovery")} AS recovered, ${f("reliable_recovery")} AS reliably_recovered,
        ${f("improvement")} AS improved,
        ${f("finished AND wait_days <= 42")} AS waited_6, ${f("finished AND wait_days <= 126")} AS waited_18
      FROM tt_review ${byArea}`,
    columns: [
      areaColumn,
      { key: "referrals", label: "Referrals received", kind: "count" },
      { key: "entered", label: "Entered treatment", kind: "count" },
      { key: "finished", label: "Finished a course", kind: "count" },
      {
        key: "recovery_rate",
        label: "Recovery (%)",
        kind: "percent",
        of: ["recovered", "finished_at_caseness"],
      },
      {
        key: "reliable_recovery_rate",
        label: "Reliable recovery (%)",
        kind: "percent",
        of: ["reliably_recovered", "finished_at_caseness"],
      },
      {
        key: "improvement_rate",
        label: "Reliable improvement (%)",
        kind: "percent",
        of: ["improved", "finished"],
      },
      { key: "waited_6_rate", label: "Waited ≤ 6 weeks (%)", kind: "percent", of: ["waited_6", "finished"] },
      {
        key: "waited_18_rate",
        label: "Waited ≤ 18 weeks (%)",
        kind: "percent",
        of: ["waited_18", "finished"],
      },
    ],
    chart: {
      value: "recovery_rate",
      label: "Recovery (%)",
      reference: 50,
      referenceLabel: "national standard 50%",
    },
  },
  {
    id: "referral-sources",
    page: "access",
    title: "Referrals received by source",
    method:
      "Referrals received in the period by source of referral (SourceOfReferralMH in IDS101Referral); share = referrals from the source ÷ all referrals received, from the rounded counts.",
    sql: `SELECT ${referralSourceLabel} AS source, count(*) AS referrals, sum(count(*)) OVER () AS total
      FROM tt_review WHERE received GROUP BY 1 ORDER BY 2 DESC, 1`,
    columns: [
      { key: "source", label: "Source", kind: "label" },
      { key: "referrals", label: "Referrals", kind: "count" },
      { key: "share", label: "Share (%)", kind: "percent", of: ["referrals", "total"] },
    ],
    chart: { value: "share", label: "Share of referrals (%)" },
  },
  {
    id: "attrition",
    page: "access",
    title: "Referrals ending in the period: never treated, treated once, finished",
    method:
      "Referrals with a discharge date in the period, by the number of attended treatment appointments: none (referred but never treated), one (seen once), two or more (finished a course). Open referrals with no attended contact for over 90 days at the period's end are counted beside them.",
    sql: `SELECT ${area}, ${f(inPeriod("discharge_date"))} AS ended,
        ${f(`${inPeriod("discharge_date")} AND treatment_count = 0`)} AS never_treated,
        ${f(`${inPeriod("discharge_date")} AND treatment_count = 1`)} AS treated_once,
        ${f("finished")} AS finished,
        ${f("open_at_end")} AS open_at_end,
        ${f("open_at_end AND date_diff('day', coalesce(last_attended_date, referral_date), period_end) > 90")} AS idle_90
      FROM tt_review ${byArea}`,
    columns: [
      areaColumn,
      { key: "ended", label: "Referrals ended", kind: "count" },
      { key: "never_treated", label: "Never treated", kind: "count" },
      {
        key: "never_treated_rate",
        label: "Never treated (%)",
        kind: "percent",
        of: ["never_treated", "ended"],
      },
      { key: "treated_once", label: "Treated once", kind: "count" },
      { key: "treated_once_rate", label: "Treated once (%)", kind: "percent", of: ["treated_once", "ended"] },
      { key: "open_at_end", label: "Open at the end", kind: "count" },
      { key: "idle_90", label: "Open, no contact 90+ days", kind: "count" },
    ],
    chart: { value: "never_treated_rate", label: "Never treated (%)" },
  },
  {
    id: "gaps",
    page: "access",
    title: "Waits and gaps between treatment appointments, as distributions",
    method:
      "Each wait whose later date falls in the period: referral to first attended treatment appointment; first to second; second to third; and every later gap between consecutive attended treatment appointments (third to fourth, fourth to fifth, …), in days, banded by weeks. Over 18 weeks (%) = gaps over 126 days ÷ all gaps of that kind, from the rounded counts. National measures stop at first to second; the later gaps are where a hidden wait shows.",
    sql: gapsSql,
    columns: [
      { key: "gap", label: "Wait", kind: "label" },
      areaColumn,
      { key: "n", label: "Waits", kind: "count" },
      ...bandColumns,
      { key: "over_18_rate", label: "Over 18 weeks (%)", kind: "percent", of: ["over_18", "n"] },
      { key: "median_days", label: "Median (days)", kind: "average", of: ["median_days", "n"] },
    ],
    chart: { value: "over_18_rate", label: "Over 18 weeks (%)" },
  },
  {
    id: "waiting-now",
    page: "access",
    title: "People waiting at the end of the period, by weeks waited",
    method:
      "Referrals open at the period's end: waiting for a first treatment (weeks since referral) or, once treated, for a next treatment (weeks since the latest attended treatment appointment).",
    sql: waitingSql,
    columns: [
      { key: "waiting_for", label: "Waiting for", kind: "label" },
      areaColumn,
      { key: "n", label: "Waiting", kind: "count" },
      ...bandColumns,
      { key: "over_18_rate", label: "Over 18 weeks (%)", kind: "percent", of: ["over_18", "n"] },
    ],
  },
  {
    id: "sessions",
    page: "treatment",
    title: "Treatment appointments per finished course, by step",
    method:
      "Finished courses in the period by step (high intensity if any attended treatment appointment had a high-intensity therapy code, else low intensity); mean and median attended treatment appointments per course; courses over 20 appointments.",
    sql: `SELECT CASE WHEN grouping(step) = 1 THEN 'All finished courses' ELSE step END AS step,
        count(*) AS finished, avg(treatment_count) AS mean_sessions, median(treatment_count) AS median_sessions,
        ${f("treatment_count > 20")} AS over_20
      FROM tt_review WHERE finished GROUP BY GROUPING SETS ((), (step)) ORDER BY grouping(step) DESC, step`,
    columns: [
      { key: "step", label: "Step", kind: "label" },
      { key: "finished", label: "Finished courses", kind: "count" },
      {
        key: "mean_sessions",
        label: "Mean appointments",
        kind: "average",
        of: ["mean_sessions", "finished"],
      },
      {
        key: "median_sessions",
        label: "Median appointments",
        kind: "average",
        of: ["median_sessions", "finished"],
      },
      { key: "over_20", label: "Over 20 appointments", kind: "count" },
      { key: "over_20_rate", label: "Over 20 (%)", kind: "percent", of: ["over_20", "finished"] },
    ],
  },
  dnaTable("dna-appointment-type", "Did-not-attend rates by appointment type", appointmentTypeBreakdown),
  dnaTable("dna-mode", "Did-not-attend rates by consultation medium", modeBreakdown),
  dnaTable("dna-therapy-mode", "Did-not-attend rates: group or individual", groupBreakdown),
  {
    id: "completeness",
    page: "data-quality",
    title: "Paired scores and problem descriptors by area",
    method:
      "Paired = a first and a last score (two or more) on the measure in the course. Paired PHQ-9 and paired anxiety measure (%) = finished courses with paired scores ÷ finished; appropriate anxiety measure = paired on the measure recommended for the problem descriptor. Descriptor left as other (%) = referrals received whose presenting complaint is the catch-all other (F99 and the like) ÷ referrals received.",
    sql: `SELECT ${area}, ${f("finished")} AS finished,
        ${f("finished AND phq9_last IS NOT NULL")} AS phq_paired,
        ${f("finished AND anxiety_last IS NOT NULL")} AS anx_paired,
        ${f("finished AND recommended_paired")} AS appropriate_paired,
        ${f("received")} AS received,
        ${f("received AND descriptor_group = 'Other'")} AS other,
        ${f("received AND descriptor_group = 'Not recorded'")} AS not_recorded
      FROM tt_review ${byArea}`,
    columns: [
      areaColumn,
      { key: "finished", label: "Finished courses", kind: "count" },
      { key: "phq_rate", label: "Paired PHQ-9 (%)", kind: "percent", of: ["phq_paired", "finished"] },
      {
        key: "anx_rate",
        label: "Paired anxiety measure (%)",
        kind: "percent",
        of: ["anx_paired", "finished"],
      },
      {
        key: "appropriate_rate",
        label: "Paired appropriate anxiety measure (%)",
        kind: "percent",
        of: ["appropriate_paired", "finished"],
      },
      { key: "received", label: "Referrals received", kind: "count" },
      {
        key: "other_rate",
        label: "Descriptor left as other (%)",
        kind: "percent",
        of: ["other", "received"],
      },
      {
        key: "not_recorded_rate",
        label: "Descriptor not recorded (%)",
        kind: "percent",
        of: ["not_recorded", "received"],
      },
    ],
    chart: { value: "other_rate", label: "Descriptor left as other (%)" },
  },
];

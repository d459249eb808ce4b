import type { ColumnSpec, TableSpec } from "./reviewTables.ts";

/**
 * The review's further public tables (monthly trend, severity, outcomes, equity, recording,
 * monthly volumes), each one SQL query over the engine's `tt_review` tables giving raw counts
 * that `protectTable` then protects. Groupings follow NHS England's published breakdowns, so a
 * row can sit beside England's figure for the same group.
 */

const f = (where: string) => `count(*) FILTER (WHERE ${where})`;

/** Age at the period's end in NHS England's published bands, plus nothing else. */
export const ageBandSql = `CASE WHEN age_at_period_end IS NULL THEN 'Not stated/Not known/Invalid'
  WHEN age_at_period_end < 18 THEN 'Under 18' WHEN age_at_period_end <= 25 THEN '18 to 25'
  WHEN age_at_period_end <= 64 THEN '26 to 64' WHEN age_at_period_end <= 74 THEN '65 to 74'
  WHEN age_at_period_end <= 89 THEN '75 to 89' ELSE '90 and over' END`;

/** Older adults as the review reads them: 65 and over against everyone younger. */
export const olderAdultSql = `CASE WHEN age_at_period_end IS NULL THEN 'Not stated/Not known/Invalid'
  WHEN age_at_period_end >= 65 THEN '65 and over' ELSE 'Under 65' END`;

/** NHS Data Dictionary ethnic category (first letter) in the published five groups. */
export const ethnicGroupSql = `CASE upper(left(coalesce(ethnic_category, ''), 1))
  WHEN 'A' THEN 'White' WHEN 'B' THEN 'White' WHEN 'C' THEN 'White'
  WHEN 'D' THEN 'Mixed' WHEN 'E' THEN 'Mixed' WHEN 'F' THEN 'Mixed' WHEN 'G' THEN 'Mixed'
  WHEN 'H' THEN 'Asian or Asian British' WHEN 'J' THEN 'Asian or Asian British' WHEN 'K' THEN 'Asian or Asian British'
  WHEN 'L' THEN 'Asian or Asian British'
  WHEN 'M' THEN 'Black or Black British' WHEN 'N' THEN 'Black or Black British' WHEN 'P' THEN 'Black or Black British'
  WHEN 'R' THEN 'Other Ethnic Groups' WHEN 'S' THEN 'Other Ethnic Groups'
  ELSE 'Not stated/Not known/Invalid' END`;

/**
 * IMD decile (1 = most deprived) as NHS England labels it: its labels run the other way, "01
 * Least deprived" being decile 10.
 */
export const imdLabelSql = `CASE WHEN imd_decile IS NULL THEN 'Not stated/Not known/Invalid'
  ELSE lpad(CAST(11 - imd_decile AS VARCHAR), 2, '0') || CASE WHEN imd_decile = 10 THEN ' Least deprived'
    WHEN imd_decile = 1 THEN ' Most deprived' WHEN imd_decile >= 6 THEN ' Less deprived' ELSE ' More deprived' END END`;

const sessionsBandSql = `CASE WHEN treatment_count <= 5 THEN lpad(CAST(treatment_count AS VARCHAR), 2, '0') || ' appointments'
  WHEN treatment_count <= 8 THEN '06 to 08 appointments' WHEN treatment_count <= 12 THEN '09 to 12 appointments'
  WHEN treatment_count <= 20 THEN '13 to 20 appointments' ELSE '21 or more appointments' END`;

/** Per pathway: group therapy if any attended treatment appointment in the period was a group one. */
const modeJoin = `LEFT JOIN (SELECT PathwayID, bool_or(therapy_mode = '3') AS any_group
    FROM tt_review_contacts WHERE attended AND treatment GROUP BY PathwayID) m USING (PathwayID)`;
const therapyModeSql = `CASE WHEN m.any_group THEN 'Group (some or all)' WHEN m.any_group IS NULL THEN 'Not known' ELSE 'Individual only' END`;

/** Per pathway: the qualification of the practitioner with most attended treatment appointments. */
const qualificationJoin = `LEFT JOIN (SELECT PathwayID, arg_max(qualification, n) AS qualification FROM (
      SELECT k.PathwayID, p.qualification, count(*) AS n FROM tt_review_contacts k
      JOIN tt_review_contact_practitioners p USING (contact_key)
      WHERE k.attended AND k.treatment GROUP BY ALL) GROUP BY PathwayID) q USING (PathwayID)`;

interface Dimension {
  name: string;
  sql: string;
}

/** One query: the same counts for each dimension's groups, rows labelled dimension · group. */
function byDimensions(dimensions: Dimension[], counts: string, from: string, where: string): string {
  return dimensions
    .map(
      (d, i) => `SELECT ${i} AS dord, '${d.name}' AS dimension, ${d.sql} AS grp, ${counts}
        FROM ${from} WHERE ${where} GROUP BY ALL`,
    )
    .join("\nUNION ALL\n")
    .concat("\nORDER BY dord, grp");
}

const outcomeCounts = `count(*) AS finished, ${f("NOT not_at_caseness")} AS at_caseness,
  ${f("recovery")} AS recovered, ${f("reliable_recovery")} AS reliably_recovered,
  ${f("improvement")} AS improved, ${f("deterioration")} AS deteriorated`;

const outcomeColumns: ColumnSpec[] = [
  { key: "finished", label: "Finished courses", kind: "count" },
  { key: "at_caseness", label: "At caseness at the start", kind: "count" },
  { key: "recovery_rate", label: "Recovery (%)", kind: "percent", of: ["recovered", "at_caseness"] },
  { key: "recovery_ci", label: "Recovery 95% interval", kind: "interval", of: ["recovered", "at_caseness"] },
  {
    key: "reliable_recovery_rate",
    label: "Reliable recovery (%)",
    kind: "percent",
    of: ["reliably_recovered", "at_caseness"],
  },
  {
    key: "improvement_rate",
    label: "Reliable improvement (%)",
    kind: "percent",
    of: ["improved", "finished"],
  },
  {
    key: "deterioration_rate",
    label: "Reliable deterioration (%)",
    kind: "percent",
    of: ["deteriorated", "finished"],
  },
  {
    key: "deterioration_ci",
    label: "Deterioration 95% interval",
    kind: "interval",
    of: ["deteriorated", "finished"],
  },
];

const outcomeSource = `(SELECT r.*, ${therapyModeSql} AS therapy_mode, coalesce(q.qualification, 'No practitioner recorded') AS qualification
  FROM tt_review r ${modeJoin} ${qualificationJoin})`;

const outcomeMethod =
  "Finished courses in the period (two or more attended treatment appointments, discharged in the period). Recovery and reliable recovery are of courses at caseness at the start; reliable improvement and deterioration of all finished courses (NHS England's definitions, the measures engine's thresholds). Intervals are 95% Wilson score intervals worked out from the rounded counts shown, so they are a little wider or narrower than the exact ones.";

const trendColumns: ColumnSpec[] = [
  { key: "month", label: "Month", kind: "label" },
  { key: "referrals", label: "Referrals received", kind: "count" },
  { key: "entered", label: "Entered treatment", kind: "count" },
  { key: "finished", label: "Finished a course", kind: "count" },
  { key: "recovery_rate", label: "Recovery (%)", kind: "percent", of: ["recovered", "at_caseness"] },
  {
    key: "improvement_rate",
    label: "Reliable improvement (%)",
    kind: "percent",
    of: ["improved", "finished"],
  },
  { key: "waited_6_rate", label: "Waited ≤ 6 weeks (%)", kind: "percent", of: ["waited_6", "finished"] },
  { key: "waited_18_rate", label: "Waited ≤ 18 weeks (%)", kind: "percent", of: ["waited_18", "finished"] },
];

/** Months of the period with the referrals received, first treatments and finished courses in each. */
const monthlySql = `WITH months AS (
    SELECT unnest(generate_series(date_trunc('month', min(period_start)), date_trunc('month', max(period_end)), INTERVAL 1 MONTH))::DATE AS month
    FROM tt_review),
  events AS (
    SELECT date_trunc('month', referral_date)::DATE AS month, 'referral' AS kind, r.* FROM tt_review r WHERE received
    UNION ALL SELECT date_trunc('month', first_treatment_date)::DATE, 'entered', r.* FROM tt_review r
      WHERE first_treatment_date BETWEEN period_start AND period_end
    UNION ALL SELECT date_trunc('month', discharge_date)::DATE, 'finished', r.* FROM tt_review r WHERE finished)
  SELECT strftime(m.month, '%Y-%m') AS month, ${f("kind = 'referral'")} AS referrals,
    ${f("kind = 'entered'")} AS entered, ${f("kind = 'finished'")} AS finished,
    ${f("kind = 'finished' AND NOT not_at_caseness")} AS at_caseness, ${f("kind = 'finished' AND recovery")} AS recovered,
    ${f("kind = 'finished' AND improvement")} AS improved,
    ${f("kind = 'finished' AND wait_days <= 42")} AS waited_6, ${f("kind = 'finished' AND wait_days <= 126")} AS waited_18
  FROM months m LEFT JOIN events e USING (month) GROUP BY m.month ORDER BY m.month`;

/** The further public review tables, in page order. */
export const sectionTables: TableSpec[] = [
  {
    id: "monthly",
    page: "overview",
    title: "Headline measures month by month",
    method:
      "Each month of the period: referrals received that month, first attended treatment appointments that month, and courses finished (discharged) that month with their recovery, reliable improvement and waits as in the headline table. The charts are Making Data Count XmR charts of the monthly percentages: the mean, and process limits at the mean ± 2.66 × the mean moving range; a point outside the limits, a run of 7 on one side of the mean or 7 rising or falling is a special cause, coloured blue when it is an improvement and orange when it is a concern. Limits are trial limits (dotted) with fewer than 13 months.",
    sql: monthlySql,
    columns: trendColumns,
    chart: { value: "recovery_rate", label: "Recovery (%)", type: "spc", direction: "higher", reference: 50 },
  },
  {
    id: "first-scores",
    page: "severity",
    title: "First PHQ-9 and GAD-7 scores of finished courses, by severity band",
    method:
      "The first score on each measure in the course of each finished course, in the published severity bands (PHQ-9: 0–4 minimal, 5–9 mild, 10–14 moderate, 15–19 moderately severe, 20–27 severe; GAD-7: 0–4 minimal, 5–9 mild, 10–14 moderate, 15–21 severe). Share = courses in the band ÷ finished courses with a first score, from the rounded counts. NHS England's annual figures do not give score distributions, so England is compared on the share at caseness at the start (the table after it).",
    sql: `WITH s AS (
        SELECT 'PHQ-9' AS measure, 1 AS mord, phq9_first AS score, CASE WHEN phq9_first IS NULL THEN NULL
          WHEN phq9_first <= 4 THEN '0–4 minimal' WHEN phq9_first <= 9 THEN '5–9 mild' WHEN phq9_first <= 14 THEN '10–14 moderate'
          WHEN phq9_first <= 19 THEN '15–19 moderately severe' ELSE '20–27 severe' END AS band FROM tt_review WHERE finished
        UNION ALL
        SELECT 'GAD-7', 2, anxiety_first, CASE WHEN anxiety_tool <> 'gad7' OR anxiety_first IS NULL THEN NULL
          WHEN anxiety_first <= 4 THEN '0–4 minimal' WHEN anxiety_first <= 9 THEN '5–9 mild' WHEN anxiety_first <= 14 THEN '10–14 moderate'
          ELSE '15–21 severe' END FROM tt_review WHERE finished)
      SELECT measure, band, count(*) AS courses, sum(count(*)) OVER (PARTITION BY measure) AS scored
      FROM s WHERE band IS NOT NULL GROUP BY measure, mord, band ORDER BY mord, min(score)`,
    columns: [
      { key: "measure", label: "Measure", kind: "label" },
      { key: "band", label: "First score", kind: "label" },
      { key: "courses", label: "Finished courses", kind: "count" },
      { key: "share", label: "Share (%)", kind: "percent", of: ["courses", "scored"] },
    ],
    chart: { value: "share", label: "Share of scored finished courses (%)" },
  },
  {
    id: "caseness",
    page: "severity",
    title: "Finished courses at caseness at the start, beside England",
    method:
      "Finished courses whose first PHQ-9 was 10 or more or whose first anxiety score was at or above its cut-off (at caseness), ÷ finished courses, from the rounded counts; England's is NHS England's published at caseness ÷ finished a course for the year.",
    sql: `SELECT 'This service' AS who, ${f("finished")} AS finished, ${f("at_caseness")} AS at_caseness FROM tt_review`,
    columns: [
      { key: "who", label: "Service", kind: "label" },
      { key: "finished", label: "Finished courses", kind: "count" },
      { key: "at_caseness", label: "At caseness at the start", kind: "count" },
      { key: "rate", label: "At caseness (%)", kind: "percent", of: ["at_caseness", "finished"] },
      { key: "england", label: "England (%)", kind: "text" },
    ],
  },
  {
    id: "descriptors",
    page: "severity",
    title: "Problem descriptors of referrals received",
    method:
      "The presenting complaint recorded for each referral received in the period (IDS603PresentingComplaints, the latest primary one), grouped by ICD-10 code into the problem descriptors that decide the anxiety measure; Other = a code outside those groups (such as the catch-all F99); Not recorded = none. Share = referrals ÷ referrals received, from the rounded counts.",
    sql: `SELECT descriptor_group AS descriptor, count(*) AS referrals, sum(count(*)) OVER () AS total
      FROM tt_review WHERE received GROUP BY 1 ORDER BY 2 DESC, 1`,
    columns: [
      { key: "descriptor", label: "Problem descriptor", kind: "label" },
      { key: "referrals", label: "Referrals", kind: "count" },
      { key: "share", label: "Share (%)", kind: "percent", of: ["referrals", "total"] },
    ],
    chart: { value: "share", label: "Share of referrals (%)" },
  },
  {
    id: "outcomes-by-group",
    page: "outcomes",
    title: "Outcomes by area, step, therapy mode, problem descriptor, age band, ethnic group and IMD decile",
    method: `${outcomeMethod} Step: high intensity if any attended treatment appointment had a high-intensity therapy code. Therapy mode: group if any attended treatment appointment in the period was a group session. Age at the period's end; ethnic group from the NHS ethnic category; IMD decile of the person's LSOA (labelled as NHS England labels it, 01 least deprived). England's recovery rate for the same group is from NHS England's annual figures for the year.`,
    sql: byDimensions(
      [
        { name: "Area", sql: "'Sub-ICB ' || commissioner" },
        { name: "Step", sql: "step" },
        { name: "Therapy mode", sql: "therapy_mode" },
        { name: "Problem descriptor", sql: "descriptor_group" },
        { name: "Age Group", sql: ageBandSql },
        { name: "Older adults", sql: olderAdultSql },
        { name: "Ethnic Group", sql: ethnicGroupSql },
        { name: "Indices of Deprivation Decile", sql: imdLabelSql },
      ],
      outcomeCounts,
      outcomeSource,
      "finished",
    ),
    columns: [
      { key: "dimension", label: "By", kind: "label" },
      { key: "grp", label: "Group", kind: "label" },
      ...outcomeColumns,
      { key: "england_recovery", label: "England recovery (%)", kind: "text" },
    ],
    chart: {
      value: "recovery_rate",
      label: "Recovery (%)",
      reference: 50,
      referenceLabel: "national standard 50%",
    },
  },
  {
    id: "dose-response",
    page: "outcomes",
    title: "Outcomes by number of treatment appointments (dose–response)",
    method: `${outcomeMethod} Courses are grouped by their number of attended treatment appointments.`,
    sql: byDimensions(
      [{ name: "Appointments", sql: sessionsBandSql }],
      outcomeCounts,
      "tt_review",
      "finished",
    ),
    columns: [{ key: "grp", label: "Attended treatment appointments", kind: "label" }, ...outcomeColumns],
    chart: { value: "recovery_rate", label: "Recovery (%)" },
  },
  {
    id: "who-deteriorates",
    page: "outcomes",
    title: "Who deteriorates: by caseness at the start, step, therapy mode and practitioner qualification",
    method: `${outcomeMethod} Caseness at the start: at caseness on PHQ-9 or the anxiety measure, or below both. Qualification: of the practitioner with most attended treatment appointments in the course (the attribution the practitioner dashboards use), as a group; no practitioner is named here.`,
    sql: byDimensions(
      [
        {
          name: "Caseness at the start",
          sql: "CASE WHEN not_at_caseness THEN 'Below caseness at the start' WHEN at_caseness THEN 'At caseness at the start' ELSE 'Not known (a first score missing)' END",
        },
        { name: "Step", sql: "step" },
        { name: "Therapy mode", sql: "therapy_mode" },
        { name: "Qualification", sql: "qualification" },
      ],
      outcomeCounts,
      outcomeSource,
      "finished",
    ),
    columns: [
      { key: "dimension", label: "By", kind: "label" },
      { key: "grp", label: "Group", kind: "label" },
      { key: "finished", label: "Finished courses", kind: "count" },
      { key: "deteriorated", label: "Reliably deteriorated", kind: "count" },
      {
        key: "deterioration_rate",
        label: "Reliable deterioration (%)",
        kind: "percent",
        of: ["deteriorated", "finished"],
      },
      {
        key: "deterioration_ci",
        label: "Deterioration 95% interval",
        kind: "interval",
        of: ["deteriorated", "finished"],
      },
    ],
    chart: { value: "deterioration_rate", label: "Reliable deterioration (%)" },
  },
  {
    id: "qualification-mix",
    page: "staffing",
    title: "Attended treatment appointments by the practitioner's qualification",
    method:
      "Attended treatment appointments dated in the period, by the qualification recorded for the practitioner (IDS902CarePersQual, the latest); an appointment with several practitioners counts once for each qualification among them. Share = appointments ÷ all attended treatment appointments, from the rounded counts. A group of practitioners, never one, is described.",
    sql: `SELECT qualification, count(*) AS appointments, sum(count(*)) OVER () AS total
      FROM tt_review_contact_quals WHERE in_period AND attended AND treatment GROUP BY 1 ORDER BY 2 DESC, 1`,
    columns: [
      { key: "qualification", label: "Qualification", kind: "label" },
      { key: "appointments", label: "Attended treatment appointments", kind: "count" },
      { key: "share", label: "Share (%)", kind: "percent", of: ["appointments", "total"] },
    ],
    chart: { value: "share", label: "Share of attended treatment appointments (%)" },
  },
  {
    id: "recording",
    page: "data-quality",
    title: "Recording: demographics, practitioners and dates",
    method:
      "Referrals received in the period with ethnic category or IMD decile (from the LSOA) not known; attended treatment appointments with no practitioner recorded (IDS202CareActivity); appointments dated before the referral or after the discharge (invalid dates). Percentages from the rounded counts. England's figure, where NHS England's annual figures give it, is the share of referrals received whose group is 'Not stated/Not known/Invalid'.",
    sql: `SELECT 'Ethnic category not known' AS item, 'Ethnic Group' AS england_variable,
        ${f(`${ethnicGroupSql} = 'Not stated/Not known/Invalid'`)} AS n, count(*) AS of FROM tt_review WHERE received
      UNION ALL SELECT 'IMD decile not known', 'Indices of Deprivation Decile', ${f("imd_decile IS NULL")}, count(*)
        FROM tt_review WHERE received
      UNION ALL SELECT 'Attended treatment appointments without a practitioner', NULL,
        ${f("qualification = 'No practitioner recorded'")}, count(*) FROM tt_review_contact_quals WHERE in_period AND attended AND treatment
      UNION ALL SELECT 'Appointments dated before the referral or after the discharge', NULL,
        ${f("k.CareContDate < r.referral_date OR k.CareContDate > r.discharge_date")}, count(*)
        FROM tt_review_contacts k JOIN tt_review r USING (PathwayID)`,
    columns: [
      { key: "item", label: "Item", kind: "label" },
      { key: "n", label: "Records", kind: "count" },
      { key: "of", label: "Out of", kind: "count" },
      { key: "rate", label: "Service (%)", kind: "percent", of: ["n", "of"] },
      { key: "england", label: "England (%)", kind: "text" },
    ],
    chart: { value: "rate", label: "Share of records (%)" },
  },
];

/** Clearance time of the waiting list for a first treatment, by area. */
export const clearanceTable: TableSpec = {
  id: "clearance",
  page: "access",
  title: "Clearance time of the waiting list for a first treatment",
  method:
    "People waiting for a first treatment at the period's end ÷ people entering treatment (a first attended treatment appointment) a week over the last 13 weeks of the period: the weeks it would take to see everyone now waiting if no one else were referred. From the rounded counts.",
  sql: `SELECT CASE WHEN grouping(commissioner) = 1 THEN 'Whole service' ELSE 'Sub-ICB ' || commissioner END AS area,
      ${f("open_at_end AND (first_treatment_date IS NULL OR first_treatment_date > period_end)")} AS waiting,
      ${f("first_treatment_date BETWEEN period_end - 90 AND period_end")} AS entered_13
    FROM tt_review GROUP BY GROUPING SETS ((), (commissioner)) ORDER BY grouping(commissioner) DESC, commissioner`,
  columns: [
    { key: "area", label: "Area", kind: "label" },
    { key: "waiting", label: "Waiting for a first treatment", kind: "count" },
    { key: "entered_13", label: "Entered treatment in the last 13 weeks", kind: "count" },
    {
      key: "clearance_weeks",
      label: "Clearance time (weeks)",
      kind: "ratio",
      of: ["waiting", "entered_13"],
      scale: 13,
    },
  ],
};

/** Attended treatment appointments in the period by the pathway's step (for clinical hours). */
export const appointmentsByStepSql = `SELECT r.step, count(*) AS appointments FROM tt_review_contacts k
  JOIN tt_review r USING (PathwayID) WHERE k.in_period AND k.attended AND k.treatment GROUP BY 1`;

/** Equity tables: referrals and entries by group, beside the population served (added at build). */
export const equitySql = byDimensions(
  [
    { name: "Age Group", sql: ageBandSql },
    { name: "Older adults", sql: olderAdultSql },
    { name: "Ethnic Group", sql: ethnicGroupSql },
    { name: "Indices of Deprivation Decile", sql: imdLabelSql },
  ],
  `${f("received")} AS referrals, ${f("first_treatment_date BETWEEN period_start AND period_end")} AS entered`,
  "tt_review",
  "received OR first_treatment_date BETWEEN period_start AND period_end",
);

/**
 * Raw counts for the survival curves: per kind of wait and area, the number of waits that ended
 * (the next appointment came) and that were censored (discharged, or still open at the period's
 * end, without it) in each interval of weeks since the previous appointment.
 */
export const survivalSql = `WITH starts AS (
    SELECT commissioner, 1 AS ord, 'Referral to first treatment' AS gap, referral_date AS start, first_treatment_date AS next,
      discharge_date, period_start, period_end FROM tt_review
    UNION ALL SELECT commissioner, 2, 'First to second treatment', first_treatment_date, second_treatment_date,
      discharge_date, period_start, period_end FROM tt_review
    UNION ALL SELECT commissioner, 3, 'Second to third treatment', second_treatment_date, third_treatment_date,
      discharge_date, period_start, period_end FROM tt_review
    UNION ALL SELECT commissioner, 4, 'Each later gap', treatment_dates[i - 1], treatment_dates[i],
      discharge_date, period_start, period_end
      FROM (SELECT *, unnest(range(4, len(treatment_dates) + 2)) AS i FROM tt_review)),
  timed AS (
    SELECT *, next IS NOT NULL AND next <= period_end AS ended,
      CASE WHEN next IS NOT NULL AND next <= period_end THEN date_diff('day', start, next)
           ELSE date_diff('day', start, least(coalesce(discharge_date, period_end), period_end)) END AS days
    FROM starts WHERE start BETWEEN period_start AND period_end)
  SELECT gap, ord, commissioner, least(floor(days / 7), 52)::INT AS week, ${f("ended")} AS events, ${f("NOT ended")} AS censored
  FROM timed WHERE days >= 0 GROUP BY ALL ORDER BY ord, commissioner, week`;

import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn } from "../../../db/index.ts";

/**
 * The registered side of the service review: one row per practitioner (caseload, treatment
 * contacts per week, DNA rate, sessions per finished course, outcomes of the pathways attributed
 * to them, qualification, a case-mix adjusted recovery against funnel limits) and the "recovery at
 * risk" list of open pathways with missing scores or long gaps. Practitioner- and pathway-level:
 * these never reach the public side. Built over `tt_review`, `tt_review_contacts` and
 * `tt_review_contact_practitioners` (see reviewMeasures.ts).
 */

/** How a pathway is attributed to one practitioner. */
export type Attribution = "most-treatment" | "last-treatment";
export const attributions: readonly Attribution[] = ["most-treatment", "last-treatment"];

/** Rates in the peer comparison are shown only for practitioners with at least this many courses. */
export const peerMinimum = 10;

/** Days since the last treatment after which an open pathway is on the at-risk list. */
export const longGapDays = 28;

export interface PractitionerRow {
  practitioner: string;
  qualification: string;
  /** Open pathways at the period end attributed to them. */
  caseload: number;
  appointments: number;
  dna: number;
  /** Did-not-attend ÷ appointments, in percent. */
  dna_rate: number | null;
  /** Attended treatment appointments per week of the period. */
  treatment_per_week: number;
  finished: number;
  /** Mean attended treatment appointments per finished course attributed to them. */
  sessions_mean: number | null;
  /** Finished courses at caseness at the start (the recovery denominator). */
  at_caseness: number;
  recovered: number;
  recovery_rate: number | null;
  /** The recovery rate expected from the service's own rates for their courses' step and first PHQ-9 band, in percent. */
  expected_rate: number | null;
  /** 95% and 99.8% funnel limits around the expected rate for their number of courses, in percent. */
  lower95: number | null;
  upper95: number | null;
  lower998: number | null;
  upper998: number | null;
  /** "above", "below" (outside the 99.8% limits), "watch" (outside 95%) or "within". */
  funnel: string;
  improved: number;
  improvement_rate: number | null;
  deteriorated: number;
  /** Of those deteriorated, how many started below caseness. */
  deteriorated_below_caseness: number;
}

export interface AtRiskRow {
  PathwayID: string;
  practitioner: string | null;
  commissioner: string;
  referral_date: string;
  treatments: number;
  last_treatment_date: string | null;
  days_since_last_treatment: number | null;
  reasons: string;
}

/** The SQL choosing each pathway's practitioner, from attended treatment contacts dated in the period. */
function attributionSql(rule: Attribution): string {
  const order =
    rule === "most-treatment"
      ? "{'n': n, 'last': last, 'p': practitioner}"
      : "{'last': last, 'p': practitioner}";
  return `SELECT PathwayID, arg_max(practitioner, ${order}) AS practitioner FROM (
      SELECT k.PathwayID, p.practitioner, count(*) AS n, max(k.CareContDate) AS last
      FROM tt_review_contacts k JOIN tt_review_contact_practitioners p USING (contact_key)
      WHERE k.attended AND k.treatment AND p.practitioner IS NOT NULL
      GROUP BY ALL)
    GROUP BY PathwayID`;
}

const severityBand = `CASE WHEN phq9_first IS NULL THEN 'none' WHEN phq9_first < 15 THEN 'under 15'
  WHEN phq9_first < 20 THEN '15 to 19' ELSE '20 and over' END`;

const pct = (n: string, d: string) => `CASE WHEN ${d} > 0 THEN 100.0 * ${n} / ${d} END`;

/**
 * One row per practitioner with a contact in the period. Attribution: the practitioner with the
 * most attended treatment contacts (ties: the one seen last), or the one seen last. Expected
 * recovery is indirectly standardised: each at-caseness course attributed to them counts the
 * service-wide recovery rate of its step and first-PHQ-9 band; funnel limits are the normal
 * approximation to the binomial around that expected rate (z = 1.96 and 3.09).
 */
export async function practitionerRows(
  connection: DuckDBConnection,
  provider: string,
  rule: Attribution = "most-treatment",
): Promise<PractitionerRow[]> {
  const expected = `sum(b.rate) FILTER (WHERE r.finished AND NOT r.not_at_caseness) / nullif(count(*) FILTER (WHERE r.finished AND NOT r.not_at_caseness), 0)`;
  const limit = (z: number, sign: 1 | -1) =>
    `CASE WHEN at_caseness > 0 THEN greatest(0, least(100, 100 * (e ${sign > 0 ? "+" : "-"} ${z} * sqrt(e * (1 - e) / at_caseness)))) END`;
  return allOn<PractitionerRow>(
    connection,
    `WITH attributed AS (${attributionSql(rule)}),
     pathways AS (SELECT r.*, ${severityBand} AS band, a.practitioner FROM tt_review r LEFT JOIN attributed a USING (PathwayID)
                  WHERE r.provider = $provider),
     bands AS (SELECT step, band, avg(CASE WHEN recovery THEN 1.0 ELSE 0.0 END) AS rate
               FROM pathways WHERE finished AND NOT not_at_caseness GROUP BY ALL),
     outcomes AS (
       SELECT r.practitioner, count(*) FILTER (WHERE r.open_at_end) AS caseload,
         count(*) FILTER (WHERE r.finished) AS finished,
         avg(r.treatment_count) FILTER (WHERE r.finished) AS sessions_mean,
         count(*) FILTER (WHERE r.finished AND NOT r.not_at_caseness) AS at_caseness,
         count(*) FILTER (WHERE r.recovery) AS recovered,
         count(*) FILTER (WHERE r.improvement) AS improved,
         count(*) FILTER (WHERE r.deterioration) AS deteriorated,
         count(*) FILTER (WHERE r.deterioration AND NOT r.caseness_start) AS deteriorated_below_caseness,
         ${expected} AS e
       FROM pathways r LEFT JOIN bands b ON b.step = r.step AND b.band = r.band
       WHERE r.practitioner IS NOT NULL GROUP BY r.practitioner),
     seen AS (
       SELECT p.practitioner, string_agg(DISTINCT p.qualification, '; ' ORDER BY p.qualification) AS qualification,
         count(DISTINCT k.contact_key) AS appointments,
         count(DISTINCT k.contact_key) FILTER (WHERE k.dna) AS dna,
         count(DISTINCT k.contact_key) FILTER (WHERE k.attended AND k.treatment) AS treatment,
         any_value(date_diff('day', r.period_start, r.period_end) + 1) AS days
       FROM tt_review_contact_practitioners p JOIN tt_review_contacts k USING (contact_key)
       JOIN tt_review r ON r.PathwayID = k.PathwayID
       WHERE p.practitioner IS NOT NULL AND r.provider = $provider GROUP BY p.practitioner)
     SELECT s.practitioner, s.qualification, coalesce(o.caseload, 0) AS caseload, s.appointments, s.dna,
       ${pct("s.dna", "s.appointments")} AS dna_rate, round(7.0 * s.treatment / s.days, 2) AS treatment_per_week,
       coalesce(o.finished, 0) AS finished, round(o.sessions_mean, 2) AS sessions_mean,
       coalesce(o.at_caseness, 0) AS at_caseness, coalesce(o.recovered, 0) AS recovered,
       ${pct("o.recovered", "o.at_caseness")} AS recovery_rate, 100 * o.e AS expected_rate,
       ${limit(1.96, -1)} AS lower95, ${limit(1.96, 1)} AS upper95,
       ${limit(3.09, -1)} AS lower998, ${limit(3.09, 1)} AS upper998,
       coalesce(o.improved, 0) AS improved, ${pct("o.improved", "o.finished")} AS improvement_rate,
       coalesce(o.deteriorated, 0) AS deteriorated, coalesce(o.deteriorated_below_caseness, 0) AS deteriorated_below_caseness
     FROM seen s LEFT JOIN (SELECT *, e FROM outcomes) o USING (practitioner)
     ORDER BY s.practitioner`,
    { provider },
    "practitioner dashboards",
  ).then((rows) => rows.map(withFunnel));
}

function withFunnel(row: Omit<PractitionerRow, "funnel"> & { funnel?: string }): PractitionerRow {
  const r = row.recovery_rate;
  let funnel = "within";
  if (r === null || row.lower95 === null || row.upper95 === null) funnel = "no courses";
  else if (row.upper998 !== null && r > row.upper998) funnel = "above";
  else if (row.lower998 !== null && r < row.lower998) funnel = "below";
  else if (r > row.upper95 || r < row.lower95) funnel = "watch";
  return { ...row, funnel } as PractitionerRow;
}

/**
 * The "recovery at risk" list: pathways open at the period end that have started treatment and
 * either lack a first or a second PHQ-9 or anxiety score, or have had no treatment for more than
 * `longGapDays` days — the courses whose outcome will be lost or delayed unless someone acts.
 */
export async function atRiskRows(
  connection: DuckDBConnection,
  provider: string,
  rule: Attribution = "most-treatment",
): Promise<AtRiskRow[]> {
  return allOn<AtRiskRow>(
    connection,
    `WITH attributed AS (${attributionSql(rule)}),
     open AS (
       SELECT r.PathwayID, a.practitioner, r.commissioner, strftime(r.referral_date, '%Y-%m-%d') AS referral_date,
         r.treatment_count AS treatments, strftime(r.last_treatment_date, '%Y-%m-%d') AS last_treatment_date,
         date_diff('day', r.last_treatment_date, r.period_end) AS days_since_last_treatment,
         list_filter([
           CASE WHEN r.phq9_first IS NULL THEN 'no PHQ-9 score' END,
           CASE WHEN r.phq9_first IS NOT NULL AND r.phq9_last IS NULL AND r.treatment_count >= 2 THEN 'no second PHQ-9 score' END,
           CASE WHEN r.anxiety_first IS NULL THEN 'no anxiety score' END,
           CASE WHEN r.anxiety_first IS NOT NULL AND r.anxiety_last IS NULL AND r.treatment_count >= 2 THEN 'no second anxiety score' END,
           CASE WHEN date_diff('day', r.last_treatment_date, r.period_end) > ${longGapDays}
                THEN 'no treatment for ' || date_diff('day', r.last_treatment_date, r.period_end) || ' days' END
         ], x -> x IS NOT NULL) AS reasons
       FROM tt_review r LEFT JOIN attributed a USING (PathwayID)
       WHERE r.provider = $provider AND r.open_at_end AND r.treatment_count >= 1 AND r.first_treatment_date <= r.period_end)
     SELECT * EXCLUDE (reasons), array_to_string(reasons, '; ') AS reasons FROM open WHERE len(reasons) > 0
     ORDER BY days_since_last_treatment DESC NULLS LAST, PathwayID`,
    { provider },
    "recovery at risk",
  );
}

/** The registered review as written beside the public one, read only through scope-checked, audited routes. */
export interface RegisteredReview {
  provider: string;
  period: { from: string; to: string };
  attribution: Attribution;
  peerMinimum: number;
  longGapDays: number;
  createdAt: string;
  practitioners: PractitionerRow[];
  atRisk: AtRiskRow[];
}

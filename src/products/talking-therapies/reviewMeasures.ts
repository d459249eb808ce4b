import type { DuckDBConnection } from "@duckdb/node-api";
import { runOn } from "../../db/index.ts";
import type { MeasureDefinition } from "./annualMeasures.ts";
import type { Breakdown } from "./longFormatSql.ts";

/**
 * The measures an Intensive Support Team review looks at beyond the national annual set: waits
 * (including second to third treatment, which no national measure shows), open referrals without
 * activity, dose, score completeness and the recorded problem descriptor, over `tt_review`
 * (pathways); and DNA rates and appointments by practitioner qualification over `tt_review_contacts`.
 */

const c = (name: string, id: string, description: string, numerator: string): MeasureDefinition => ({
  name,
  statistic: "count",
  id,
  description,
  numerator,
});
const pct = (
  name: string,
  id: string,
  description: string,
  numerator: string,
  of: string,
): MeasureDefinition => ({
  name,
  statistic: "percentage",
  id,
  description,
  numerator,
  denominator: `count(*) FILTER (WHERE ${of})`,
});

export const pathwayReviewMeasures: MeasureDefinition[] = [
  c(
    "finished_waited_6_weeks",
    "M052",
    "Finished, first treatment within 42 days of referral.",
    "finished AND wait_days <= 42",
  ),
  pct(
    "finished_waited_6_weeks",
    "M053",
    "Finished within 6 weeks ÷ finished.",
    "finished AND wait_days <= 42",
    "finished",
  ),
  c(
    "finished_waited_18_weeks",
    "M054",
    "Finished, first treatment within 126 days.",
    "finished AND wait_days <= 126",
  ),
  pct(
    "finished_waited_18_weeks",
    "M055",
    "Finished within 18 weeks ÷ finished.",
    "finished AND wait_days <= 126",
    "finished",
  ),
  c("second_treatment", "M184", "Second treatment appointment in the period.", "second_in_period"),
  c(
    "first_to_second_over_28_days",
    "M046",
    "Second treatment in the period, over 28 days after the first.",
    "second_in_period AND first_to_second > 28",
  ),
  pct(
    "first_to_second_over_28_days",
    "M124",
    "Over 28 days ÷ second treatment in the period.",
    "second_in_period AND first_to_second > 28",
    "second_in_period",
  ),
  c(
    "first_to_second_over_90_days",
    "M047",
    "Second treatment in the period, over 90 days after the first.",
    "second_in_period AND first_to_second > 90",
  ),
  pct(
    "first_to_second_over_90_days",
    "M126",
    "Over 90 days ÷ second treatment in the period.",
    "second_in_period AND first_to_second > 90",
    "second_in_period",
  ),
  c("third_treatment", "", "Third treatment appointment in the period.", "third_in_period"),
  c(
    "second_to_third_over_28_days",
    "",
    "Third treatment in the period, over 28 days after the second.",
    "third_in_period AND second_to_third > 28",
  ),
  pct(
    "second_to_third_over_28_days",
    "",
    "Over 28 days ÷ third treatment in the period.",
    "third_in_period AND second_to_third > 28",
    "third_in_period",
  ),
  c(
    "second_to_third_over_90_days",
    "",
    "Third treatment in the period, over 90 days after the second.",
    "third_in_period AND second_to_third > 90",
  ),
  pct(
    "second_to_third_over_90_days",
    "",
    "Over 90 days ÷ third treatment in the period.",
    "third_in_period AND second_to_third > 90",
    "third_in_period",
  ),
  {
    name: "second_to_third_days",
    statistic: "max",
    id: "",
    description: "Longest wait from second to third treatment, third in the period (days).",
    numerator: "third_in_period",
    value: "max(second_to_third) FILTER (WHERE third_in_period)",
  },
  c(
    "later_gap_over_90_days",
    "",
    "Treatment in the period with any gap after the third treatment over 90 days.",
    "treated_in_period AND later_gap_max > 90",
  ),
  {
    name: "later_gap_days",
    statistic: "max",
    id: "",
    description: "Longest gap between consecutive treatments after the third, treated in the period (days).",
    numerator: "treated_in_period",
    value: "max(later_gap_max) FILTER (WHERE treated_in_period)",
  },
  {
    name: "days_between_treatments",
    statistic: "mean",
    id: "M351",
    description: "Mean of (last − first treatment) ÷ (treatments − 1), finished (days).",
    numerator: "finished",
    // Each term fixed to 12 decimal places and summed as an exact decimal, so the mean does not
    // depend on the order parallel threads add their partial sums in (a float sum does).
    value:
      "avg(CASE WHEN treatment_count > 1 THEN CAST(date_diff('day', first_treatment_date, last_treatment_date) / (treatment_count - 1) AS DECIMAL(38, 12)) END) FILTER (WHERE finished)",
  },
  c(
    "open_no_activity_60_days",
    "M019",
    "Open at the period end, last treatment 60 days or fewer before it.",
    "open_at_end AND idle_days <= 60",
  ),
  c(
    "open_no_activity_61_to_90_days",
    "M020",
    "Open at the period end, last treatment 61–90 days before it.",
    "open_at_end AND idle_days BETWEEN 61 AND 90",
  ),
  c(
    "open_no_activity_91_to_120_days",
    "M021",
    "Open at the period end, last treatment 91–120 days before it.",
    "open_at_end AND idle_days BETWEEN 91 AND 120",
  ),
  c(
    "open_no_activity_over_120_days",
    "M022",
    "Open at the period end, last treatment over 120 days before it.",
    "open_at_end AND idle_days > 120",
  ),
  {
    name: "sessions_finished_course",
    statistic: "mean",
    id: "M141",
    description: "Mean attended treatment appointments per finished course.",
    numerator: "finished",
    value: "avg(treatment_count) FILTER (WHERE finished)",
  },
  {
    name: "sessions_finished_course",
    statistic: "median",
    id: "M142",
    description: "Median attended treatment appointments per finished course.",
    numerator: "finished",
    value: "median(treatment_count) FILTER (WHERE finished)",
  },
  c(
    "sessions_over_20",
    "",
    "Finished with more than 20 treatment appointments.",
    "finished AND treatment_count > 20",
  ),
  pct(
    "sessions_over_20",
    "",
    "Over 20 sessions ÷ finished.",
    "finished AND treatment_count > 20",
    "finished",
  ),
  c("paired_phq9", "M201", "Finished with paired PHQ-9 scores.", "finished AND phq9_last IS NOT NULL"),
  pct("paired_phq9", "", "Paired PHQ-9 ÷ finished.", "finished AND phq9_last IS NOT NULL", "finished"),
  c(
    "adsm_expected",
    "M203",
    "Finished whose descriptor calls for a specific anxiety measure.",
    "finished AND recommended_tool <> 'gad7'",
  ),
  c(
    "paired_appropriate_adsm",
    "M204",
    "Finished, specific anxiety measure expected and paired.",
    "finished AND recommended_tool <> 'gad7' AND recommended_paired",
  ),
  pct(
    "paired_appropriate_adsm",
    "M205",
    "Paired specific measure ÷ finished expecting one.",
    "finished AND recommended_tool <> 'gad7' AND recommended_paired",
    "finished AND recommended_tool <> 'gad7'",
  ),
  c(
    "paired_appropriate_anxiety",
    "",
    "Finished with paired scores on the anxiety measure the descriptor calls for (GAD-7 by default).",
    "finished AND recommended_paired",
  ),
  pct(
    "paired_appropriate_anxiety",
    "",
    "Paired appropriate anxiety measure ÷ finished.",
    "finished AND recommended_paired",
    "finished",
  ),
  c(
    "descriptor_recorded",
    "",
    "Referrals received with a problem descriptor recorded, not the default other.",
    "received AND descriptor_group NOT IN ('Other', 'Not recorded')",
  ),
  pct(
    "descriptor_recorded",
    "",
    "Descriptor recorded ÷ referrals received.",
    "received AND descriptor_group NOT IN ('Other', 'Not recorded')",
    "received",
  ),
];

const contacts = (where: string) => `count(*) FILTER (WHERE ${where})`;

// `tt_review_contacts` holds one row per contact, so plain counts count contacts.
export const contactReviewMeasures: MeasureDefinition[] = [
  { ...c("appointments", "M082", "Appointments in the period.", "in_period"), value: contacts("in_period") },
  {
    ...c(
      "appointments_dna",
      "M084",
      "Appointments in the period not attended (code 3).",
      "in_period AND dna",
    ),
    value: contacts("in_period AND dna"),
  },
  {
    ...c(
      "dna_rate",
      "",
      "Did-not-attend appointments ÷ all appointments in the period.",
      "in_period AND dna",
    ),
    statistic: "percentage",
    value: `CASE WHEN ${contacts("in_period")} > 0 THEN 100.0 * ${contacts("in_period AND dna")} / ${contacts("in_period")} END`,
  },
];

// `tt_review_contact_quals` holds one row per contact and qualification: a contact with two
// practitioners of different qualifications counts once under each.
export const qualificationMeasures: MeasureDefinition[] = [
  {
    name: "attended_treatment_appointments",
    statistic: "count",
    id: "",
    description: "Attended treatment appointments in the period, by the practitioner's qualification.",
    numerator: "in_period AND attended AND treatment",
  },
];

export const stepBreakdown: Breakdown = { variableType: "Stepped Care Pathway", value: "step" };
export const appointmentTypeBreakdown: Breakdown = {
  variableType: "Appointment Type",
  value: "coalesce(app_type, 'Not known')",
};
export const modeBreakdown: Breakdown = {
  variableType: "Consultation Medium",
  value:
    "CASE WHEN mode = '01' THEN 'Face to face' WHEN mode IS NULL THEN 'Not known' ELSE 'Other media (' || mode || ')' END",
};
export const groupBreakdown: Breakdown = {
  variableType: "Therapy Mode",
  value:
    "CASE therapy_mode WHEN '1' THEN 'Individual' WHEN '2' THEN 'Couple' WHEN '3' THEN 'Group' ELSE 'Not known' END",
};
export const qualificationBreakdown: Breakdown = {
  variableType: "Practitioner Qualification",
  value: "qualification",
};

/**
 * Builds `tt_review` (pathway waits, gaps, idle days) from `tt_period`; `tt_review_contacts` (one
 * row per contact dated in the period); `tt_review_contact_practitioners` (contact × practitioner
 * with the practitioner's qualification) and `tt_review_contact_quals` (contact × qualification).
 */
export async function buildReview(connection: DuckDBConnection): Promise<void> {
  await runOn(
    connection,
    `CREATE OR REPLACE TABLE tt_review AS
     SELECT *,
       date_diff('day', referral_date, first_treatment_date) AS wait_days,
       coalesce(second_treatment_date BETWEEN period_start AND period_end, false) AS second_in_period,
       coalesce(third_treatment_date BETWEEN period_start AND period_end, false) AS third_in_period,
       len(list_filter(treatment_dates, d -> d BETWEEN period_start AND period_end)) > 0 AS treated_in_period,
       date_diff('day', first_treatment_date, second_treatment_date) AS first_to_second,
       date_diff('day', second_treatment_date, third_treatment_date) AS second_to_third,
       list_max(list_transform(range(4, len(treatment_dates) + 1),
         i -> date_diff('day', treatment_dates[i - 1], treatment_dates[i]))) AS later_gap_max,
       referral_date <= period_end AND (discharge_date IS NULL OR discharge_date > period_end) AS open_at_end,
       date_diff('day', last_treatment_date, period_end) AS idle_days
     FROM tt_period`,
    undefined,
    "review pathways",
  );
  await runOn(
    connection,
    `CREATE OR REPLACE TABLE tt_review_contacts AS
     SELECT k.PathwayID || '/' || k.CareContactId AS contact_key, k.PathwayID, k.CareContactId, k.CareContDate,
       p.provider, p.commissioner,
       k.CareContDate BETWEEN p.period_start AND p.period_end AS in_period,
       k.AttendOrDNACode = '3' AS dna, k.AttendOrDNACode IN ('5', '6') AS attended,
       k.AppType IN ('02', '03', '05') AS treatment, k.AppType AS app_type, k.ConsMechanism AS mode,
       k.CareContPatientTherMode AS therapy_mode, false AS received, false AS finished
     FROM tt_IDS201CareContact k
     JOIN tt_period p ON p.PathwayID = k.PathwayID
     -- Every contact measure is of contacts dated in the period; the rest are not kept.
     WHERE k.CareContDate BETWEEN p.period_start AND p.period_end`,
    undefined,
    "review contacts",
  );
  await runOn(
    connection,
    `CREATE OR REPLACE TABLE tt_review_contact_practitioners AS
     WITH quals AS (
       SELECT OrgID_Provider, CarePersLocalId, QualCode FROM tt_IDS902CarePersQual
       QUALIFY row_number() OVER (PARTITION BY OrgID_Provider, CarePersLocalId ORDER BY QualDate DESC NULLS LAST, source_row DESC) = 1)
     SELECT DISTINCT k.contact_key, a.CarePersLocalId AS practitioner,
       CASE WHEN a.CarePersLocalId IS NULL THEN 'No practitioner recorded'
            ELSE coalesce(q.QualCode, q2.QualCode, 'No qualification recorded') END AS qualification
     FROM tt_IDS202CareActivity a
     JOIN tt_review_contacts k ON k.CareContactId = a.CareContactId
     LEFT JOIN quals q ON q.OrgID_Provider = k.provider AND q.CarePersLocalId = a.CarePersLocalId
     LEFT JOIN quals q2 ON q2.OrgID_Provider IS NULL AND q2.CarePersLocalId = a.CarePersLocalId`,
    undefined,
    "review practitioners",
  );
  await runOn(
    connection,
    `CREATE OR REPLACE TABLE tt_review_contact_quals AS
     SELECT k.provider, k.commissioner, k.in_period, k.attended, k.treatment, k.received, k.finished,
       coalesce(q.qualification, 'No practitioner recorded') AS qualification
     FROM tt_review_contacts k
     LEFT JOIN (SELECT DISTINCT contact_key, qualification FROM tt_review_contact_practitioners) q USING (contact_key)`,
    undefined,
    "review qualifications",
  );
}

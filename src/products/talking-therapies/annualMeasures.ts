/**
 * The national annual measures as named definitions: the published measure name and statistic,
 * NHS England's measure id (from the monthly catalogue, where there is one), the catalogue's
 * description, and the SQL over `tt_period` that counts it. A percentage is 100 × numerator ÷
 * denominator in percent; an empty value when the denominator is zero.
 */
export interface MeasureDefinition {
  name: string;
  statistic: "count" | "percentage" | "mean" | "median" | "max";
  /** NHS England measure id (monthly catalogue), or "" where there is none. */
  id: string;
  description: string;
  /** SQL boolean over `tt_period` selecting the pathways counted. */
  numerator: string;
  /** For percentages: SQL for the denominator count over `tt_period`. */
  denominator?: string;
  /** An aggregate SQL expression giving the value directly (means, medians, distinct counts). */
  value?: string;
}

const finished = "count(*) FILTER (WHERE finished)";
const finishedAtCaseness = "count(*) FILTER (WHERE finished) - count(*) FILTER (WHERE not_at_caseness)";

export const annualMeasures: MeasureDefinition[] = [
  {
    name: "referrals_received",
    statistic: "count",
    id: "M001",
    description: "Referrals with a referral request received date in the period.",
    numerator: "received",
  },
  {
    name: "finished_course_treatment",
    statistic: "count",
    id: "M076",
    description:
      "Referrals with an end date in the period that had at least two attended treatment appointments (excluding follow-up).",
    numerator: "finished",
  },
  {
    name: "at_caseness",
    statistic: "count",
    id: "",
    description: "Finished a course of treatment, at caseness at the first PHQ-9 or anxiety score.",
    numerator: "at_caseness",
  },
  {
    name: "not_at_caseness",
    statistic: "count",
    id: "M179",
    description: "Finished a course of treatment, below caseness on both first scores.",
    numerator: "not_at_caseness",
  },
  {
    name: "recovery",
    statistic: "count",
    id: "M191",
    description: "Finished, at caseness at the start and below caseness on both last scores.",
    numerator: "recovery",
  },
  {
    name: "recovery",
    statistic: "percentage",
    id: "M192",
    description: "Recovered ÷ (finished − finished not at caseness), in percent.",
    numerator: "recovery",
    denominator: finishedAtCaseness,
  },
  {
    name: "reliable_recovery",
    statistic: "count",
    id: "M193",
    description: "Finished, recovered and reliably improved.",
    numerator: "reliable_recovery",
  },
  {
    name: "reliable_recovery",
    statistic: "percentage",
    id: "M195",
    description: "Reliably recovered ÷ (finished − finished not at caseness), in percent.",
    numerator: "reliable_recovery",
    denominator: finishedAtCaseness,
  },
  {
    name: "improvement",
    statistic: "count",
    id: "M185",
    description: "Finished, with reliable improvement (paired scores on both measures).",
    numerator: "improvement",
  },
  {
    name: "improvement",
    statistic: "percentage",
    id: "M186",
    description: "Reliably improved ÷ all finished, in percent.",
    numerator: "improvement",
    denominator: finished,
  },
  {
    name: "deterioration",
    statistic: "count",
    id: "M189",
    description: "Finished, with reliable deterioration (paired scores on both measures).",
    numerator: "deterioration",
  },
  {
    name: "deterioration",
    statistic: "percentage",
    id: "M1010",
    description: "Reliably deteriorated ÷ all finished, in percent.",
    numerator: "deterioration",
    denominator: finished,
  },
  {
    name: "no_reliable_change",
    statistic: "count",
    id: "M187",
    description: "Finished, paired scores on both measures, neither reliable improvement nor deterioration.",
    numerator: "no_reliable_change",
  },
  {
    name: "no_reliable_change",
    statistic: "percentage",
    id: "",
    description: "No reliable change ÷ all finished, in percent.",
    numerator: "no_reliable_change",
    denominator: finished,
  },
];

/** Organisation levels of the output, with the published `org_type` spelling. */
export interface OrgLevel {
  /** Column of `tt_period` holding the code, or null for England ("All"). */
  column: string | null;
  orgType: string;
}

/**
 * The commissioner level's published name: the national file calls the sub-ICB level "CCG" up
 * to 2021-22 and reports commissioners as sub-ICB locations from July 2022, when ICBs replaced
 * CCGs.
 */
export function commissionerOrgType(periodEnd: string): string {
  return periodEnd < "2022-07-01" ? "CCG" : "Sub-ICB";
}

/** England, each provider, each commissioner. */
export function orgLevels(periodEnd: string): OrgLevel[] {
  return [
    { column: null, orgType: "England" },
    { column: "provider", orgType: "Provider" },
    { column: "commissioner", orgType: commissionerOrgType(periodEnd) },
  ];
}

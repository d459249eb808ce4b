/**
 * The waiting-list extract EBI Insight reads: one row per completed RTT pathway (a clock stop) in
 * the layout of NHS England's Waiting List Minimum Data Set (WLMDS), whose patient-level field
 * names are those of the national flows (PATIENT_PATHWAY_IDENTIFIER, ORGANISATION_IDENTIFIER_CODE_OF_PROVIDER,
 * REFERRAL_TO_TREATMENT_PERIOD_START_DATE, …; https://www.england.nhs.uk/statistics/statistical-work-areas/rtt-waiting-times/wlmds/).
 * The person's LSOA, ethnic category and sex are the derived fields the national flows attach, and
 * the procedure code is a local link to the admission that stopped the clock (the WLMDS itself
 * carries the treatment function, not a procedure).
 */
export interface WaitingListField {
  name: string;
  aliases: string[];
  meaning: string;
  required: boolean;
}

export const waitingListFields: readonly WaitingListField[] = [
  {
    name: "PATIENT_PATHWAY_IDENTIFIER",
    aliases: ["PSEUDO_PATIENT_PATHWAY_IDENTIFIER"],
    meaning: "the pathway's identifier (pseudonymised)",
    required: true,
  },
  {
    name: "ORGANISATION_IDENTIFIER_CODE_OF_PROVIDER",
    aliases: ["ORGANISATION_CODE_PROVIDER"],
    meaning: "the provider trust (ODS code)",
    required: false,
  },
  {
    name: "ORGANISATION_IDENTIFIER_CODE_OF_COMMISSIONER",
    aliases: ["ORGANISATION_CODE_COMMISSIONER"],
    meaning: "the commissioner (sub-ICB location, ODS code)",
    required: true,
  },
  {
    name: "ACTIVITY_TREATMENT_FUNCTION_CODE",
    aliases: [],
    meaning: "treatment function (3 digits)",
    required: false,
  },
  {
    name: "WAITING_LIST_TYPE",
    aliases: [],
    meaning: "the WLMDS list type, e.g. IRTT (RTT pathway, admitted) or ORTT (non-admitted)",
    required: false,
  },
  {
    name: "PRIORITY_TYPE_CODE",
    aliases: [],
    meaning: "1 routine, 2 urgent, 3 two-week wait",
    required: false,
  },
  {
    name: "REFERRAL_TO_TREATMENT_PERIOD_START_DATE",
    aliases: ["RTT_START_DATE"],
    meaning: "clock start (YYYY-MM-DD)",
    required: true,
  },
  {
    name: "REFERRAL_TO_TREATMENT_PERIOD_END_DATE",
    aliases: ["RTT_END_DATE"],
    meaning: "clock stop (YYYY-MM-DD), on or after the start",
    required: true,
  },
  {
    name: "WEEK_ENDING_DATE",
    aliases: [],
    meaning: "the weekly submission the row came in",
    required: false,
  },
  {
    name: "DER_LSOA2021",
    aliases: ["DERLSOA2021", "DER_LSOA", "LSOA"],
    meaning: "LSOA of residence, for the IMD decile",
    required: false,
  },
  {
    name: "ETHNIC_CATEGORY",
    aliases: ["ETHNIC_CATEGORY_CODE", "ETHNOS"],
    meaning: "NHS ethnic category code (A–Z, 99)",
    required: false,
  },
  {
    name: "PERSON_STATED_GENDER_CODE",
    aliases: ["SEX"],
    meaning: "1 male, 2 female, 9 indeterminate, X not known",
    required: false,
  },
  {
    name: "PROCEDURE_CODE_OPCS",
    aliases: ["PRIMARY_PROCEDURE_OPCS", "OPERTN_01"],
    meaning: "OPCS-4 code of the admission that stopped the clock (local linkage)",
    required: false,
  },
];

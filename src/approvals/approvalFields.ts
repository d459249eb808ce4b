/**
 * The approvals layout: one row per prior-approval (PA) or individual funding request (IFR)
 * decision. docs/data-dictionary.md carries this table (`ebi docs data-dictionary`). Column names
 * are matched without regard to case, spaces or punctuation; the first of the name and its aliases
 * found is used, unless a mapping file names the column.
 */
export interface ApprovalField {
  name: string;
  aliases: string[];
  meaning: string;
  normalisation: string;
  validation: string;
  /** The file is refused without this column. */
  required?: boolean;
}

export const approvalFields: readonly ApprovalField[] = [
  {
    name: "approval_ref",
    aliases: ["reference", "approval_reference", "request_id", "request_ref", "case_ref", "ifr_ref", "ref"],
    meaning: "the approval's own reference (a Blueteq or IFR case number)",
    normalisation: "trimmed",
    validation: "present (`missing-ref`); unique in the file (`duplicate`, the later rows quarantined)",
    required: true,
  },
  {
    name: "patient_id",
    aliases: [
      "hesid",
      "pseudo_nhs_number",
      "nhs_number_pseudo",
      "pseudonymised_nhs_number",
      "nhs_number_pseudonymised",
      "der_pseudo_nhs_number",
      "pseudo_nhsnumber",
      "pseudo_nhs_no",
      "nhs_number",
      "nhsnumber",
      "token_person_id",
      "person_id",
      "patient",
    ],
    meaning: "the patient, pseudonymised with the same key as the activity's `hesid` or NHS number",
    normalisation: "trimmed, upper case, spaces removed (both sides, for matching); never published",
    validation: "present (`missing-patient`)",
    required: true,
  },
  {
    name: "provider_code",
    aliases: ["procode", "procode3", "provider", "provider_ods", "provider_org_code", "trust_code"],
    meaning: "ODS code of the provider the approval is for",
    normalisation:
      "trimmed, upper case; a 5-character site code matches its 3-character trust (`RX101` ~ `RX1`)",
    validation: "present when the decision is approved (`provider-missing`)",
    required: true,
  },
  {
    name: "intervention",
    aliases: ["intervention_id", "official_id", "ebi_id", "policy", "policy_id", "procedure"],
    meaning:
      "the intervention: its official id (`A`, `2L`), the product's id (`ebi-list-1/snoring-surgery`) or its slug",
    normalisation: "trimmed; matched without regard to case against the rule sets in use",
    validation: "present and known to the rule sets (`intervention-unknown`)",
    required: true,
  },
  {
    name: "approval_type",
    aliases: ["type", "request_type", "route", "approval_route"],
    meaning: "`PA` prior approval (criteria-based) or `IFR` individual funding request",
    normalisation: "`PA`, `prior approval` → PA; `IFR`, `individual funding request` → IFR",
    validation: "one of them (`type-unknown`)",
    required: true,
  },
  {
    name: "decision",
    aliases: ["outcome", "status", "decision_outcome", "result"],
    meaning: "`approved`, `declined` or `withdrawn`",
    normalisation:
      "lower case; `approve`, `accepted`, `granted` → approved; `rejected`, `refused`, `not approved` → declined; `cancelled` → withdrawn",
    validation: "one of them (`decision-unknown`)",
    required: true,
  },
  {
    name: "decision_date",
    aliases: ["decided_on", "outcome_date", "decision_dt", "date_of_decision"],
    meaning: "the day the decision was made",
    normalisation:
      "ISO `YYYY-MM-DD` (a time after it ignored), `DD/MM/YYYY`, `DD-MM-YYYY`, `DD.MM.YYYY`, `YYYYMMDD`, `1 May 2025`; a spreadsheet date",
    validation: "a real date (`date-invalid`); present (`date-missing`)",
    required: true,
  },
  {
    name: "valid_from",
    aliases: ["start_date", "approval_start", "valid_from_date", "effective_from"],
    meaning: "first day the approval covers",
    normalisation: "as decision_date",
    validation:
      "a real date (`date-invalid`); present when approved (`validity-missing`); not after valid_to (`validity-reversed`)",
    required: true,
  },
  {
    name: "valid_to",
    aliases: ["end_date", "expiry_date", "approval_end", "valid_until", "expires"],
    meaning: "last day the approval covers",
    normalisation: "as decision_date",
    validation: "as valid_from",
    required: true,
  },
  {
    name: "clinician",
    aliases: ["requesting_clinician", "consultant", "gmc_code", "clinician_code"],
    meaning: "requesting clinician (optional; registered side only)",
    normalisation: "trimmed",
    validation: "optional",
  },
  {
    name: "criteria",
    aliases: ["criteria_answers", "criteria_met", "criteria_response"],
    meaning: "the criteria answers as exported (optional)",
    normalisation: "kept as text",
    validation: "optional",
  },
  {
    name: "opcs_code",
    aliases: ["opcs", "opcs4", "procedure_code", "opcs_4"],
    meaning: "OPCS-4 code requested (optional)",
    normalisation: "upper case; dots removed",
    validation: "optional",
  },
];

/** The reasons an approval row is quarantined, with what each means. */
export const approvalProblemReasons: Record<string, string> = {
  "missing-ref": "no approval reference",
  duplicate: "the reference appears earlier in the file",
  "missing-patient": "no patient identifier",
  "intervention-unknown":
    "the intervention is not an official id, product id or slug of the rule sets in use",
  "type-unknown": "approval_type is not PA or IFR",
  "decision-unknown": "decision is not approved, declined or withdrawn",
  "date-missing": "no decision date",
  "date-invalid": "a date that cannot be read",
  "validity-missing": "an approved decision without valid_from or valid_to",
  "validity-reversed": "valid_to is before valid_from",
  "provider-missing": "an approved decision without a provider",
};

/** A column name as compared: lower case, runs of anything but letters and digits as one `_`. */
export function columnKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

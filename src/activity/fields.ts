/**
 * The input fields EBI Insight reads from HES/SUS extracts: the canonical (HES) name, the aliases it
 * accepts, what it means, how it is normalised and what makes it unusable. docs/data-dictionary.md
 * is generated from this table (`ebi docs data-dictionary`).
 */
export type ActivityKind = "apc" | "op";

export interface InputField {
  /** HES field name, and the name in the staging table. */
  name: string;
  kinds: ActivityKind[];
  aliases: string[];
  meaning: string;
  normalisation: string;
  validation: string;
  /** The row cannot be used without it. */
  required?: boolean;
}

const positions = (prefix: "diag" | "opertn", count: number): InputField[] =>
  Array.from({ length: count }, (_, i) => {
    const nn = String(i + 1).padStart(2, "0");
    const n = String(i + 1);
    return {
      name: `${prefix}_${nn}`,
      kinds: prefix === "diag" && i >= 12 ? (["apc"] as ActivityKind[]) : (["apc", "op"] as ActivityKind[]),
      aliases: [
        `${prefix}_4_${nn}`,
        `${prefix}${nn}`,
        `${prefix}_${n}`,
        `${prefix}4_${nn}`,
        `${prefix}_3_${nn}`,
      ],
      meaning:
        prefix === "diag"
          ? `ICD-10 diagnosis in position ${i + 1}${i === 0 ? " (primary)" : ""}`
          : `OPCS-4 procedure in position ${i + 1}${i === 0 ? " (primary)" : ""}`,
      normalisation:
        "upper case; dots, dashes, spaces and `&` removed; 5th/6th characters dropped; a trailing `X` filler dropped (`K64X` → `K64`); `-`, `&` or blank = none",
      validation:
        i === 0
          ? "a letter and 2 or 3 digits; any other shape in position 1 quarantines the row (`code-invalid`)"
          : "a letter and 2 or 3 digits; any other shape is dropped with a warning (`code-invalid-dropped`)",
    };
  });

export const inputFields: readonly InputField[] = [
  {
    name: "epikey",
    kinds: ["apc"],
    aliases: ["episode_id", "epi_key", "episode_key"],
    meaning: "episode identifier",
    normalisation: "trimmed",
    validation: "present; unique in the file and the store (`missing-key`, `duplicate`)",
    required: true,
  },
  {
    name: "attendkey",
    kinds: ["op"],
    aliases: ["attendance_id", "attend_key", "appointment_id"],
    meaning: "appointment identifier",
    normalisation: "trimmed",
    validation: "present; unique in the file and the store (`missing-key`, `duplicate`)",
    required: true,
  },
  {
    name: "susspellid",
    kinds: ["apc"],
    aliases: ["spell_id", "spellid", "spell", "hes_spell_id", "provspno"],
    meaning: "hospital spell",
    normalisation: "trimmed",
    validation:
      "when absent, derived from patient, admission date and provider (`spell-derived` warning); without a patient, each episode is its own spell",
  },
  {
    name: "hesid",
    kinds: ["apc", "op"],
    aliases: [
      "patient_id",
      "token_person_id",
      "person_id",
      "pseudo_nhs_number",
      "nhs_number_pseudo",
      "pseudonymised_nhs_number",
      "nhs_number_pseudonymised",
      "der_pseudo_nhs_number",
      "pseudo_nhsnumber",
      "nhs_number",
      "nhsnumber",
    ],
    meaning: "pseudonymised patient (`hesid`, or a pseudonymised NHS number in an ICB's extract)",
    normalisation: "trimmed; never published",
    validation: "optional",
  },
  {
    name: "epistart",
    kinds: ["apc"],
    aliases: ["episode_start", "epi_start", "episode_start_date"],
    meaning: "episode start date",
    normalisation:
      "the whole value must be a date: ISO `YYYY-MM-DD` (a time may follow), `DD/MM/YYYY` or `YYYYMMDD` (warning `date-format`); `2019-01-18xyz` is not a date",
    validation:
      "a real date, from 1990 to today; when absent the admission date is used, and when present but not a date the admission date is used with a warning (`date-replaced`); neither quarantines the row (`date-invalid`)",
    required: true,
  },
  {
    name: "epiend",
    kinds: ["apc"],
    aliases: ["episode_end", "epi_end"],
    meaning: "episode end date",
    normalisation: "as epistart",
    validation:
      "optional; present but not a date → left empty with a warning keeping the value (`date-invalid-dropped`)",
  },
  {
    name: "admidate",
    kinds: ["apc"],
    aliases: ["admission_date", "admidt", "admission_dt"],
    meaning: "admission date (the spell's month)",
    normalisation: "as epistart",
    validation:
      "optional; epistart is used when absent, and with a warning when present but not a date (`date-replaced`)",
  },
  {
    name: "disdate",
    kinds: ["apc"],
    aliases: ["discharge_date"],
    meaning: "discharge date",
    normalisation: "as epistart",
    validation:
      "optional; present but not a date → left empty with a warning keeping the value (`date-invalid-dropped`)",
  },
  {
    name: "apptdate",
    kinds: ["op"],
    aliases: ["appointment_date", "appt_date"],
    meaning: "appointment date",
    normalisation: "as epistart",
    validation: "a real date (`date-invalid`)",
    required: true,
  },
  {
    name: "admimeth",
    kinds: ["apc"],
    aliases: ["admission_method", "admimeth_code"],
    meaning: "admission method (11–13 elective, 2x emergency)",
    normalisation: "trimmed",
    validation: "two characters; other values kept with a warning (`admimeth-unknown`)",
  },
  {
    name: "classpat",
    kinds: ["apc"],
    aliases: ["patient_classification", "patclass"],
    meaning: "patient classification",
    normalisation: "trimmed",
    validation: "optional",
  },
  {
    name: "attended",
    kinds: ["op"],
    aliases: ["attendance_status", "attend"],
    meaning: "5 attended on time, 6 late but seen; 2, 3, 4, 7 not seen",
    normalisation: "trimmed",
    validation: "optional; only 5 and 6 count as seen",
  },
  {
    name: "firstatt",
    kinds: ["op"],
    aliases: ["first_attendance"],
    meaning: "first or follow-up appointment",
    normalisation: "trimmed",
    validation: "optional",
  },
  {
    name: "startage",
    kinds: ["apc"],
    aliases: ["age", "age_at_start", "startage_calc"],
    meaning: "age at start of episode",
    normalisation: "whole years; 7001–7007 (under one year) → 0; 999 or blank → unknown",
    validation: "0–120, 7001–7007 or 999; other values → unknown with a warning (`age-unknown`)",
  },
  {
    name: "apptage",
    kinds: ["op"],
    aliases: ["age", "age_at_appointment", "apptage_calc"],
    meaning: "age at appointment",
    normalisation: "as startage",
    validation: "as startage",
  },
  {
    name: "sex",
    kinds: ["apc", "op"],
    aliases: ["gender", "sex_code"],
    meaning: "1 male, 2 female, 9 not specified, 0 not known",
    normalisation: "trimmed",
    validation: "0, 1, 2 or 9; other values → 0 with a warning (`sex-unknown`)",
  },
  {
    name: "ethnos",
    kinds: ["apc", "op"],
    aliases: ["ethnic_group", "ethnicity", "ethnic_category"],
    meaning: "NHS ethnic category",
    normalisation: "upper case, trimmed",
    validation: "A–H, J–N, P, R, S, Z, 99 or blank; other values → blank with a warning (`ethnos-unknown`)",
  },
  {
    name: "lsoa",
    kinds: ["apc", "op"],
    aliases: ["lsoa11", "lsoa21", "lsoa01", "lsoa_code", "lsoa11cd", "lsoa21cd"],
    meaning: "LSOA of residence",
    normalisation: "upper case, trimmed; mapped to an IMD decile with the newest IMD vintage loaded",
    validation: "blank → warning `lsoa-missing`; not in the IMD file → warning `lsoa-unknown`",
  },
  {
    name: "gpprac",
    kinds: ["apc", "op"],
    aliases: ["gp_practice", "practice_code", "gpprac_code"],
    meaning: "registered GP practice",
    normalisation: "upper case, trimmed",
    validation: "optional",
  },
  {
    name: "procode",
    kinds: ["apc", "op"],
    aliases: ["procode3", "procode5", "provider_code", "procodet"],
    meaning: "provider trust (ODS)",
    normalisation: "upper case, trimmed",
    validation: "not in the ODS file → warning `provider-unknown`",
  },
  {
    name: "sitetret",
    kinds: ["apc"],
    aliases: ["site_code", "sitetret_code"],
    meaning: "site of treatment (ODS)",
    normalisation: "upper case, trimmed",
    validation: "optional",
  },
  {
    name: "sub_icb",
    kinds: ["apc", "op"],
    aliases: ["sub_icb_location", "ccg_responsibility", "ccg", "ccg_code", "commissioner_code", "sicbl"],
    meaning: "commissioner of responsibility (sub-ICB location, ODS)",
    normalisation: "upper case, trimmed; mapped to its current successor through the ODS successor file",
    validation: "not a known sub-ICB location or predecessor → warning `commissioner-unknown`",
  },
  {
    name: "tretspef",
    kinds: ["apc", "op"],
    aliases: ["treatment_function", "tretspef_code"],
    meaning: "treatment function",
    normalisation: "trimmed",
    validation: "optional",
  },
  {
    name: "mainspef",
    kinds: ["apc"],
    aliases: ["main_specialty"],
    meaning: "main specialty",
    normalisation: "trimmed",
    validation: "optional",
  },
  ...positions("diag", 20),
  ...positions("opertn", 24),
];

/** Reason codes written to the quarantine (row unusable) and to load warnings (row kept). */
export const problemReasons: Record<string, { severity: "quarantine" | "warning"; meaning: string }> = {
  "missing-key": { severity: "quarantine", meaning: "no episode or appointment identifier" },
  duplicate: {
    severity: "quarantine",
    meaning: "the identifier appears earlier in the file or in an earlier load",
  },
  "date-invalid": {
    severity: "quarantine",
    meaning: "no usable start date (not a date, or before 1990, or in the future)",
  },
  "code-invalid": {
    severity: "quarantine",
    meaning: "the primary diagnosis or procedure has a shape no ICD-10 / OPCS-4 code has",
  },
  "row-ragged": {
    severity: "quarantine",
    meaning: "the CSV row has more or fewer fields than the header (the row's start is kept as its value)",
  },
  "row-too-long": {
    severity: "quarantine",
    meaning: "the CSV row is over 2 MB (a field that long holds no HES value)",
  },
  "row-unreadable": {
    severity: "quarantine",
    meaning: "the CSV row cannot be read (an unclosed quote, or bytes that are not UTF-8)",
  },
  "code-invalid-dropped": {
    severity: "warning",
    meaning: "a secondary code of impossible shape was dropped",
  },
  "code-normalised": {
    severity: "warning",
    meaning: "a code with dots, lower case, dashes or 5th/6th characters was normalised",
  },
  "date-format": { severity: "warning", meaning: "a date in DD/MM/YYYY or YYYYMMDD was read" },
  "date-replaced": {
    severity: "warning",
    meaning:
      "the episode start or admission date is not a date; the other one was used in its place (the value is kept here)",
  },
  "date-invalid-dropped": {
    severity: "warning",
    meaning: "the episode end or discharge date is not a date and was left empty (the value is kept here)",
  },
  "age-unknown": { severity: "warning", meaning: "age missing, 999 or out of range" },
  "sex-unknown": { severity: "warning", meaning: "sex code other than 0, 1, 2, 9" },
  "ethnos-unknown": { severity: "warning", meaning: "ethnic category code not in the NHS list" },
  "admimeth-unknown": { severity: "warning", meaning: "admission method missing or not two characters" },
  "lsoa-missing": { severity: "warning", meaning: "no LSOA of residence (no IMD decile)" },
  "lsoa-unknown": { severity: "warning", meaning: "LSOA not in the loaded IMD file (no IMD decile)" },
  "provider-unknown": { severity: "warning", meaning: "provider code not in the loaded ODS file" },
  "commissioner-unknown": {
    severity: "warning",
    meaning: "sub-ICB code not in the loaded hierarchy or successor file",
  },
  "spell-derived": {
    severity: "warning",
    meaning: "no spell id: derived from patient, admission date and provider",
  },
};

/** The fields a kind of extract can hold, in order. */
export function fieldsFor(kind: ActivityKind): InputField[] {
  return inputFields.filter((f) => f.kinds.includes(kind));
}

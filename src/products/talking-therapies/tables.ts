/**
 * The IAPT data set v2.1 tables the talking-therapies module reads, one file per table named after
 * it (`IDS101Referral.csv` or `.parquet`). Each field carries the v2.1 name (also the staging
 * column), the v2.0 names and common patient-record-system export names it accepts, its kind
 * (which fixes normalisation and validation) and whether a row is unusable without it.
 */
export type FieldKind = "id" | "code" | "date" | "score" | "text";

export interface TableField {
  name: string;
  kind: FieldKind;
  aliases: string[];
  meaning: string;
  required?: boolean;
  /** Allowed codes after normalisation (codes only); anything else quarantines the row. */
  allowed?: readonly string[];
  /** Codes are left-padded with zeros to this width ("2" → "02"). */
  pad?: number;
}

/** A check across fields of one row: SQL over the normalised columns (quoted v2.1 names). */
export interface RowCheck {
  /** The field the problem is reported against (its raw text is the reported value). */
  field: string;
  cond: string;
  reason: string;
}

/**
 * Totals no completed questionnaire can give: PHQ-9 is nine items scored 0–3 (0–27), GAD-7 seven
 * (0–21), both whole numbers. A score outside that is a recording error, quarantined rather than
 * allowed to decide caseness or change.
 */
export const scoreRanges = [
  { code: "720433000", label: "PHQ-9", max: 27 },
  { code: "445455005", label: "GAD-7", max: 21 },
] as const;

const scoreRangeChecks: RowCheck[] = scoreRanges.map((r) => ({
  field: "PersScore",
  cond: `"CodedAssToolType" = '${r.code}' AND ("PersScore" > ${r.max} OR "PersScore" <> round("PersScore"))`,
  reason: `not a ${r.label} total (expected a whole number 0–${r.max})`,
}));

export interface TableLayout {
  name: string;
  /** Whether the measures cannot be made without this table. */
  required: boolean;
  /** Fields identifying one record: resubmissions keep the latest record per key. */
  key: string[];
  /** The table whose key this table's rows must find (orphans are quarantined). */
  parent?: { table: string; fields: string[] };
  fields: TableField[];
  /** Checks across fields (after each field's own checks). */
  rowChecks?: RowCheck[];
}

/** Fields any table may carry that order resubmissions (latest wins; file order breaks ties). */
const submissionFields: TableField[] = [
  {
    name: "ReportingPeriodEndDate",
    kind: "date",
    aliases: ["RP_EndDate", "ReportingPeriodEnd", "SubmissionPeriodEnd"],
    meaning: "end of the monthly reporting period the record was submitted for",
  },
  {
    name: "UniqueSubmissionID",
    kind: "score",
    aliases: ["SubmissionID", "Submission_ID", "UniqSubmissionID"],
    meaning: "submission number; a higher number is a later submission",
  },
];

export const attendCodes = ["2", "3", "4", "5", "6", "7"] as const;

export const tableLayouts: TableLayout[] = [
  {
    name: "IDS101Referral",
    required: true,
    key: ["PathwayID"],
    fields: [
      {
        name: "PathwayID",
        kind: "id",
        required: true,
        aliases: ["Pathway_ID", "pathway_id", "ReferralID", "Referral_ID", "ServiceRequestId"],
        meaning: "the referral (pathway): every measure counts distinct pathways",
      },
      {
        name: "LocalPatientId",
        kind: "id",
        aliases: ["Person_ID", "PersonID", "LocalPatientID", "Local_Patient_ID", "PatientID", "patient_id"],
        meaning: "the person; a second referral of the same person is its own pathway",
      },
      {
        name: "OrgID_Provider",
        kind: "code",
        required: true,
        aliases: ["OrgIDProv", "OrgID_Prov", "OrgCodeProvider", "ProviderCode", "provider_code", "Provider"],
        meaning: "provider organisation (ODS code)",
      },
      {
        name: "OrgIDComm",
        kind: "code",
        aliases: [
          "OrgID_Commissioner",
          "OrgIDCommissioner",
          "OrgCodeComm",
          "CommissionerCode",
          "commissioner",
        ],
        meaning: "commissioner (sub-ICB location, formerly CCG)",
      },
      {
        name: "ReferralRequestReceivedDate",
        kind: "date",
        required: true,
        aliases: [
          "ReferralReceivedDate",
          "REFRECDATE",
          "ReferralDate",
          "referral_date",
          "DateReferralReceived",
        ],
        meaning: "date the referral was received",
      },
      {
        name: "SourceOfReferralMH",
        kind: "code",
        aliases: ["SourceOfReferralIAPT", "SourceOfReferral", "ReferralSource", "referral_source"],
        meaning: "source of referral (B1 = self-referral)",
      },
      {
        name: "ServDischDate",
        kind: "date",
        aliases: ["ServiceDischargeDate", "DischargeDate", "EndDate", "discharge_date", "ReferralEndDate"],
        meaning: "date the referral ended (discharge)",
      },
      {
        name: "EndCode",
        kind: "code",
        aliases: ["End_Code", "ReferralEndCode", "EndReason", "end_code"],
        meaning: "why the referral ended (46–49, 96 = seen and taken on; 50 = not seen)",
      },
      ...submissionFields,
    ],
  },
  {
    name: "IDS001MPI",
    required: false,
    key: ["LocalPatientId"],
    fields: [
      {
        name: "LocalPatientId",
        kind: "id",
        required: true,
        aliases: ["Person_ID", "PersonID", "LocalPatientID", "Local_Patient_ID", "PatientID", "patient_id"],
        meaning: "the person",
      },
      {
        name: "OrgID_Provider",
        kind: "code",
        aliases: ["OrgIDProv", "OrgID_Prov", "OrgCodeProvider", "ProviderCode", "provider_code"],
        meaning: "provider that submitted the record",
      },
      {
        name: "PersonBirthDate",
        kind: "date",
        aliases: ["DateOfBirth", "DOB", "BirthDate", "date_of_birth"],
        meaning: "date of birth (age at the period end gives the age group)",
      },
      {
        name: "Gender",
        kind: "code",
        aliases: ["PersonStatedGenderCode", "GenderCode", "Sex", "sex", "gender"],
        meaning: "stated gender: 1 male, 2 female, 9 indeterminate",
      },
      {
        name: "EthnicCategory",
        kind: "code",
        aliases: ["Validated_EthnicCategory", "EthnicCategoryCode", "Ethnicity", "ethnos", "ethnicity"],
        meaning: "ethnic category (A–S, Z, 99)",
      },
      {
        name: "LSOA2011",
        kind: "code",
        aliases: ["LSOA", "LSOA2021", "LSOA_Residence", "lsoa11", "lsoa"],
        meaning: "lower-layer super output area of residence",
      },
      {
        name: "IndicesOfDeprivationDecile",
        kind: "score",
        aliases: ["IMD_Decile", "IMDDecile", "imd_decile"],
        meaning: "IMD decile of the LSOA (1 = most deprived), when the extract carries it",
      },
      ...submissionFields,
    ],
  },
  {
    name: "IDS201CareContact",
    required: true,
    key: ["PathwayID", "CareContactId"],
    parent: { table: "IDS101Referral", fields: ["PathwayID"] },
    fields: [
      {
        name: "PathwayID",
        kind: "id",
        required: true,
        aliases: ["Pathway_ID", "pathway_id", "ReferralID", "Referral_ID"],
        meaning: "the referral the contact belongs to",
      },
      {
        name: "CareContactId",
        kind: "id",
        required: true,
        aliases: ["CareContactID", "Care_Contact_ID", "ContactID", "AppointmentID", "contact_id"],
        meaning: "the contact (appointment)",
      },
      {
        name: "CareContDate",
        kind: "date",
        required: true,
        aliases: ["CareContactDate", "ContactDate", "AppointmentDate", "AppDate", "contact_date"],
        meaning: "date of the appointment",
      },
      {
        name: "AppType",
        kind: "code",
        required: true,
        pad: 2,
        aliases: ["AppointmentType", "APPTYPE", "ContactType", "appointment_type"],
        meaning: "appointment purpose: 02 treatment, 03 assessment and treatment, 05 review and treatment",
      },
      {
        name: "AttendOrDNACode",
        kind: "code",
        required: true,
        allowed: attendCodes,
        aliases: ["AttendedOrDidNotAttend", "ATTENDED", "AttendanceStatus", "Attendance", "attended"],
        meaning: "5 attended on time, 6 late but seen, 7 late not seen, 2/4 cancelled, 3 did not attend",
      },
      {
        name: "ConsMechanism",
        kind: "code",
        pad: 2,
        aliases: ["ConsMediumUsed", "ConsMechanismMH", "ConsultationMechanism", "ConsultationMedium", "mode"],
        meaning: "consultation mechanism: 01 face to face, others remote",
      },
      {
        name: "CareContPatientTherMode",
        kind: "code",
        aliases: ["PatientTherapyMode", "TherapyMode", "GroupOrIndividual", "therapy_mode"],
        meaning: "1 individual, 2 couple, 3 group (group versus individual DNA rates)",
      },
      ...submissionFields,
    ],
  },
  {
    name: "IDS202CareActivity",
    required: false,
    key: ["CareActId"],
    parent: { table: "IDS201CareContact", fields: ["CareContactId"] },
    fields: [
      {
        name: "CareContactId",
        kind: "id",
        required: true,
        aliases: ["CareContactID", "Care_Contact_ID", "ContactID", "AppointmentID", "contact_id"],
        meaning: "the contact the activity took place in",
      },
      {
        name: "CareActId",
        kind: "id",
        required: true,
        aliases: ["CareActID", "CareActivityID", "Care_Activity_ID", "ActivityID", "activity_id"],
        meaning: "the care activity",
      },
      {
        name: "CodeProcAndProcStatus",
        kind: "code",
        aliases: ["TherapyType", "IntervCode", "ProcedureCode", "therapy_type"],
        meaning: "therapy given (SNOMED CT), which fixes the step (low or high intensity)",
      },
      {
        name: "CarePersLocalId",
        kind: "id",
        aliases: [
          "CareProfLocalId",
          "CareProfessionalLocalId",
          "PractitionerID",
          "TherapistID",
          "therapist_id",
        ],
        meaning: "practitioner, unique only within a provider",
      },
      ...submissionFields,
    ],
  },
  {
    name: "IDS603PresentingComplaints",
    required: false,
    key: ["PathwayID", "PresComp", "PresCompCodSig", "PresCompDate"],
    parent: { table: "IDS101Referral", fields: ["PathwayID"] },
    fields: [
      {
        name: "PathwayID",
        kind: "id",
        required: true,
        aliases: ["Pathway_ID", "pathway_id", "ReferralID", "Referral_ID"],
        meaning: "the referral",
      },
      {
        name: "PresComp",
        kind: "code",
        required: true,
        aliases: [
          "PresentingComplaint",
          "ProblemDescriptor",
          "PresentingComplaintCode",
          "problem_descriptor",
        ],
        meaning: "problem descriptor (ICD-10)",
      },
      {
        name: "PresCompCodSig",
        kind: "code",
        aliases: ["PresentingComplaintCodedSignificance", "CodedSignificance", "PrimarySecondary"],
        meaning: "P primary, S secondary",
      },
      {
        name: "PresCompDate",
        kind: "date",
        aliases: ["PresentingComplaintDate", "ProblemDescriptorDate"],
        meaning: "date the descriptor was recorded",
      },
      ...submissionFields,
    ],
  },
  {
    // Scores issued and completed for the referral but not at a contact (questionnaires sent
    // before the first appointment, online forms): they count toward first and last scores exactly
    // as IDS607's do. Field names from the IAPT v2.x IDS606 table.
    name: "IDS606CodedScoreAssessmentRefer",
    required: false,
    key: ["PathwayID", "CodedAssToolType", "AssToolCompDate"],
    parent: { table: "IDS101Referral", fields: ["PathwayID"] },
    fields: [
      {
        name: "PathwayID",
        kind: "id",
        required: true,
        aliases: ["Pathway_ID", "pathway_id", "ReferralID", "Referral_ID", "ServiceRequestId"],
        meaning: "the referral the score belongs to",
      },
      {
        name: "CodedAssToolType",
        kind: "code",
        required: true,
        aliases: ["CodedAssessmentToolType", "AssToolType", "ToolCode", "AssessmentTool", "tool"],
        meaning: "assessment tool (SNOMED CT): PHQ-9 720433000, GAD-7 445455005, ADSMs",
      },
      {
        name: "PersScore",
        kind: "score",
        required: true,
        aliases: ["PersonScore", "Score", "TotalScore", "score"],
        meaning: "total score",
      },
      {
        name: "AssToolCompDate",
        kind: "date",
        required: true,
        aliases: ["AssessmentToolCompletionDate", "ScoreDate", "CompletionDate", "score_date"],
        meaning:
          "date the questionnaire was completed (orders first and last scores; no contact to fall back on)",
      },
      ...submissionFields,
    ],
    rowChecks: scoreRangeChecks,
  },
  {
    name: "IDS607CodedScoreAssessmentAct",
    required: false,
    key: ["CareActId", "CodedAssToolType"],
    fields: [
      {
        name: "CareActId",
        kind: "id",
        aliases: ["CareActID", "CareActivityID", "Care_Activity_ID", "ActivityID", "activity_id"],
        meaning: "the care activity the score was recorded in (a row needs it or a PathwayID)",
      },
      {
        name: "PathwayID",
        kind: "id",
        aliases: ["Pathway_ID", "pathway_id", "ReferralID", "Referral_ID"],
        meaning: "the referral, when the extract carries it (else found through the activity's contact)",
      },
      {
        name: "CodedAssToolType",
        kind: "code",
        required: true,
        aliases: ["CodedAssessmentToolType", "AssToolType", "ToolCode", "AssessmentTool", "tool"],
        meaning: "assessment tool (SNOMED CT): PHQ-9 720433000, GAD-7 445455005, ADSMs",
      },
      {
        name: "PersScore",
        kind: "score",
        required: true,
        aliases: ["PersonScore", "Score", "TotalScore", "score"],
        meaning: "total score",
      },
      {
        name: "AssToolCompDate",
        kind: "date",
        aliases: ["AssessmentToolCompletionDate", "ScoreDate", "CompletionDate", "score_date"],
        meaning: "date the questionnaire was completed (else the contact's date)",
      },
      ...submissionFields,
    ],
    rowChecks: scoreRangeChecks,
  },
  {
    name: "IDS902CarePersQual",
    required: false,
    key: ["OrgID_Provider", "CarePersLocalId", "QualCode"],
    fields: [
      {
        name: "OrgID_Provider",
        kind: "code",
        aliases: ["OrgIDProv", "OrgID_Prov", "OrgCodeProvider", "ProviderCode", "provider_code"],
        meaning: "provider the practitioner works for",
      },
      {
        name: "CarePersLocalId",
        kind: "id",
        required: true,
        aliases: [
          "CareProfLocalId",
          "CareProfessionalLocalId",
          "PractitionerID",
          "TherapistID",
          "therapist_id",
        ],
        meaning: "practitioner",
      },
      {
        name: "QualCode",
        kind: "text",
        aliases: ["CarePersQual", "Qualification", "QualificationCode", "ProfQual", "qualification"],
        meaning: "qualification (e.g. PWP, CBT therapist, counsellor); blank = none recorded",
      },
      {
        name: "QualDate",
        kind: "date",
        aliases: ["QualAwardDate", "QualificationDate", "DateQualified"],
        meaning: "date the qualification was awarded",
      },
      ...submissionFields,
    ],
  },
];

/** The layout of one table by name. */
export function tableLayout(name: string): TableLayout {
  const layout = tableLayouts.find((t) => t.name === name);
  if (!layout) throw new Error(`No talking-therapies table ${name}`);
  return layout;
}

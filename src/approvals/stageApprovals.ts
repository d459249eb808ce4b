import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteIdentifier, runOn } from "../db/index.ts";
import type { ResolvedRuleSet } from "../rules/index.ts";
import { type ApprovalMapping, mappingValueRows } from "./approvalMapping.ts";
import { writeInterventionKeys } from "./interventionKeys.ts";
import { type RawApprovals, readApprovalsFile } from "./readApprovalsFile.ts";

/** The normalised columns of an approval, as the store and the matching read them. */
export const approvalColumns = [
  "approval_ref",
  "patient_id",
  "patient_key",
  "provider_code",
  "intervention",
  "intervention_ids",
  "approval_type",
  "decision",
  "decision_date",
  "valid_from",
  "valid_to",
  "clinician",
  "criteria",
  "opcs_code",
] as const;

export interface StagedApprovals extends RawApprovals {
  accepted: number;
  quarantined: number;
}

/** One check of a row: a SQL condition on the normalised row and, when it holds, what is recorded. */
interface Check {
  when: string;
  field: string;
  value: string;
  reason: string;
}

const checks: Check[] = [
  { when: "approval_ref IS NULL", field: "approval_ref", value: "raw_ref", reason: "missing-ref" },
  {
    when: "approval_ref IS NOT NULL AND nth > 1",
    field: "approval_ref",
    value: "raw_ref",
    reason: "duplicate",
  },
  { when: "patient_id IS NULL", field: "patient_id", value: "raw_patient", reason: "missing-patient" },
  {
    when: "len(intervention_ids) = 0",
    field: "intervention",
    value: "raw_intervention",
    reason: "intervention-unknown",
  },
  { when: "approval_type IS NULL", field: "approval_type", value: "raw_type", reason: "type-unknown" },
  { when: "decision IS NULL", field: "decision", value: "raw_decision", reason: "decision-unknown" },
  {
    when: "raw_decision_date IS NULL",
    field: "decision_date",
    value: "raw_decision_date",
    reason: "date-missing",
  },
  ...(["decision_date", "valid_from", "valid_to"] as const).map((d) => ({
    when: `raw_${d} IS NOT NULL AND ${d} IS NULL`,
    field: d,
    value: `raw_${d}`,
    reason: "date-invalid",
  })),
  ...(["valid_from", "valid_to"] as const).map((d) => ({
    when: `decision = 'approved' AND raw_${d} IS NULL`,
    field: d,
    value: `raw_${d}`,
    reason: "validity-missing",
  })),
  { when: "valid_to < valid_from", field: "valid_to", value: "raw_valid_to", reason: "validity-reversed" },
  {
    when: "decision = 'approved' AND provider_code IS NULL",
    field: "provider_code",
    value: "raw_provider",
    reason: "provider-missing",
  },
];

/** A field's text after the mapping's value table, compared without regard to case or padding. */
const mapped = (field: string) =>
  `coalesce((SELECT m.to_value FROM approval_value_map m WHERE m.field = '${field}' AND m.from_key = lower(trim(r.${field}))), r.${field})`;

const dateOf = (x: string) =>
  `coalesce(TRY_CAST(left(trim(${x}), 10) AS DATE), ${[
    "%d/%m/%Y",
    "%Y%m%d",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
  ]
    .map((f) => `try_strptime(trim(${x}), '${f}')::DATE`)
    .join(", ")})`;

/** The statement that normalises and checks every raw row of `raw` into `table`. */
export function stageApprovalsSql(raw: string, table: string): string {
  const blank = (x: string) => `nullif(trim(${x}), '')`;
  return `CREATE OR REPLACE TABLE ${quoteIdentifier(table)} AS
WITH translated AS (
  SELECT r.source_row,
    ${[
      "approval_ref",
      "patient_id",
      "provider_code",
      "intervention",
      "approval_type",
      "decision",
      "decision_date",
      "valid_from",
      "valid_to",
      "clinician",
      "criteria",
      "opcs_code",
    ]
      .map((f) => `${blank(mapped(f))} AS t_${f}`)
      .join(",\n    ")}
  FROM ${quoteIdentifier(raw)} r
), normalised AS (
  SELECT source_row,
    t_approval_ref AS raw_ref, t_patient_id AS raw_patient, t_provider_code AS raw_provider,
    t_intervention AS raw_intervention, t_approval_type AS raw_type, t_decision AS raw_decision,
    t_decision_date AS raw_decision_date, t_valid_from AS raw_valid_from, t_valid_to AS raw_valid_to,
    t_approval_ref AS approval_ref,
    t_patient_id AS patient_id,
    nullif(upper(replace(t_patient_id, ' ', '')), '') AS patient_key,
    upper(t_provider_code) AS provider_code,
    t_intervention AS intervention,
    coalesce((SELECT list(DISTINCT k.intervention_id ORDER BY k.intervention_id) FROM approval_intervention_keys k
              WHERE k.key = lower(t_intervention)), []) AS intervention_ids,
    CASE WHEN upper(t_approval_type) IN ('PA', 'PRIOR APPROVAL', 'PRIOR_APPROVAL', 'PRIOR-APPROVAL') THEN 'PA'
         WHEN upper(t_approval_type) IN ('IFR', 'INDIVIDUAL FUNDING REQUEST', 'INDIVIDUAL_FUNDING_REQUEST') THEN 'IFR' END AS approval_type,
    CASE WHEN lower(t_decision) IN ('approved', 'approve', 'accepted', 'granted', 'agreed') THEN 'approved'
         WHEN lower(t_decision) IN ('declined', 'decline', 'rejected', 'refused', 'not approved', 'denied') THEN 'declined'
         WHEN lower(t_decision) IN ('withdrawn', 'withdraw', 'cancelled', 'canceled') THEN 'withdrawn' END AS decision,
    ${dateOf("t_decision_date")} AS decision_date,
    ${dateOf("t_valid_from")} AS valid_from,
    ${dateOf("t_valid_to")} AS valid_to,
    t_clinician AS clinician, t_criteria AS criteria,
    nullif(upper(regexp_replace(t_opcs_code, '[. \\-]', '', 'g')), '') AS opcs_code,
    row_number() OVER (PARTITION BY t_approval_ref ORDER BY source_row) AS nth
  FROM translated
), checked AS (
  SELECT *, list_filter([${checks
    .map(
      (c) =>
        `CASE WHEN coalesce(${c.when}, false) THEN {'field': '${c.field}', 'value': ${c.value}, 'reason': '${c.reason}'} END`,
    )
    .join(",\n    ")}], p -> p IS NOT NULL) AS problems
  FROM normalised
)
SELECT source_row, ${approvalColumns.join(", ")}, problems, len(problems) > 0 AS quarantined FROM checked`;
}

/**
 * Reads an approvals file and leaves `table` holding every row normalised and checked: the
 * approval columns, `problems` ({field, value, reason}) and `quarantined`. Interventions are
 * resolved against `ruleSets`.
 */
export async function stageApprovals(
  connection: DuckDBConnection,
  options: { file: string; table: string; ruleSets: readonly ResolvedRuleSet[]; mapping?: ApprovalMapping },
): Promise<StagedApprovals> {
  const raw = `${options.table}_raw`;
  const read = await readApprovalsFile(connection, {
    file: options.file,
    table: raw,
    mapping: options.mapping,
  });
  await writeInterventionKeys(connection, options.ruleSets);
  await runOn(
    connection,
    "CREATE OR REPLACE TEMP TABLE approval_value_map (field VARCHAR, from_key VARCHAR, to_value VARCHAR)",
  );
  for (const row of mappingValueRows(options.mapping))
    await runOn(connection, "INSERT INTO approval_value_map VALUES ($field, $from_key, $to_value)", {
      ...row,
    });
  await runOn(connection, stageApprovalsSql(raw, options.table), undefined, `check ${options.file}`);
  await runOn(connection, `DROP TABLE IF EXISTS ${quoteIdentifier(raw)}`);
  const [counts] = await allOn<{ accepted: number; quarantined: number }>(
    connection,
    `SELECT count(*) FILTER (WHERE NOT quarantined) AS accepted, count(*) FILTER (WHERE quarantined) AS quarantined
     FROM ${quoteIdentifier(options.table)}`,
  );
  return { ...read, accepted: counts?.accepted ?? 0, quarantined: counts?.quarantined ?? 0 };
}

/** The quarantine rows of a staged table: one per (row, problem), with the file named. */
export function quarantineRowsSql(table: string): string {
  return `SELECT source_row AS row, p.field, p.value, p.reason
FROM (SELECT source_row, unnest(problems) AS p FROM ${quoteIdentifier(table)} WHERE quarantined)
ORDER BY row, p.field`;
}

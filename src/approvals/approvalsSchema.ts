import type { Database } from "../db/index.ts";

/**
 * The approvals' tables in the store (registered side: patient-level). A later load's row replaces
 * the stored row with the same `approval_ref`, since systems export their whole history again.
 */
export const approvalsSchema: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS approval_loads (
    load_id VARCHAR PRIMARY KEY,   -- content hash of the file: loading it again is a no-op
    file VARCHAR NOT NULL, file_bytes BIGINT NOT NULL, file_hash VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL, rule_sets VARCHAR NOT NULL,
    rows_read BIGINT NOT NULL, rows_accepted BIGINT NOT NULL, rows_quarantined BIGINT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS approvals (
    load_id VARCHAR NOT NULL, source_row BIGINT NOT NULL,
    approval_ref VARCHAR PRIMARY KEY, patient_id VARCHAR NOT NULL, patient_key VARCHAR NOT NULL,
    provider_code VARCHAR, intervention VARCHAR NOT NULL, intervention_ids VARCHAR[] NOT NULL,
    approval_type VARCHAR NOT NULL, decision VARCHAR NOT NULL, decision_date DATE NOT NULL,
    valid_from DATE, valid_to DATE, clinician VARCHAR, criteria VARCHAR, opcs_code VARCHAR
  )`,
  `CREATE TABLE IF NOT EXISTS approval_quarantine (
    load_id VARCHAR NOT NULL, file VARCHAR NOT NULL, source_row BIGINT NOT NULL,
    field VARCHAR, value VARCHAR, reason VARCHAR NOT NULL
  )`,
];

/** Creates any missing approvals table. */
export async function ensureApprovalsSchema(db: Database): Promise<void> {
  for (const statement of approvalsSchema) await db.run(statement, undefined, "create approvals schema");
}

import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteLiteral, runOn } from "../db/index.ts";
import { classificationSql, type ResolvedRuleSet } from "../rules/index.ts";
import { writeInterventionKeys } from "./interventionKeys.ts";
import { restrictedSpellsSql } from "./restrictedSpells.ts";
import type { AuditPeriod } from "./stageAuditMatches.ts";

/** A seeded uniform number in [0, 1) from text: the same seed and key give the same number anywhere. */
const uniform = (seed: string, key: string) =>
  `(('0x' || left(md5(${quoteLiteral(seed)} || '|' || ${key}), 8))::UBIGINT / 4294967296.0)`;

/**
 * Synthetic approvals for the demo country's restricted spells in `period`, with the patterns an
 * ICB sees: one provider (the second busiest) with poor compliance, retrospective approvals,
 * expired and other-provider approvals, and requests from patients who had no restricted spell, of
 * which the declined share rises with deprivation (the approved ones are never used). Leaves
 * `synthetic_approvals` in the approvals layout; returns its size.
 */
export async function generateSyntheticApprovals(
  connection: DuckDBConnection,
  options: { ruleSets: readonly ResolvedRuleSet[]; period: AuditPeriod; seed: string },
): Promise<{ approvals: number; patients: number }> {
  const { seed, period } = options;
  await writeInterventionKeys(connection, options.ruleSets);
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE synthetic_flags AS ${classificationSql(options.ruleSets, { unit: "episode" })}`,
  );
  const part = (kind: "apc" | "op") =>
    restrictedSpellsSql(kind, {
      episodes: kind === "apc" ? "apc_episodes" : "op_appointments",
      flags: `SELECT * FROM synthetic_flags WHERE setting = '${kind}'`,
    });
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE synthetic_approvals AS
WITH spells AS (
  SELECT s.*, k.official_id, k.category FROM (${part("apc")} UNION ALL ${part("op")}) s
  JOIN (SELECT DISTINCT intervention_id, official_id, category FROM approval_intervention_keys) k USING (intervention_id)
  WHERE s.admission_date BETWEEN $from::DATE AND $to::DATE AND s.patient_id IS NOT NULL AND s.provider_code IS NOT NULL
), providers AS (
  SELECT provider_code, row_number() OVER (ORDER BY count(*) DESC, provider_code) AS busiest FROM spells GROUP BY provider_code
), drawn AS (
  SELECT s.*, p.busiest = 2 AS poor,
    ${uniform(seed, "s.spell_id || s.intervention_id")} AS u,
    ${uniform(`${seed}:days`, "s.spell_id || s.intervention_id")} AS v,
    (SELECT min(o.provider_code) FROM providers o WHERE o.provider_code <> s.provider_code) AS elsewhere
  FROM spells s JOIN providers p USING (provider_code)
), scenario AS (
  SELECT *, CASE
      WHEN poor THEN CASE WHEN u < 0.55 THEN 'approved' WHEN u < 0.72 THEN 'approved_after' WHEN u < 0.77 THEN 'expired'
                          WHEN u < 0.80 THEN 'other_provider' WHEN u < 0.82 THEN 'declined' ELSE 'none' END
      ELSE CASE WHEN u < 0.87 THEN 'approved' WHEN u < 0.92 THEN 'approved_after' WHEN u < 0.94 THEN 'expired'
                WHEN u < 0.96 THEN 'other_provider' WHEN u < 0.97 THEN 'declined' ELSE 'none' END END AS plan
  FROM drawn
), for_spells AS (
  SELECT patient_id, intervention_id, official_id, category,
    CASE WHEN plan = 'other_provider' THEN coalesce(elsewhere, provider_code) ELSE provider_code END AS provider_code,
    CASE WHEN plan = 'declined' THEN 'declined' ELSE 'approved' END AS decision,
    CASE plan WHEN 'approved_after' THEN admission_date + CAST(3 + floor(v * 40) AS INTEGER)
              WHEN 'expired' THEN admission_date - CAST(200 + floor(v * 100) AS INTEGER)
              ELSE admission_date - CAST(7 + floor(v * 60) AS INTEGER) END AS decision_date,
    spell_id AS sort_key
  FROM scenario WHERE plan <> 'none'
), other_patients AS (
  SELECT patient_id, arg_max(procode, epistart) AS provider_code, arg_max(imd_decile, epistart) AS imd_decile
  FROM apc_episodes WHERE patient_id IS NOT NULL AND epistart BETWEEN $from::DATE AND $to::DATE
    AND patient_id NOT IN (SELECT patient_id FROM spells)
  GROUP BY patient_id
), requests AS (
  SELECT o.*, ${uniform(`${seed}:request`, "o.patient_id")} AS u, ${uniform(`${seed}:decline`, "o.patient_id")} AS w,
    ${uniform(`${seed}:day`, "o.patient_id")} AS v
  FROM other_patients o WHERE o.provider_code IS NOT NULL
), interventions AS (
  SELECT intervention_id, official_id, category, row_number() OVER (ORDER BY intervention_id) - 1 AS i, count(*) OVER () AS n
  FROM (SELECT DISTINCT intervention_id, official_id, category FROM spells)
), unused AS (
  SELECT r.patient_id, i.intervention_id, i.official_id, i.category, r.provider_code,
    -- Declines rise with deprivation: 26% in the most deprived decile, 8% in the least.
    CASE WHEN r.w < 0.08 + 0.02 * (10 - coalesce(r.imd_decile, 5)) THEN 'declined' ELSE 'approved' END AS decision,
    $from::DATE + CAST(floor(r.v * 360) AS INTEGER) AS decision_date,
    r.patient_id AS sort_key
  FROM requests r JOIN interventions i ON i.i = CAST(floor(r.u * 1000) AS INTEGER) % i.n
  WHERE r.u < (SELECT 0.15 * count(*) / greatest(1, (SELECT count(*) FROM requests)) FROM spells)
), all_rows AS (
  SELECT * FROM for_spells UNION ALL SELECT * FROM unused
)
SELECT 'DEMO-' || lpad(CAST(row_number() OVER (ORDER BY decision_date, sort_key, intervention_id) AS VARCHAR), 6, '0') AS approval_ref,
  patient_id, provider_code, coalesce(official_id, intervention_id) AS intervention,
  CASE WHEN category = 1 THEN 'IFR' ELSE 'PA' END AS approval_type, decision, decision_date,
  CASE WHEN decision = 'approved' THEN decision_date END AS valid_from,
  CASE WHEN decision = 'approved' THEN decision_date + 180 END AS valid_to,
  NULL::VARCHAR AS clinician, NULL::VARCHAR AS criteria, NULL::VARCHAR AS opcs_code
FROM all_rows ORDER BY approval_ref`,
    { from: period.from, to: period.to },
    "generate synthetic approvals",
  );
  const [counts] = await allOn<{ approvals: number; patients: number }>(
    connection,
    "SELECT count(*) AS approvals, count(DISTINCT patient_id) AS patients FROM synthetic_approvals",
  );
  return counts ?? { approvals: 0, patients: 0 };
}

/** Writes `synthetic_approvals` as an approvals CSV. */
export async function writeSyntheticApprovals(connection: DuckDBConnection, file: string): Promise<void> {
  await runOn(
    connection,
    `COPY synthetic_approvals TO ${quoteLiteral(file)} (HEADER)`,
    undefined,
    `write ${file}`,
  );
}

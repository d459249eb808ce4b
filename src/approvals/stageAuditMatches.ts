import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, runOn } from "../db/index.ts";
import { defaultCosts, unitCostOf } from "../pipeline/costs.ts";
import { classificationSql, type ResolvedRuleSet } from "../rules/index.ts";
import type { ApprovalPolicy } from "./approvalPolicy.ts";
import { writeInterventionKeys } from "./interventionKeys.ts";
import { matchApprovalsSql } from "./matchSql.ts";
import { policyJoinSql, writePolicyRules } from "./policySql.ts";
import { restrictedSpellsSql } from "./restrictedSpells.ts";

export interface AuditPeriod {
  /** First day, YYYY-MM-DD. */
  from: string;
  /** Last day, YYYY-MM-DD. */
  to: string;
  label: string;
}

/** The financial year starting 1 April of `year` (2025 → 2025/26). */
export function financialYear(year: number): AuditPeriod {
  return {
    from: `${year}-04-01`,
    to: `${year + 1}-03-31`,
    label: `${year}/${String((year + 1) % 100).padStart(2, "0")}`,
  };
}

/**
 * Classifies the store's activity, keeps the restricted spells admitted in `period` that the policy
 * says need an approval, matches them to the stored approvals, and leaves `audit_matches`: the
 * match rows (spells and unused approvals) with `icb`, `requires`, `unit_cost` and `month`.
 */
export async function stageAuditMatches(
  connection: DuckDBConnection,
  options: { ruleSets: readonly ResolvedRuleSet[]; policy: ApprovalPolicy; period: AuditPeriod },
): Promise<{ spells: number; approvals: number }> {
  const { ruleSets, period } = options;
  await writeInterventionKeys(connection, ruleSets);
  await writePolicyRules(connection, options.policy);
  await runOn(
    connection,
    "CREATE OR REPLACE TEMP TABLE approval_unit_costs (intervention_id VARCHAR, unit_cost DOUBLE)",
  );
  for (const set of ruleSets)
    for (const i of set.interventions)
      await runOn(connection, "INSERT INTO approval_unit_costs VALUES ($id, $cost)", {
        id: i.intervention_id,
        cost: unitCostOf(defaultCosts, set, i),
      });
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE approval_flags AS ${classificationSql(ruleSets, { unit: "episode" })}`,
    undefined,
    "classify the store's activity",
  );
  const part = (kind: "apc" | "op") =>
    restrictedSpellsSql(kind, {
      episodes: kind === "apc" ? "apc_episodes" : "op_appointments",
      flags: `SELECT * FROM approval_flags WHERE setting = '${kind}'`,
    });
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE audit_candidates AS
     WITH spells AS (${part("apc")} UNION ALL ${part("op")}),
     interventions AS (SELECT DISTINCT intervention_id, official_id, category, list FROM approval_intervention_keys)
     SELECT s.*, coalesce(o.parent_code, s.sub_icb) AS icb, i.official_id, i.category, i.list
     FROM spells s
     LEFT JOIN interventions i USING (intervention_id)
     LEFT JOIN ref_organisations o ON o.level = 'sub_icb' AND o.code = s.sub_icb
     WHERE s.admission_date BETWEEN $from::DATE AND $to::DATE`,
    { from: period.from, to: period.to },
    "find restricted spells",
  );
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE audit_spells AS
     SELECT * EXCLUDE (official_id, category, list) FROM (${policyJoinSql("audit_candidates")})
     WHERE requires IS NOT NULL AND requires <> 'none'`,
    undefined,
    "apply the approval policy",
  );
  // Approvals whose decision or validity touches the period; the rest belong to other audits.
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE audit_approvals AS SELECT * EXCLUDE (load_id, source_row) FROM approvals
     WHERE decision_date BETWEEN $from::DATE AND $to::DATE
        OR (valid_from <= $to::DATE AND valid_to >= $from::DATE)
        OR patient_key IN (SELECT unnest(patient_keys) FROM audit_spells)`,
    { from: period.from, to: period.to },
  );
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE audit_matches AS
     SELECT m.*, s.icb, s.requires, s.policy_version, c.unit_cost, date_trunc('month', m.admission_date)::DATE AS month
     FROM (${matchApprovalsSql({ spells: "audit_spells", approvals: "audit_approvals", keys: "approval_intervention_keys" })}) m
     LEFT JOIN audit_spells s ON s.spell_id = m.spell_id AND s.intervention_id = m.intervention_id
     LEFT JOIN approval_unit_costs c ON c.intervention_id = m.intervention_id`,
    undefined,
    "match spells to approvals",
  );
  const [counts] = await allOn<{ spells: number; approvals: number }>(
    connection,
    `SELECT count(*) FILTER (WHERE spell_id IS NOT NULL) AS spells, (SELECT count(*) FROM audit_approvals) AS approvals FROM audit_matches`,
  );
  return counts ?? { spells: 0, approvals: 0 };
}

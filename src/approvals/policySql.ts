import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteIdentifier, runOn } from "../db/index.ts";
import type { ApprovalPolicy } from "./approvalPolicy.ts";

/** Writes the policy's rules to the temporary table `approval_policy_rules`, one row per rule. */
export async function writePolicyRules(connection: DuckDBConnection, policy: ApprovalPolicy): Promise<void> {
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE approval_policy_rules (
       rule_no INTEGER, commissioner VARCHAR, intervention VARCHAR, requires VARCHAR, effective_from DATE, version VARCHAR)`,
  );
  let n = 0;
  for (const rule of policy.rules)
    await runOn(
      connection,
      "INSERT INTO approval_policy_rules VALUES ($n, upper(trim($c)), lower(trim($i)), $r, $from::DATE, $v)",
      {
        n: ++n,
        c: rule.commissioner,
        i: rule.intervention,
        r: rule.requires,
        from: rule.effective_from,
        v: policy.version,
      },
    );
}

/**
 * `spells` (restricted_spells' columns plus `icb`, `category`, `list`, `official_id`) with the
 * policy's requirement on each admission date: `requires`, `policy_rule`, `policy_version`. The
 * same precedence as `requiredApproval`: commissioner (sub-ICB over ICB over `*`), intervention
 * (id over category or list over `*`), then the latest effective date. NULL when no rule applies.
 */
export function policyJoinSql(spells: string): string {
  const s = quoteIdentifier(spells);
  return `SELECT * EXCLUDE (nth) FROM (
  SELECT s.*, r.requires, r.rule_no AS policy_rule, r.version AS policy_version,
    row_number() OVER (PARTITION BY s.spell_id, s.intervention_id ORDER BY
      CASE WHEN r.commissioner = s.sub_icb THEN 2 WHEN r.commissioner = s.icb THEN 1 ELSE 0 END DESC,
      CASE WHEN r.intervention = '*' THEN 0 WHEN r.intervention LIKE 'category:%' OR r.intervention LIKE 'list:%' THEN 1 ELSE 2 END DESC,
      r.effective_from DESC) AS nth
  FROM ${s} s
  LEFT JOIN approval_policy_rules r ON r.effective_from <= s.admission_date
    AND (r.commissioner = '*' OR r.commissioner = s.sub_icb OR r.commissioner = s.icb)
    AND (r.intervention = '*'
      OR r.intervention = 'category:' || s.category
      OR r.intervention = 'list:' || lower(s.list)
      OR r.intervention IN (lower(s.intervention_id), lower(split_part(s.intervention_id, '/', 2)), lower(s.official_id)))
) WHERE nth = 1`;
}

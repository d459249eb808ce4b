import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn } from "../db/index.ts";
import { wilsonInterval, xmrChart } from "../stats/index.ts";
import { patientKeySql } from "./restrictedSpells.ts";

/** One table of the audit: a name, its columns in order, and its rows. */
export interface AuditTable {
  name: string;
  title: string;
  columns: string[];
  rows: Record<string, unknown>[];
  /** True for tables of patient-level rows: registered side only. */
  patientLevel?: boolean;
}

/** Counts a compliance figure is made from. */
export interface ComplianceCounts {
  restricted: number;
  approved: number;
  approved_after: number;
}

/** Compliance = approved ÷ restricted spells (a fraction) with its 95% Wilson interval. */
export function compliance(counts: ComplianceCounts): {
  without_approval: number;
  compliance: number | null;
  compliance_lower: number | null;
  compliance_upper: number | null;
} {
  const without = counts.restricted - counts.approved - counts.approved_after;
  if (counts.restricted === 0)
    return { without_approval: 0, compliance: null, compliance_lower: null, compliance_upper: null };
  const w = wilsonInterval(counts.approved, counts.restricted);
  return {
    without_approval: without,
    compliance: w.value,
    compliance_lower: w.lower,
    compliance_upper: w.upper,
  };
}

const countsSql = `count(*) FILTER (WHERE spell_id IS NOT NULL) AS restricted,
  count(*) FILTER (WHERE status = 'approved') AS approved,
  count(*) FILTER (WHERE status = 'approved_after') AS approved_after,
  count(*) FILTER (WHERE status = 'declined') AS declined,
  coalesce(sum(unit_cost) FILTER (WHERE spell_id IS NOT NULL AND status <> 'approved'), 0) AS unapproved_cost`;

const complianceColumns = [
  "restricted",
  "approved",
  "approved_after",
  "without_approval",
  "compliance",
  "compliance_lower",
  "compliance_upper",
  "unapproved_cost",
];

/** The annual audit per organisation: `provider_code` or the commissioner (`icb`). */
export async function complianceByOrganisation(
  connection: DuckDBConnection,
  by: "provider" | "commissioner",
): Promise<AuditTable> {
  const column = by === "provider" ? "provider_code" : "icb";
  const rows = await allOn<ComplianceCounts & Record<string, unknown>>(
    connection,
    `SELECT ${column} AS organisation, ${countsSql},
       ${by === "provider" ? "(SELECT count(*) FROM audit_matches u WHERE u.status = 'unused' AND u.decision = 'approved' AND u.provider_code = m.provider_code)" : "NULL::BIGINT"} AS unused_approvals
     FROM audit_matches m WHERE spell_id IS NOT NULL GROUP BY ALL ORDER BY organisation`,
  );
  return {
    name: by === "provider" ? "providers" : "commissioners",
    title: `Prior approval compliance by ${by}`,
    columns: ["organisation", ...complianceColumns, ...(by === "provider" ? ["unused_approvals"] : [])],
    rows: rows.map((r) => ({ ...r, ...compliance(r) })),
  };
}

/** Restricted spells not approved beforehand, with their cost: the list a commissioner sends a provider. */
export async function challengeList(connection: DuckDBConnection): Promise<AuditTable> {
  const columns = [
    "provider_code",
    "icb",
    "spell_id",
    "patient_id",
    "intervention_id",
    "official_id",
    "admission_date",
    "status",
    "approval_ref",
    "reason",
    "unit_cost",
  ];
  const rows = await allOn<Record<string, unknown>>(
    connection,
    `SELECT ${columns.join(", ")} FROM audit_matches WHERE spell_id IS NOT NULL AND status <> 'approved'
     ORDER BY provider_code, admission_date, spell_id, intervention_id`,
  );
  return {
    name: "challenge_list",
    title: "Challenge list: restricted spells without prior approval",
    columns,
    rows,
    patientLevel: true,
  };
}

/** Approved approvals no restricted spell of their intervention used. */
export async function unusedApprovals(connection: DuckDBConnection): Promise<AuditTable> {
  const columns = [
    "approval_ref",
    "patient_id",
    "provider_code",
    "intervention_id",
    "approval_type",
    "decision_date",
    "reason",
  ];
  const rows = await allOn<Record<string, unknown>>(
    connection,
    `SELECT ${columns.join(", ")} FROM audit_matches WHERE status = 'unused' AND decision = 'approved' ORDER BY provider_code, approval_ref`,
  );
  return { name: "unused_approvals", title: "Approvals never used", columns, rows, patientLevel: true };
}

/**
 * Monthly compliance per provider and per commissioner (all interventions, then each), with each
 * series' XmR chart signals (Making Data Count).
 */
export async function monthlyCompliance(connection: DuckDBConnection): Promise<AuditTable> {
  const byLevel = (level: string, column: string) =>
    `SELECT '${level}' AS level, coalesce(${column}, '?') AS organisation, coalesce(intervention_id, 'all') AS intervention_id, month, ${countsSql}
     FROM audit_matches WHERE spell_id IS NOT NULL
     GROUP BY GROUPING SETS ((${column}, month), (${column}, intervention_id, month))`;
  const counts = await allOn<
    ComplianceCounts & { level: string; organisation: string; intervention_id: string; month: Date }
  >(
    connection,
    `SELECT * FROM (${byLevel("provider", "provider_code")} UNION ALL ${byLevel("commissioner", "icb")})
     ORDER BY level DESC, organisation, intervention_id, month`,
  );
  const series = new Map<string, typeof counts>();
  for (const row of counts) {
    const key = `${row.level}|${row.organisation}|${row.intervention_id}`;
    series.set(key, [...(series.get(key) ?? []), row]);
  }
  const rows: Record<string, unknown>[] = [];
  for (const points of series.values()) {
    const values = points.map((p) => ({
      date: p.month.toISOString().slice(0, 10),
      value: p.restricted > 0 ? p.approved / p.restricted : 0,
    }));
    // A chart of a handful of spells a month only charts noise: a series needs 6 months of 10 or more.
    const chartable = values.length >= 6 && points.every((p) => p.restricted >= 10);
    const chart = chartable ? xmrChart(values, { direction: "higher" }) : undefined;
    points.forEach((p, i) => {
      const point = chart?.points[i];
      rows.push({
        level: p.level,
        organisation: p.organisation,
        intervention_id: p.intervention_id,
        month: values[i]?.date,
        restricted: p.restricted,
        approved: p.approved,
        compliance: values[i]?.value,
        mean: point?.mean ?? null,
        lower_limit: point?.lower ?? null,
        upper_limit: point?.upper ?? null,
        special_cause: point?.special ?? null,
        rules: point?.rules.join(";") ?? "",
      });
    });
  }
  return {
    name: "monthly",
    title: "Monthly compliance per provider and commissioner, with XmR limits (Making Data Count)",
    columns: [
      "level",
      "organisation",
      "intervention_id",
      "month",
      "restricted",
      "approved",
      "compliance",
      "mean",
      "lower_limit",
      "upper_limit",
      "special_cause",
      "rules",
    ],
    rows,
  };
}

/** HES ethnic category → broad group. */
const ethnicGroupSql = `CASE WHEN ethnos IN ('A', 'B', 'C') THEN 'White' WHEN ethnos IN ('D', 'E', 'F', 'G') THEN 'Mixed'
  WHEN ethnos IN ('H', 'J', 'K', 'L') THEN 'Asian' WHEN ethnos IN ('M', 'N', 'P') THEN 'Black'
  WHEN ethnos IN ('R', 'S') THEN 'Other' ELSE 'Not known' END`;

const dimensions: Record<string, string> = {
  imd_decile: "coalesce(CAST(imd_decile AS VARCHAR), 'Not known')",
  ethnic_group: ethnicGroupSql,
  age_band: `CASE WHEN age IS NULL THEN 'Not known' WHEN age < 18 THEN '0-17' WHEN age < 40 THEN '18-39' WHEN age < 65 THEN '40-64' WHEN age < 80 THEN '65-79' ELSE '80+' END`,
  sex: `CASE sex WHEN '1' THEN 'Male' WHEN '2' THEN 'Female' ELSE 'Not known' END`,
};

/**
 * Compliance and declines by deprivation, ethnic group, age and sex. The decline rate is declined
 * spells ÷ spells with any request for their intervention (approved, late, expired, elsewhere or declined).
 */
export async function complianceByGroup(connection: DuckDBConnection): Promise<AuditTable> {
  const rows: Record<string, unknown>[] = [];
  for (const [dimension, expression] of Object.entries(dimensions)) {
    const counts = await allOn<ComplianceCounts & { group: string; declined: number; requested: number }>(
      connection,
      `SELECT ${expression} AS "group", ${countsSql},
         count(*) FILTER (WHERE status IN ('approved', 'approved_after', 'expired', 'other_provider', 'declined')) AS requested
       FROM audit_matches WHERE spell_id IS NOT NULL GROUP BY 1 ORDER BY try_cast("group" AS INTEGER) NULLS LAST, "group"`,
    );
    for (const c of counts) {
      const declines = c.requested > 0 ? wilsonInterval(c.declined, c.requested) : undefined;
      rows.push({
        dimension,
        group: c.group,
        restricted: c.restricted,
        approved: c.approved,
        approved_after: c.approved_after,
        ...compliance(c),
        requested: c.requested,
        declined: c.declined,
        decline_rate: declines?.value ?? null,
        decline_lower: declines?.lower ?? null,
        decline_upper: declines?.upper ?? null,
      });
    }
  }
  return {
    name: "groups",
    title: "Compliance and declines by deprivation, ethnic group, age and sex",
    columns: [
      "dimension",
      "group",
      "restricted",
      "approved",
      "approved_after",
      "without_approval",
      "compliance",
      "compliance_lower",
      "compliance_upper",
      "requested",
      "declined",
      "decline_rate",
      "decline_lower",
      "decline_upper",
    ],
    rows,
  };
}

/**
 * Requests decided in the period and the share declined, by the patient's deprivation, ethnic group,
 * age and sex (from their latest episode in the store; `Not known` when they have none), with Wilson
 * intervals: are approvals declined more often for some groups?
 */
export async function declinesByGroup(
  connection: DuckDBConnection,
  period: { from: string; to: string },
): Promise<AuditTable> {
  const rows: Record<string, unknown>[] = [];
  const people = `SELECT patient_key, arg_max(imd_decile, start) AS imd_decile, arg_max(ethnos, start) AS ethnos,
      arg_max(age, start) AS age, arg_max(sex, start) AS sex
    FROM (SELECT ${patientKeySql("patient_id")} AS patient_key, epistart AS start, imd_decile, ethnos, age, sex FROM apc_episodes
          UNION ALL SELECT ${patientKeySql("patient_id")}, apptdate, imd_decile, ethnos, age, sex FROM op_appointments)
    WHERE patient_key IN (SELECT patient_key FROM audit_approvals) GROUP BY patient_key`;
  for (const [dimension, expression] of Object.entries(dimensions)) {
    const counts = await allOn<{ group: string; requests: number; declined: number; withdrawn: number }>(
      connection,
      `SELECT ${expression} AS "group", count(*) AS requests,
         count(*) FILTER (WHERE decision = 'declined') AS declined, count(*) FILTER (WHERE decision = 'withdrawn') AS withdrawn
       FROM audit_approvals a LEFT JOIN (${people}) p USING (patient_key)
       WHERE a.decision_date BETWEEN $from::DATE AND $to::DATE
       GROUP BY 1 ORDER BY try_cast("group" AS INTEGER) NULLS LAST, "group"`,
      { from: period.from, to: period.to },
    );
    for (const c of counts) {
      const w = wilsonInterval(c.declined, c.requests);
      rows.push({ dimension, ...c, decline_rate: w.value, decline_lower: w.lower, decline_upper: w.upper });
    }
  }
  return {
    name: "declines",
    title: "Approval requests declined, by deprivation, ethnic group, age and sex",
    columns: [
      "dimension",
      "group",
      "requests",
      "declined",
      "withdrawn",
      "decline_rate",
      "decline_lower",
      "decline_upper",
    ],
    rows,
  };
}

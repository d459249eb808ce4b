import type { Database } from "../db/index.ts";
import { allOn } from "../db/index.ts";
import type { Effects } from "../effects/index.ts";
import { EbiError } from "../errors/index.ts";
import type { ResolvedRuleSet } from "../rules/index.ts";
import type { ApprovalPolicy } from "./approvalPolicy.ts";
import { ensureApprovalsSchema } from "./approvalsSchema.ts";
import {
  type AuditTable,
  challengeList,
  complianceByGroup,
  complianceByOrganisation,
  declinesByGroup,
  monthlyCompliance,
  unusedApprovals,
} from "./auditFigures.ts";
import type { AuditProvenance } from "./auditPack.ts";
import { type ComplianceEstimate, drawCaseNoteSample } from "./caseNoteSample.ts";
import {
  type EscalationConfig,
  type EscalationException,
  evaluateEscalation,
  type MonthlyPoint,
} from "./escalation.ts";
import { type AuditPeriod, stageAuditMatches } from "./stageAuditMatches.ts";

export interface AuditOptions {
  ruleSets: readonly ResolvedRuleSet[];
  policy: ApprovalPolicy;
  period: AuditPeriod;
}

export const auditMethod =
  "Restricted spells: spells the rule sets flag, admitted in the period, whose intervention the approval policy says needs an IFR, prior approval or attestation. Compliance = spells approved before admission ÷ restricted spells, with a 95% Wilson interval. Unapproved cost = unit cost × spells not approved beforehand (docs/approvals.md).";

/** Provenance of an audit run, for every pack it writes. */
export function auditProvenance(options: AuditOptions, effects: Effects): AuditProvenance {
  return {
    period: `${options.period.label} (${options.period.from} to ${options.period.to})`,
    ruleSets: options.ruleSets
      .map((s) => `${s.id} ${s.version} (sha256 ${s.sha256.slice(0, 12)})`)
      .join(", "),
    policy: options.policy.version,
    generatedAt: effects.clock.now().toISOString(),
    method: auditMethod,
  };
}

/** Runs `fn` on a connection holding `audit_matches` for the period; refuses a store with no approvals. */
async function withAuditMatches<T>(
  db: Database,
  options: AuditOptions,
  effects: Effects,
  fn: (connection: Parameters<Parameters<Database["withConnection"]>[0]>[0]) => Promise<T>,
): Promise<T> {
  await ensureApprovalsSchema(db);
  return db.withConnection(async (connection) => {
    const [loaded] = await allOn<{ n: number }>(connection, "SELECT count(*) AS n FROM approvals");
    if (!loaded?.n)
      throw new EbiError(
        "EBI_APPROVALS_NONE",
        "The store holds no approvals: load a file with `ebi approvals load FILE`.",
      );
    effects.progress.start(`approvals audit ${options.period.label}: classify and match`);
    const counts = await stageAuditMatches(connection, options);
    effects.progress.finish(`${counts.spells} restricted spells, ${counts.approvals} approvals`);
    return fn(connection);
  });
}

/** The annual audit's tables: by commissioner and provider, challenge list, unused approvals, monthly, groups. */
export async function approvalAudit(
  db: Database,
  options: AuditOptions,
  effects: Effects,
): Promise<AuditTable[]> {
  return withAuditMatches(db, options, effects, async (connection) => [
    await complianceByOrganisation(connection, "commissioner"),
    await complianceByOrganisation(connection, "provider"),
    await challengeList(connection),
    await unusedApprovals(connection),
    await monthlyCompliance(connection),
    await complianceByGroup(connection),
    await declinesByGroup(connection, options.period),
  ]);
}

/** The case-note sample per provider for a stated precision, and its strata. */
export async function caseNoteSample(
  db: Database,
  options: AuditOptions & { seed: string; precision: number; expected?: number },
  effects: Effects,
): Promise<AuditTable[]> {
  return withAuditMatches(db, options, effects, async (connection) => {
    const strata = await drawCaseNoteSample(connection, options);
    const rows = await allOn<Record<string, unknown>>(connection, "SELECT * FROM case_note_sample");
    return [
      {
        name: "sample",
        title: `Case-note audit sample (seed ${options.seed}, ± ${options.precision * 100}% at 95%)`,
        columns: [
          "sample_id",
          "provider_code",
          "stratum_size",
          "stratum_sample",
          "spell_id",
          "patient_id",
          "intervention_id",
          "official_id",
          "admission_date",
          "status",
          "approval_ref",
          "finding",
          "reviewer",
          "notes",
        ],
        rows,
        patientLevel: true,
      },
      {
        name: "strata",
        title: "Sample size per provider",
        columns: ["provider_code", "population", "sample"],
        rows: strata as unknown as Record<string, unknown>[],
      },
    ];
  });
}

/** The exceptions report: only the provider × intervention series meeting an escalation criterion. */
export async function escalationExceptions(
  db: Database,
  options: AuditOptions & { escalation: EscalationConfig },
  effects: Effects,
): Promise<{ exceptions: EscalationException[]; tables: AuditTable[] }> {
  const monthly = await withAuditMatches(db, options, effects, (connection) => monthlyCompliance(connection));
  const exceptions = evaluateEscalation(options.escalation, monthly.rows as unknown as MonthlyPoint[]);
  return {
    exceptions,
    tables: [
      {
        name: "exceptions",
        title: `Exceptions for the oversight committee (criteria ${options.escalation.version})`,
        columns: ["criterion", "level", "organisation", "intervention_id", "months", "detail"],
        rows: exceptions as unknown as Record<string, unknown>[],
      },
      {
        ...monthly,
        rows: monthly.rows.filter((r) =>
          exceptions.some(
            (e) =>
              e.level === r.level &&
              e.organisation === r.organisation &&
              e.intervention_id === r.intervention_id,
          ),
        ),
      },
    ],
  };
}

/** The estimate from findings as an audit table. */
export function estimateTable(estimate: ComplianceEstimate): AuditTable {
  return {
    name: "estimate",
    title: "Compliance estimated from case-note findings (stratified by provider)",
    columns: ["stratum", "population", "reviewed", "compliant", "rate", "lower", "upper"],
    rows: [
      ...estimate.strata.map((s) => ({ ...s })),
      {
        stratum: "all (stratified)",
        population: estimate.population,
        reviewed: estimate.reviewed,
        compliant: null,
        rate: estimate.rate,
        lower: estimate.lower,
        upper: estimate.upper,
      },
    ],
  };
}

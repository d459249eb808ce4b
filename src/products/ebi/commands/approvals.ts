import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { ActivityKind } from "../../../activity/index.ts";
import { publishAudit } from "../../../approvals/auditStore.ts";
import {
  type ApprovalPolicy,
  approvalAudit,
  auditProvenance,
  caseNoteSample,
  defaultApprovalPolicy,
  defaultEscalation,
  escalationExceptions,
  estimateCompliance,
  estimateTable,
  financialYear,
  generateSyntheticApprovals,
  loadApprovals,
  matchApprovalFiles,
  publicCompliance,
  readApprovalMapping,
  readApprovalPolicy,
  readEscalationConfig,
  readFindings,
  writeApprovalQuarantineCsv,
  writeAuditPack,
  writeMatchesCsv,
  writeSyntheticApprovals,
} from "../../../approvals/index.ts";
import { allOn, Database } from "../../../db/index.ts";
import { EbiError } from "../../../errors/index.ts";
import { loadRuleSets } from "../../../rules/index.ts";
import { openStore, resolveWorkspace } from "../../../store/index.ts";
import { action } from "../../../terminal/action.ts";
import { terminalEffects } from "../../../terminal/terminalEffects.ts";

const defaultRules = "ebi-list-1,ebi-list-2";

function kindOf(kind: string): ActivityKind {
  if (kind !== "apc" && kind !== "op") throw new EbiError("EBI_USAGE", "--kind must be apc or op.");
  return kind;
}

/** Where a file's quarantine goes beside it: `x.csv` → `x.quarantine.csv`. */
const besides = (file: string, suffix: string) => `${file.replace(/\.(csv|xlsx)$/i, "")}.${suffix}`;

/** The policy file named, else the workspace's `approvals/policy.json`, else the national default. */
function policyFrom(path: string | undefined, root: string): ApprovalPolicy {
  if (path) return readApprovalPolicy(path);
  const local = join(root, "approvals", "policy.json");
  return existsSync(local) ? readApprovalPolicy(local) : defaultApprovalPolicy;
}

function yearOf(value: string): number {
  const year = Number(value.slice(0, 4));
  if (!/^\d{4}(\/\d{2})?$/.test(value) || year < 2000 || year > 2100)
    throw new EbiError(
      "EBI_USAGE",
      `--year must be a financial year such as 2025 or 2025/26, not ${JSON.stringify(value)}.`,
    );
  return year;
}

interface AuditFlags {
  year: string;
  rules: string;
  policy?: string;
  output?: string;
}

/** The common options of the audit commands. */
function auditCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .requiredOption("--year <year>", "financial year, e.g. 2025 or 2025/26 (April to March)")
    .option("--rules <sets>", "rule sets, comma-separated", defaultRules)
    .option(
      "--policy <file>",
      "approval policy (JSON; default: workspace approvals/policy.json or the national default)",
    )
    .option("--output <dir>", "folder for the CSV files and the XLSX pack");
}

async function auditSetup(flags: AuditFlags) {
  const workspace = resolveWorkspace();
  const ruleSets = await loadRuleSets(flags.rules.split(",").map((s) => s.trim()));
  const options = {
    ruleSets,
    policy: policyFrom(flags.policy, workspace.root),
    period: financialYear(yearOf(flags.year)),
  };
  const output =
    flags.output ?? join(workspace.reportsDir, "approvals", options.period.label.replace("/", "-"));
  return { workspace, options, output };
}

/** `ebi approvals …`: prior-approval and IFR records in, matched to restricted spells, audited. */
export function registerApprovals(program: Command): void {
  const approvals = program
    .command("approvals")
    .description("prior approval and IFR compliance: load, match, audit, sample, escalate");

  approvals
    .command("match")
    .description(
      "classify an activity file as `ebi classify` does and give each restricted spell × intervention an approval status and reason",
    )
    .requiredOption("--activity <file>", "CSV or Parquet with HES field names")
    .requiredOption("--approvals <file>", "approvals, CSV or XLSX (docs/approvals.md)")
    .requiredOption("--output <file>", "CSV to write")
    .option("--rules <sets>", "rule sets, comma-separated", defaultRules)
    .option("--kind <kind>", "apc or op", "apc")
    .option("--mapping <file>", "column and value mapping for another system's export (JSON)")
    .option("--quarantine <file>", "where quarantined approval rows go (default: beside --output)")
    .option("--json", "print the summary as JSON")
    .action(
      action(
        async (options: {
          activity: string;
          approvals: string;
          output: string;
          rules: string;
          kind: string;
          mapping?: string;
          quarantine?: string;
          json?: boolean;
        }) => {
          const kind = kindOf(options.kind);
          const ruleSets = await loadRuleSets(options.rules.split(",").map((s) => s.trim()));
          const mapping = options.mapping ? readApprovalMapping(options.mapping) : undefined;
          const db = await Database.open(":memory:", { memoryLimit: process.env.EBI_MEMORY_LIMIT });
          try {
            await db.withConnection(async (connection) => {
              const summary = await matchApprovalFiles(connection, {
                kind,
                activity: options.activity,
                approvals: options.approvals,
                ruleSets,
                mapping,
              });
              await writeMatchesCsv(connection, options.output);
              const quarantine = options.quarantine ?? besides(options.output, "quarantine.csv");
              if (summary.approvals.quarantined > 0)
                await writeApprovalQuarantineCsv(connection, {
                  staged: "approvals_staged",
                  sourceFile: options.approvals,
                  file: quarantine,
                });
              if (options.json) {
                process.stdout.write(`${JSON.stringify({ ...summary, output: options.output }, null, 2)}\n`);
                return;
              }
              const statuses = Object.entries(summary.statuses)
                .map(([s, n]) => `${s} ${n}`)
                .join(", ");
              process.stdout.write(
                `${summary.spells} restricted spell × intervention rows from ${summary.episodes} episodes; ` +
                  `${summary.approvals.accepted} approvals read${summary.approvals.quarantined > 0 ? `, ${summary.approvals.quarantined} quarantined (${quarantine})` : ""}\n` +
                  `${statuses || "no rows"}\nwrote ${options.output}\n`,
              );
            });
          } finally {
            db.close();
          }
        },
      ),
    );

  approvals
    .command("load")
    .description(
      "load an approvals file (CSV or XLSX) into the store; bad rows quarantined; a failed load changes nothing",
    )
    .argument("<file>", "approvals, CSV or XLSX")
    .option("--rules <sets>", "rule sets the interventions are resolved against", defaultRules)
    .option("--mapping <file>", "column and value mapping for another system's export (JSON)")
    .option("--json", "print the summary as JSON")
    .action(
      action(async (file: string, options: { rules: string; mapping?: string; json?: boolean }) => {
        const ruleSets = await loadRuleSets(options.rules.split(",").map((s) => s.trim()));
        const mapping = options.mapping ? readApprovalMapping(options.mapping) : undefined;
        const workspace = resolveWorkspace();
        const db = await openStore(workspace.storePath);
        try {
          const summary = await loadApprovals(db, { file, ruleSets, mapping }, terminalEffects());
          if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
          else if (summary.skipped)
            process.stdout.write(`${file}: already loaded (load ${summary.load_id}); nothing changed\n`);
          else
            process.stdout.write(
              `${file}: ${summary.rows_accepted} approvals stored (${summary.rows_replaced} replacing earlier rows), ${summary.rows_quarantined} quarantined, of ${summary.rows_read} read\n`,
            );
        } finally {
          db.close();
        }
      }),
    );

  approvals
    .command("policy")
    .description(
      "show the approval policy in use (which interventions need an IFR or prior approval, per commissioner)",
    )
    .option("--policy <file>", "a policy file to check instead of the one in use")
    .action(
      action((options: { policy?: string }) => {
        const policy = policyFrom(options.policy, resolveWorkspace().root);
        process.stdout.write(
          `policy ${policy.version}${policy.description ? `: ${policy.description}` : ""}\n`,
        );
        for (const r of policy.rules)
          process.stdout.write(
            `  from ${r.effective_from}  ${r.commissioner.padEnd(6)} ${r.intervention.padEnd(28)} ${r.requires}${r.note ? `  (${r.note})` : ""}\n`,
          );
      }),
    );

  auditCommand(
    approvals,
    "audit",
    "the annual audit per commissioner and provider, challenge list, unused approvals, monthly and by group",
  )
    .option(
      "--public",
      "also write the aggregate compliance made safe to publish (disclosure control) to <output>/public",
    )
    .action(
      action(async (flags: AuditFlags & { public?: boolean }) => {
        const { workspace, options, output } = await auditSetup(flags);
        const effects = terminalEffects();
        const db = await openStore(workspace.storePath);
        try {
          const tables = await approvalAudit(db, options, effects);
          const files = await writeAuditPack(
            output,
            "approvals-audit",
            tables,
            auditProvenance(options, effects),
            `Prior approval and IFR audit ${options.period.label}`,
          );
          const providers = tables.find((t) => t.name === "providers");
          const commissioners = tables.find((t) => t.name === "commissioners");
          if (flags.public && providers && commissioners)
            files.push(
              ...(await writeAuditPack(
                join(output, "public"),
                "approvals-public",
                publicCompliance({ providers, commissioners }),
                auditProvenance(options, effects),
                `Prior approval compliance ${options.period.label} (public)`,
              )),
            );
          for (const row of providers?.rows ?? [])
            process.stdout.write(
              `  ${String(row.organisation).padEnd(8)} ${String(row.restricted).padStart(6)} restricted  ${row.compliance === null ? "" : `${(100 * Number(row.compliance)).toFixed(1)}% compliant`}\n`,
            );
          process.stdout.write(`wrote ${files.join("\n      ")}\n`);
        } finally {
          db.close();
        }
      }),
    );

  auditCommand(
    approvals,
    "sample",
    "a stratified, seeded case-note audit sample per provider for a stated precision",
  )
    .option("--precision <fraction>", "half-width of the 95% interval wanted per provider", "0.1")
    .option("--expected <fraction>", "anticipated compliance (0.5 gives the largest sample)", "0.5")
    .option("--seed <text>", "seed: the same seed and data give the same sample", "ebi")
    .action(
      action(async (flags: AuditFlags & { precision: string; expected: string; seed: string }) => {
        const { workspace, options, output } = await auditSetup(flags);
        const effects = terminalEffects();
        const db = await openStore(workspace.storePath);
        try {
          const tables = await caseNoteSample(
            db,
            {
              ...options,
              seed: flags.seed,
              precision: Number(flags.precision),
              expected: Number(flags.expected),
            },
            effects,
          );
          const files = await writeAuditPack(
            output,
            "case-note-sample",
            tables,
            auditProvenance(options, effects),
            `Case-note audit sample ${options.period.label}`,
          );
          process.stdout.write(
            `wrote ${files.join("\n      ")}\nFill in \`finding\` (compliant or not_compliant) and run \`ebi approvals findings FILE\`.\n`,
          );
        } finally {
          db.close();
        }
      }),
    );

  approvals
    .command("findings")
    .description("load a filled-in case-note sample back: the estimated compliance rate with its interval")
    .argument("<file>", "the sample CSV with `finding` completed")
    .option("--output <dir>", "folder for the estimate (CSV and XLSX)")
    .option("--json", "print the estimate as JSON")
    .action(
      action(async (file: string, options: { output?: string; json?: boolean }) => {
        const db = await Database.open(":memory:");
        try {
          const { strata, problems } = await db.withConnection((connection) =>
            readFindings(connection, file),
          );
          for (const p of problems)
            process.stderr.write(
              `${file}, row ${p.row}, field \`${p.field}\`: value ${JSON.stringify(p.value)}: ${p.reason} (left out)\n`,
            );
          const estimate = estimateCompliance(strata);
          if (options.output) {
            const effects = terminalEffects();
            await writeAuditPack(
              options.output,
              "case-note-estimate",
              [estimateTable(estimate)],
              {
                period: "as sampled",
                ruleSets: "as sampled",
                policy: "as sampled",
                generatedAt: effects.clock.now().toISOString(),
                method:
                  "Stratified estimate: Σ W_h·p_h with W_h = N_h/N; variance Σ W_h²(1 − n_h/N_h)p_h(1 − p_h)/(n_h − 1); normal 95% interval (docs/approvals.md).",
              },
              "Compliance estimated from case-note findings",
            );
          }
          if (options.json) process.stdout.write(`${JSON.stringify({ ...estimate, problems }, null, 2)}\n`);
          else
            process.stdout.write(
              `${estimate.reviewed} spells reviewed: estimated compliance ${(100 * estimate.rate).toFixed(1)}% (95% interval ${(100 * estimate.lower).toFixed(1)}% to ${(100 * estimate.upper).toFixed(1)}%)\n`,
            );
        } finally {
          db.close();
        }
      }),
    );

  auditCommand(
    approvals,
    "exceptions",
    "the exceptions report: only what meets the escalation criteria, as CSV and an XLSX pack",
  )
    .option(
      "--escalation <file>",
      "escalation criteria (JSON; default: compliance under 90% for two months, a special-cause signal)",
    )
    .action(
      action(async (flags: AuditFlags & { escalation?: string }) => {
        const { workspace, options, output } = await auditSetup(flags);
        const escalation = flags.escalation ? readEscalationConfig(flags.escalation) : defaultEscalation;
        const effects = terminalEffects();
        const db = await openStore(workspace.storePath);
        try {
          const { exceptions, tables } = await escalationExceptions(db, { ...options, escalation }, effects);
          const files = await writeAuditPack(
            output,
            "exceptions",
            tables,
            auditProvenance(options, effects),
            `Exceptions report ${options.period.label}`,
          );
          for (const e of exceptions)
            process.stdout.write(
              `  ${e.criterion}: ${e.level} ${e.organisation} ${e.intervention_id}: ${e.detail}\n`,
            );
          process.stdout.write(`${exceptions.length} exceptions\nwrote ${files.join("\n      ")}\n`);
        } finally {
          db.close();
        }
      }),
    );

  auditCommand(
    approvals,
    "publish",
    "run the audit, the exceptions report and the case-note sample, and keep them in the state database for the registered pages",
  )
    .option("--escalation <file>", "escalation criteria (JSON; default: the shipped criteria)")
    .option("--seed <text>", "seed of the case-note sample", "20190401")
    .option("--precision <fraction>", "half-width of the sample's 95% interval", "0.1")
    .action(
      action(async (flags: AuditFlags & { escalation?: string; seed: string; precision: string }) => {
        const { workspace, options } = await auditSetup(flags);
        const escalation = flags.escalation ? readEscalationConfig(flags.escalation) : defaultEscalation;
        const effects = terminalEffects();
        const db = await openStore(workspace.storePath);
        let run: Parameters<typeof publishAudit>[2];
        try {
          const audit = await approvalAudit(db, options, effects);
          const { tables: exceptions } = await escalationExceptions(db, { ...options, escalation }, effects);
          const sample = await caseNoteSample(
            db,
            { ...options, seed: flags.seed, precision: Number(flags.precision) },
            effects,
          );
          run = {
            period: options.period.label,
            provenance: auditProvenance(options, effects),
            tables: [...audit, ...exceptions.map((t) => ({ ...t, name: `exceptions_${t.name}` })), ...sample],
          };
        } finally {
          db.close();
        }
        const { openState } = await import("../../../state/stateDb.ts");
        const state = await openState({
          url: process.env.DATABASE_URL || undefined,
          dir: join(workspace.root, "state"),
        });
        try {
          const id = await publishAudit(state, effects.clock, run);
          process.stdout.write(
            `published audit ${id} for ${run.period}: ${run.tables.map((t) => `${t.name} (${t.rows.length})`).join(", ")}\n`,
          );
        } finally {
          await state.close();
        }
      }),
    );

  approvals
    .command("demo")
    .description("synthetic approvals for the loaded demo activity (seeded), written in the approvals layout")
    .option("--year <year>", "financial year (default: the latest the store's activity reaches)")
    .option("--rules <sets>", "rule sets, comma-separated", defaultRules)
    .option("--seed <text>", "seed: the same seed and data give the same approvals", "20190401")
    .option("--out <file>", "where to write (default: the workspace's demo folder, approvals.csv)")
    .option("--load", "load the file into the store afterwards")
    .action(
      action(async (flags: { year?: string; rules: string; seed: string; out?: string; load?: boolean }) => {
        const workspace = resolveWorkspace();
        const ruleSets = await loadRuleSets(flags.rules.split(",").map((s) => s.trim()));
        const out = flags.out ?? join(workspace.demoDir, "approvals.csv");
        const db = await openStore(workspace.storePath);
        try {
          const year = flags.year
            ? yearOf(flags.year)
            : await db.withConnection(async (connection) => {
                const [latest] = await allOn<{ d: Date | null }>(
                  connection,
                  "SELECT max(admidate) AS d FROM apc_episodes",
                );
                if (!latest?.d)
                  throw new EbiError(
                    "EBI_REFERENCE_MISSING",
                    "The store holds no activity: run `ebi demo generate` and `ebi demo load` first.",
                  );
                return latest.d.getUTCMonth() >= 3
                  ? latest.d.getUTCFullYear()
                  : latest.d.getUTCFullYear() - 1;
              });
          const period = financialYear(year);
          const made = await db.withConnection(async (connection) => {
            const counts = await generateSyntheticApprovals(connection, {
              ruleSets,
              period,
              seed: flags.seed,
            });
            await writeSyntheticApprovals(connection, out);
            return counts;
          });
          process.stdout.write(
            `${made.approvals} synthetic approvals for ${made.patients} patients (${period.label}) written to ${out}\n`,
          );
          if (flags.load) {
            const summary = await loadApprovals(db, { file: out, ruleSets }, terminalEffects());
            process.stdout.write(
              `loaded: ${summary.rows_accepted} stored, ${summary.rows_quarantined} quarantined\n`,
            );
          }
        } finally {
          db.close();
        }
      }),
    );
}

import type { Command } from "commander";
import type { ActivityKind } from "../../activity/index.ts";
import {
  matchApprovalFiles,
  readApprovalMapping,
  writeApprovalQuarantineCsv,
  writeMatchesCsv,
} from "../../approvals/index.ts";
import { Database } from "../../db/index.ts";
import { EbiError } from "../../errors/index.ts";
import { loadRuleSets } from "../../rules/index.ts";
import { action } from "../action.ts";

const defaultRules = "ebi-list-1,ebi-list-2";

function kindOf(kind: string): ActivityKind {
  if (kind !== "apc" && kind !== "op") throw new EbiError("EBI_USAGE", "--kind must be apc or op.");
  return kind;
}

/** Where a file's quarantine goes beside it: `x.csv` → `x.quarantine.csv`. */
const besides = (file: string, suffix: string) => `${file.replace(/\.(csv|xlsx)$/i, "")}.${suffix}`;

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
}

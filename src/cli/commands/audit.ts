import { join } from "node:path";
import type { Command } from "commander";
import { type AuditFormat, auditListing, verifyAudit, whoSawReport } from "../../audit/auditQueries.ts";
import { openState, type StateDb } from "../../state/stateDb.ts";
import { resolveWorkspace } from "../../store/index.ts";
import { action } from "../../terminal/action.ts";
import { viaRunningServer } from "./stateControl.ts";

/** The state database: DATABASE_URL, else the workspace's embedded one (through the running server if it holds it). */
async function withState<T>(work: (db: StateDb) => Promise<T>): Promise<T> {
  const db = await openState({
    url: process.env.DATABASE_URL || undefined,
    dir: join(resolveWorkspace().root, "state"),
  });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** `ebi audit verify|list|report`: the registered-access audit log. */
export function registerAudit(program: Command): void {
  const audit = program
    .command("audit")
    .description("the audit log of registered access: verify, list, report");
  audit
    .command("verify")
    .description(
      "recompute every event's hash and link; exit non-zero naming the first event that does not fit",
    )
    .action(
      action(async () => {
        const text = (await viaRunningServer("verify", {})) ?? (await withState((db) => verifyAudit(db)));
        process.stdout.write(text);
      }),
    );
  audit
    .command("list")
    .description("every event (sign-ins, failed sign-ins, registered reads, grants, revocations)")
    .option("--format <format>", "csv, json or fhir (a Bundle of FHIR R4 AuditEvent)", "csv")
    .option("--from <time>", "from this ISO time (inclusive)")
    .option("--to <time>", "to this ISO time (exclusive)")
    .action(
      action(async (options: { format: string; from?: string; to?: string }) => {
        const query = { format: options.format, from: options.from, to: options.to };
        const text =
          (await viaRunningServer("list", query)) ??
          (await withState((db) => auditListing(db, options.format as AuditFormat, options)));
        process.stdout.write(text);
      }),
    );
  audit
    .command("report")
    .description(
      '"who saw our figures": per organisation, for a month, who read its registered figures (CSV)',
    )
    .requiredOption("--month <YYYY-MM>", "the month (UTC)")
    .option("--org <code>", "one organisation's code (default every organisation)")
    .action(
      action(async (options: { month: string; org?: string }) => {
        const text =
          (await viaRunningServer("report", { month: options.month, org: options.org })) ??
          (await withState((db) => whoSawReport(db, options.month, options.org)));
        process.stdout.write(text);
      }),
    );
}

import type { Command } from "commander";
import { type ActivityKind, ingestActivity, qualitySummary } from "../../../activity/index.ts";
import { EbiError } from "../../../errors/index.ts";
import { openStore, resolveWorkspace } from "../../../store/index.ts";
import { action } from "../../../terminal/action.ts";
import { terminalEffects } from "../../../terminal/terminalEffects.ts";

/** `ebi ingest apc|op FILE…`: load HES extracts, with quarantine and a data-quality report. */
export function registerIngest(program: Command): void {
  program
    .command("ingest")
    .description(
      "load HES/SUS extracts (CSV or Parquet) of admitted episodes (apc) or outpatient appointments (op)",
    )
    .argument("<kind>", "apc or op")
    .argument("<files...>", "CSV or Parquet files with HES field names")
    .action(
      action(async (kind: string, files: string[]) => {
        if (kind !== "apc" && kind !== "op")
          throw new EbiError("EBI_USAGE", `The kind must be apc or op, not ${JSON.stringify(kind)}.`);
        const workspace = resolveWorkspace();
        const db = await openStore(workspace.storePath);
        try {
          const summaries = await ingestActivity(
            db,
            { kind: kind as ActivityKind, files, reportsDir: workspace.reportsDir },
            terminalEffects(),
          );
          for (const summary of summaries) {
            if (summary.skipped) {
              process.stdout.write(
                `${summary.file}: already loaded (load ${summary.load_id}); nothing added\n`,
              );
            } else if (summary.quality) {
              if (summary.replaced)
                process.stdout.write(
                  `${summary.file}: replaces its earlier load ${summary.replaced.join(", ")}\n`,
                );
              process.stdout.write(`${qualitySummary(summary.quality)}\n  report: ${summary.report}\n`);
            }
          }
        } finally {
          db.close();
        }
      }),
    );
}

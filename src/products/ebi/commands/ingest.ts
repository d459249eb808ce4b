import type { Command } from "commander";
import {
  type ActivityKind,
  ingestActivity,
  type LoadSummary,
  qualitySummary,
} from "../../../activity/index.ts";
import { EbiError } from "../../../errors/index.ts";
import { openStore, resolveWorkspace } from "../../../store/index.ts";
import { action } from "../../../terminal/action.ts";
import { terminalEffects } from "../../../terminal/terminalEffects.ts";

/** Prints what one load did: skipped, or its quality summary (and what it replaced). */
function reportLoad(summary: LoadSummary): void {
  if (summary.skipped) {
    process.stdout.write(`${summary.file}: already loaded (load ${summary.load_id}); nothing added\n`);
  } else if (summary.quality) {
    if (summary.replaced)
      process.stdout.write(`${summary.file}: replaces its earlier load ${summary.replaced.join(", ")}\n`);
    process.stdout.write(`${qualitySummary(summary.quality)}\n  report: ${summary.report}\n`);
  }
}

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
        // Each file is its own load, in a store opened for it alone. DuckDB keeps the blocks a load
        // writes cached up to its memory limit, and the next load's working memory comes on top:
        // twelve national months in one open store climbed past 4 GB, where each alone peaks at
        // under 2 GB. Opening the store again drops that cache.
        for (const file of files) {
          const db = await openStore(workspace.storePath);
          try {
            const [summary] = await ingestActivity(
              db,
              { kind: kind as ActivityKind, files: [file], reportsDir: workspace.reportsDir },
              terminalEffects(),
            );
            if (summary) reportLoad(summary);
          } finally {
            db.close();
          }
        }
      }),
    );
}

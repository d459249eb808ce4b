import type { Command } from "commander";
import { measureFolder } from "../../products/talking-therapies/measureFolder.ts";
import { loadThresholds } from "../../products/talking-therapies/thresholds.ts";
import { action } from "../action.ts";
import { terminalEffects } from "../terminalEffects.ts";

/**
 * `ebi talking-therapies` (alias `ebi tt`): NHS Talking Therapies measures from IAPT v2.1 tables,
 * loading into the store, reconciliation with the national figures, and the demo service.
 * Registered under both names in commands.ts; registering twice (help loads every command) is a no-op.
 */
export function registerTalkingTherapies(program: Command): void {
  if (program.commands.some((c) => c.name() === "talking-therapies")) return;
  const tt = program
    .command("talking-therapies")
    .alias("tt")
    .description(
      "NHS Talking Therapies: measures from IAPT v2.1 tables, reconciled with the national figures",
    );

  tt.command("measures")
    .description("measure a folder of IAPT v2.1 tables (one CSV or Parquet per table) without loading it")
    .requiredOption("--input <dir>", "folder with IDS101Referral.csv, IDS201CareContact.csv, …")
    .requiredOption("--from <date>", "first day of the period, YYYY-MM-DD")
    .requiredOption("--to <date>", "last day of the period, YYYY-MM-DD")
    .requiredOption("--output <file>", "CSV to write in the national long format")
    .option("--thresholds <file>", "thresholds file (JSON) in place of the shipped set")
    .option("--quiet", "print nothing but errors")
    .action(
      action(
        async (options: {
          input: string;
          from: string;
          to: string;
          output: string;
          thresholds?: string;
          quiet?: boolean;
        }) => {
          const summary = await measureFolder(
            {
              input: options.input,
              from: options.from,
              to: options.to,
              output: options.output,
              thresholds: options.thresholds ? loadThresholds(options.thresholds) : undefined,
            },
            terminalEffects({ quiet: options.quiet }),
          );
          if (!options.quiet)
            process.stdout.write(
              `wrote ${summary.output} (${summary.pathways.toLocaleString("en-GB")} pathways; ` +
                `${summary.quarantinedRows.toLocaleString("en-GB")} rows quarantined: ${summary.quarantine})\n`,
            );
        },
      ),
    );
}

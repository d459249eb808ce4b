import type { Command } from "commander";
import { EbiError } from "../../errors/index.ts";
import {
  loadReferenceFile,
  type ReferenceDataset,
  referenceDatasets,
} from "../../reference/loadReferenceFile.ts";
import { openStore, resolveWorkspace } from "../../store/index.ts";
import { action } from "../../terminal/action.ts";
import { terminalEffects } from "../../terminal/terminalEffects.ts";

/** `ebi reference load|list`: the published reference files every figure needs. */
export function registerReference(program: Command): void {
  const reference = program
    .command("reference")
    .description("organisations, deprivation and population reference data");
  reference
    .command("load")
    .description(`load a published reference file: ${referenceDatasets.join(", ")}`)
    .argument("<dataset>", referenceDatasets.join(" | "))
    .argument("<file>", "the file as published (CSV)")
    .option("--vintage <v>", "IMD 2019 or 2025; LSOA lookup 2011 or 2021")
    .option("--year <yyyy>", "population: the mid-year of the estimates")
    .action(
      action(async (dataset: string, file: string, options: { vintage?: string; year?: string }) => {
        if (!(referenceDatasets as readonly string[]).includes(dataset))
          throw new EbiError(
            "EBI_USAGE",
            `Unknown dataset ${JSON.stringify(dataset)}; expected ${referenceDatasets.join(", ")}.`,
          );
        const db = await openStore(resolveWorkspace().storePath);
        try {
          const load = await loadReferenceFile(
            db,
            {
              dataset: dataset as ReferenceDataset,
              file,
              vintage: options.vintage,
              year: options.year ? Number(options.year) : undefined,
            },
            terminalEffects(),
          );
          process.stdout.write(
            `${load.dataset} ${load.vintage}: ${load.rows.toLocaleString("en-GB")} rows from ${load.file}\n`,
          );
        } finally {
          db.close();
        }
      }),
    );
  reference
    .command("list")
    .description("list the reference data loaded, with vintages and file hashes")
    .action(
      action(async () => {
        const db = await openStore(resolveWorkspace().storePath);
        try {
          const rows = await db.all<{
            dataset: string;
            vintage: string;
            rows: number;
            file: string;
            file_hash: string;
          }>("SELECT dataset, vintage, rows, file, file_hash FROM ref_vintages ORDER BY dataset, vintage");
          if (rows.length === 0) process.stdout.write("No reference data loaded.\n");
          for (const r of rows)
            process.stdout.write(
              `${r.dataset.padEnd(15)} ${r.vintage.padEnd(9)} ${String(r.rows).padStart(9)}  ${r.file}  ${r.file_hash.slice(0, 12)}\n`,
            );
        } finally {
          db.close();
        }
      }),
    );
}

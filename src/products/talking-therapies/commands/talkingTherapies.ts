import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { Database } from "../../../db/index.ts";
import { quietEffects } from "../../../effects/index.ts";
import { EbiError } from "../../../errors/index.ts";
import { openStore, resolveWorkspace } from "../../../store/index.ts";
import { action } from "../../../terminal/action.ts";
import { terminalEffects } from "../../../terminal/terminalEffects.ts";
import { builtInFindings, generateService } from "../demo/generateService.ts";
import { rmy202425 } from "../demo/publishedTargets.ts";
import { ingestFolder } from "../ingestFolder.ts";
import { measureFolder, measureOnConnection, ttMemoryLimit } from "../measureFolder.ts";
import {
  buildPublicReview,
  publicReviewDir,
  publicReviewVersion,
  registeredReviewDir,
} from "../public/buildPublicReview.ts";
import { demoPublishedExtract, extractPublished } from "../publishedExtract.ts";
import { reconciledCsv } from "../reconcile.ts";
import { reconcileFolder, reconcileOnConnection } from "../reconcileService.ts";
import { loadThresholds } from "../thresholds.ts";

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
    .option("--input <dir>", "folder with IDS101Referral.csv, IDS201CareContact.csv, …")
    .option("--store", "measure the tables loaded with `ebi tt ingest` instead of a folder")
    .requiredOption("--from <date>", "first day of the period, YYYY-MM-DD")
    .requiredOption("--to <date>", "last day of the period, YYYY-MM-DD")
    .requiredOption("--output <file>", "CSV to write in the national long format")
    .option("--thresholds <file>", "thresholds file (JSON) in place of the shipped set")
    .option("--imd <file>", "IMD File 7 CSV for each LSOA's decile (default: the store's reference IMD)")
    .option("--quiet", "print nothing but errors")
    .action(
      action(
        async (options: {
          input?: string;
          store?: boolean;
          from: string;
          to: string;
          output: string;
          thresholds?: string;
          imd?: string;
          quiet?: boolean;
        }) => {
          const thresholds = options.thresholds ? loadThresholds(options.thresholds) : undefined;
          if (options.store) {
            const db = await openStore(resolveWorkspace().storePath, { memoryLimit: ttMemoryLimit() });
            try {
              await db.withConnection((c) =>
                measureOnConnection(
                  c,
                  { ...options, input: undefined, thresholds },
                  terminalEffects({ quiet: options.quiet }),
                ),
              );
            } finally {
              db.close();
            }
            if (!options.quiet) process.stdout.write(`wrote ${options.output}\n`);
            return;
          }
          if (!options.input)
            throw new EbiError("EBI_USAGE", "Give --input DIR (a folder of IAPT tables) or --store.");
          const summary = await measureFolder(
            {
              input: options.input,
              from: options.from,
              to: options.to,
              output: options.output,
              thresholds,
              imd: options.imd,
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

  tt.command("ingest")
    .description(
      "load a folder of IAPT v2.1 tables into the store (replacing the previous load; a failed load changes nothing)",
    )
    .argument("<dir>", "folder with one CSV or Parquet file per table")
    .action(
      action(async (dir: string) => {
        const workspace = resolveWorkspace();
        const db = await openStore(workspace.storePath, { memoryLimit: ttMemoryLimit() });
        try {
          const summary = await ingestFolder(
            db,
            { dir, reportsDir: workspace.reportsDir },
            terminalEffects(),
          );
          for (const t of summary.tables)
            process.stdout.write(
              `${t.table}: ${t.rows} rows, ${t.accepted} kept, ${t.quarantined} quarantined, ${t.superseded} superseded\n`,
            );
          process.stdout.write(`report: ${summary.report}\n`);
        } finally {
          db.close();
        }
      }),
    );

  tt.command("reconcile")
    .description("set a provider's local annual measures beside NHS England's published figures")
    .option("--input <dir>", "folder of IAPT tables (else the tables loaded into the store)")
    .requiredOption("--provider <code>", "provider ODS code, e.g. RMY")
    .requiredOption("--from <date>", "first day of the period, YYYY-MM-DD")
    .requiredOption("--to <date>", "last day of the period, YYYY-MM-DD")
    .option(
      "--published <file>",
      "national annual measures (Parquet or NHS England's CSV)",
      "../shared/data/talking-therapies/measures_annual.parquet",
    )
    .option("--output <file>", "CSV to write the side-by-side figures to")
    .option("--json", "print JSON")
    .action(
      action(
        async (options: {
          input?: string;
          provider: string;
          from: string;
          to: string;
          published: string;
          output?: string;
          json?: boolean;
        }) => {
          let rows: Awaited<ReturnType<typeof reconcileFolder>>;
          if (options.input)
            rows = await reconcileFolder({ ...options, input: options.input }, quietEffects());
          else {
            const db = await openStore(resolveWorkspace().storePath, { memoryLimit: ttMemoryLimit() });
            try {
              rows = await db.withConnection((c) => reconcileOnConnection(c, options, quietEffects()));
            } finally {
              db.close();
            }
          }
          if (options.output && !options.input)
            writeFileSync(options.output, reconciledCsv(options.provider, options.from, options.to, rows));
          if (options.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          else process.stdout.write(reconciledCsv(options.provider, options.from, options.to, rows));
        },
      ),
    );

  tt.command("demo")
    .description(
      "generate a synthetic service calibrated to RMY's published 2024-25 totals, with the review's findings",
    )
    .option(
      "--out <dir>",
      "folder to write the IAPT tables to (default: the workspace's demo/talking-therapies)",
    )
    .option("--seed <n>", "seed (same seed, same files)", "20240401")
    .option("--clean", "write the true service, without the local extract's defects")
    .option("--copies <n>", "that many providers of the same size (benchmarks: 28 ≈ a national year)", "1")
    .action(
      action(async (options: { out?: string; seed: string; clean?: boolean; copies: string }) => {
        const seed = Number(options.seed);
        const copies = Number(options.copies);
        if (!Number.isInteger(copies) || copies < 1 || copies > 99)
          throw new EbiError(
            "EBI_USAGE",
            `--copies must be a whole number from 1 to 99, not ${options.copies}.`,
          );
        const out = options.out ?? join(resolveWorkspace().demoDir, "talking-therapies");
        const result = await generateService(
          { outDir: out, seed, copies, defects: !options.clean },
          terminalEffects(),
        );
        process.stdout.write(`wrote ${result.files.length} tables to ${result.dir}\nbuilt in:\n`);
        for (const finding of builtInFindings) process.stdout.write(`  - ${finding}\n`);
      }),
    );

  tt.command("extract-published")
    .description(
      "write the rows of the national annual measures the public review reads (England by breakdown, the provider's Total) as CSV in NHS England's layout",
    )
    .option("--published <file>", "the long national Parquet", defaultPublished)
    .option("--output <file>", "CSV to write", demoPublishedExtract)
    .option("--provider <code>", "provider ODS code", rmy202425.provider)
    .option("--from <date>", "first day of the period, YYYY-MM-DD", rmy202425.from)
    .option("--to <date>", "last day of the period, YYYY-MM-DD", rmy202425.to)
    .action(
      action(
        async (options: {
          published: string;
          output: string;
          provider: string;
          from: string;
          to: string;
        }) => {
          const db = await Database.open(":memory:", { memoryLimit: process.env.EBI_MEMORY_LIMIT });
          let extract: Awaited<ReturnType<typeof extractPublished>>;
          try {
            extract = await db.withConnection((c) =>
              extractPublished(c, { ...options, file: options.published }),
            );
          } finally {
            db.close();
          }
          writeFileSync(`${options.output}.partial`, extract.csv);
          renameSync(`${options.output}.partial`, options.output);
          process.stdout.write(`wrote ${extract.rows} rows to ${options.output}\n`);
        },
      ),
    );

  tt.command("public-review")
    .description(
      "build the public service-review tables (aggregate; counts below 8 suppressed, others rounded to 5) from the demo service, for the /talking-therapies pages",
    )
    .option(
      "--out <dir>",
      "folder to write to (default: EBI_TT_PUBLIC_DIR, else <workspace>/talking-therapies/public)",
    )
    .option("--seed <n>", "seed of the demo service", "20240401")
    .option(
      "--published <file>",
      "national annual measures (Parquet or NHS England's CSV)",
      "../shared/data/talking-therapies/measures_annual.parquet",
    )
    .option(
      "--configuration <file>",
      "service configuration: investment, prevalence, workforce, population served (default: the demo's)",
    )
    .action(
      action(async (options: { out?: string; seed: string; published: string; configuration?: string }) => {
        const outDir = options.out ?? publicReviewDir();
        const review = await buildPublicReview(
          {
            outDir,
            seed: Number(options.seed),
            published: options.published,
            ...(options.configuration ? { configuration: options.configuration } : {}),
          },
          terminalEffects(),
        );
        process.stdout.write(`wrote ${review.tables.length} public tables to ${outDir}\n`);
      }),
    );
}

/** The national file the public review reads, as shipped beside the repository. */
const defaultPublished = "../shared/data/talking-therapies/measures_annual.parquet";

/** For `ebi start`: builds the talking-therapies review (public and registered) once, when either is missing, from the national file or else the shipped extract. */
export async function buildTalkingTherapiesReview(
  effects: ReturnType<typeof terminalEffects>,
): Promise<void> {
  const outDir = publicReviewDir();
  // A review built before the registered side existed has no practitioners.json, and one built
  // by an earlier version lacks later tables: build both again.
  const reviewFile = join(outDir, "review.json");
  if (
    existsSync(reviewFile) &&
    existsSync(join(registeredReviewDir(outDir), "practitioners.json")) &&
    (JSON.parse(readFileSync(reviewFile, "utf8")) as { version?: string }).version === publicReviewVersion
  )
    return;
  // The national file when it lies beside the project; else the extract the demo ships, which
  // holds every row the review reads from it (a test checks the two give the same rows).
  const published = existsSync(defaultPublished) ? defaultPublished : demoPublishedExtract;
  effects.logger.info(
    `Building the public talking-therapies review into ${outDir} from ${published === defaultPublished ? "the national file" : "the shipped published extract"} ${published}`,
  );
  await buildPublicReview({ outDir, published }, effects);
}

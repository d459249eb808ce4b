import type { Command } from "commander";
import { qualitySummary } from "../../activity/index.ts";
import { generateDemo } from "../../demo/generateDemo.ts";
import { loadDemo } from "../../demo/loadDemo.ts";
import { EbiError } from "../../errors/index.ts";
import { demoUsers } from "../../identity/demoUsers.ts";
import { readOrganisations } from "../../release/readOrganisations.ts";
import { openStore, resolveWorkspace } from "../../store/index.ts";
import { action } from "../../terminal/action.ts";
import { terminalEffects } from "../../terminal/terminalEffects.ts";

const number = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed))
    throw new EbiError("EBI_USAGE", `--${name} must be a number, not ${JSON.stringify(value)}.`);
  return parsed;
};

/** `ebi demo generate|load|users`: the synthetic country and its demonstration users. */
export function registerDemo(program: Command): void {
  const demo = program.command("demo").description("the synthetic demonstration country");
  demo
    .command("generate")
    .description(
      "generate a fictional country: reference files and HES activity, written in the published layouts",
    )
    .option(
      "--scale <n>",
      "population and activity as a share of England's (1 = a national year)",
      number("scale"),
      0.02,
    )
    .option("--seed <n>", "random seed; the same seed gives the same bytes", number("seed"), 20190401)
    .option("--start <date>", "first day of activity (ISO)", "2017-04-01")
    .option("--end <date>", "last day of activity (ISO)", "2025-03-31")
    .option("--format <list>", "activity formats: csv, parquet or both", "csv,parquet")
    .option("--out <dir>", "where to write (default: the workspace's demo folder)")
    .option("--national-outpatients", "England's outpatient year (about 125 million appointments at scale 1)")
    .action(
      action(
        async (options: {
          scale: number;
          seed: number;
          start: string;
          end: string;
          format: string;
          out?: string;
          nationalOutpatients?: boolean;
        }) => {
          const formats = options.format.split(",").map((f) => f.trim());
          for (const format of formats)
            if (format !== "csv" && format !== "parquet")
              throw new EbiError(
                "EBI_USAGE",
                `--format takes csv and/or parquet, not ${JSON.stringify(format)}.`,
              );
          const outDir = options.out ?? resolveWorkspace().demoDir;
          const manifest = await generateDemo(
            { ...options, outDir, formats: formats as ("csv" | "parquet")[] },
            terminalEffects(),
          );
          const rows = (kind: string) => manifest.files.find((f) => f.kind === kind)?.rows ?? 0;
          process.stdout.write(
            `Synthetic demo written to ${outDir}: ${rows("apc").toLocaleString("en-GB")} admitted episodes, ` +
              `${rows("op").toLocaleString("en-GB")} outpatient appointments, ${manifest.files.length} files.\n`,
          );
        },
      ),
    );
  demo
    .command("load")
    .description("load a generated demo folder into the store: reference files, then activity")
    .option("--dir <dir>", "the demo folder (default: the workspace's demo folder)")
    .option("--reference-only", "load the reference files only")
    .action(
      action(async (options: { dir?: string; referenceOnly?: boolean }) => {
        const workspace = resolveWorkspace();
        const db = await openStore(workspace.storePath);
        try {
          const summaries = await loadDemo(
            db,
            options.dir ?? workspace.demoDir,
            workspace.reportsDir,
            terminalEffects(),
            {
              referenceOnly: options.referenceOnly,
            },
          );
          for (const s of summaries)
            process.stdout.write(
              s.quality ? `${qualitySummary(s.quality)}\n` : `${s.file}: already loaded; nothing added\n`,
            );
        } finally {
          db.close();
        }
      }),
    );
  demo
    .command("users")
    .description(
      "the built-in provider's demonstration users for the published release, as JSON (sign in with the username, no password)",
    )
    .action(
      action(async () => {
        const users = demoUsers(await readOrganisations(resolveWorkspace().releasesDir));
        process.stdout.write(`${JSON.stringify(users, null, 2)}\n`);
      }),
    );
}

import type { Command } from "commander";
import { openStore, resolveWorkspace } from "../../../store/index.ts";
import { action } from "../../../terminal/action.ts";
import { terminalEffects } from "../../../terminal/terminalEffects.ts";
import { buildPlannedCare, plannedCareDir } from "../buildPlannedCare.ts";
import { loadGroups } from "../loadGroups.ts";
import { plannedCareDemo } from "../plannedCareDemo.ts";
import { strategyCatalogue } from "../strategies/catalogue.ts";

const collect = (value: string, previous: string[]) => [...previous, value];

/** `ebi planned-care`: equity of access to planned care by procedure group, and the strategies catalogue. */
export function registerPlannedCare(program: Command): void {
  const pc = program
    .command("planned-care")
    .description(
      "equity of access to planned care: procedure groups, waits and the strategies that close the gap",
    );

  pc.command("build")
    .description("count every procedure group in the loaded admitted care and write the planned-care figures")
    .option("--groups <file>", "a local procedure-group file to add (repeatable)", collect, [])
    .option(
      "--waiting-list <file>",
      "a WLMDS clock-stop extract (CSV) for waits by deprivation and ethnic group",
    )
    .option(
      "--ethnic-population <file>",
      "a Census 2021 population by ethnic group and LSOA (TS021 layout, CSV) for ethnic-group rates",
    )
    .option(
      "--ethnic-age-sex-population <file>",
      "a population by area, ethnic group, sex and age band (CSV) for age-sex standardised ethnic-group rates",
    )
    .option("--out <dir>", "where to write (default: the workspace's planned-care folder)")
    .action(
      action(
        async (options: {
          groups: string[];
          waitingList?: string;
          ethnicPopulation?: string;
          ethnicAgeSexPopulation?: string;
          out?: string;
        }) => {
          const workspace = resolveWorkspace();
          const db = await openStore(workspace.storePath);
          try {
            const { manifest, dir } = await buildPlannedCare(
              db,
              {
                outDir: options.out ?? plannedCareDir(workspace.root),
                groupFiles: options.groups,
                waitingList: options.waitingList,
                ethnicPopulation: options.ethnicPopulation,
                ethnicAgeSexPopulation: options.ethnicAgeSexPopulation,
              },
              terminalEffects(),
            );
            process.stdout.write(
              `Planned-care figures ${manifest.build_id} written to ${dir}: ${manifest.years.length} years, ${manifest.disclosure.primary} small counts hidden.\n`,
            );
          } finally {
            db.close();
          }
        },
      ),
    );

  pc.command("groups")
    .description(
      "list the procedure groups (shipped, local and the EBI interventions beside them), checking local files",
    )
    .option("--groups <file>", "a local procedure-group file to check and add (repeatable)", collect, [])
    .option("--json", "print JSON")
    .action(
      action(async (options: { groups: string[]; json?: boolean }) => {
        const { sets, groups } = await loadGroups(options.groups);
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ sets, groups }, null, 2)}\n`);
          return;
        }
        for (const g of groups)
          process.stdout.write(`${g.kind === "planned" ? "planned" : "ebi    "}  ${g.group_id}  ${g.name}\n`);
      }),
    );

  pc.command("strategies")
    .description("print the catalogue of approaches")
    .option("--json", "print JSON")
    .action(
      action(async (options: { json?: boolean }) => {
        if (options.json) process.stdout.write(`${JSON.stringify(strategyCatalogue, null, 2)}\n`);
        else for (const s of strategyCatalogue) process.stdout.write(`${s.id.padEnd(28)} ${s.title}\n`);
      }),
    );

  pc.command("demo")
    .description(
      "generate the demo country's planned care (needs the demo reference data loaded), load it and build",
    )
    .option("--seed <n>", "random seed", "20230401")
    .action(
      action(async (options: { seed: string }) => {
        const workspace = resolveWorkspace();
        const db = await openStore(workspace.storePath);
        try {
          const { generated, built } = await plannedCareDemo(
            db,
            workspace,
            terminalEffects(),
            Number(options.seed),
          );
          process.stdout.write(
            `Demo planned care: ${generated.rows.toLocaleString("en-GB")} admissions, strategy in ${generated.strategy.icb} from ${generated.strategy.started_on}; figures in ${built.dir}.\n`,
          );
        } finally {
          db.close();
        }
      }),
    );
}

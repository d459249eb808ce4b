import type { Command } from "commander";
import { policyById } from "../../../disclosure/index.ts";
import { EbiError } from "../../../errors/index.ts";
import { readCostTable } from "../../../pipeline/costs.ts";
import { parseCountingUnit } from "../../../rules/index.ts";
import { openStore, resolveWorkspace } from "../../../store/index.ts";
import { action } from "../../../terminal/action.ts";
import { terminalEffects } from "../../../terminal/terminalEffects.ts";
import { build, type NationalFigure } from "../build.ts";
import { disclosurePolicies } from "../disclosure/policies.ts";
import { parseBaselinePeriod } from "../figures/baselinePeriod.ts";

/** The national table `ebi build` prints: baseline, goal, opportunity and latest 12 months. */
export function nationalTable(rows: readonly NationalFigure[]): string {
  const n = (v: number) => Math.round(v).toLocaleString("en-GB").padStart(9);
  const lines = [
    `${"intervention".padEnd(58)} ${"baseline".padStart(9)} ${"goal".padStart(9)} ${"reduce by".padStart(9)} ${"latest 12m".padStart(10)}`,
  ];
  for (const r of rows)
    lines.push(
      `${r.name.slice(0, 58).padEnd(58)} ${n(r.baseline)} ${n(r.goal)} ${n(r.opportunity)} ${n(r.latest).padStart(10)}`,
    );
  return lines.join("\n");
}

/** `ebi build`: classify loaded activity and write (and publish) a release. */
export function registerBuild(program: Command): void {
  program
    .command("build")
    .description("classify loaded activity, compute baselines, goals and equity, and write a release")
    .option("--rules <sets>", "rule sets: shipped ids or files, comma-separated", "ebi-list-1,ebi-list-2")
    .option(
      "--unit <unit>",
      "what one count is: spell (the programme's: dominant procedure of the spell) or episode",
      "spell",
    )
    .option("--baseline-list1 <from:to>", "List 1 baseline months, e.g. 2017-04:2018-03")
    .option("--baseline-list2 <from:to>", "List 2 baseline months, e.g. 2018-04:2019-03")
    .option(
      "--goal-percentile <p>",
      "commissioners above this percentile of baseline rates come down to it",
      "25",
    )
    .option("--costs <file>", "cost table JSON ({source, table: {id|slug|list: £}})")
    .option(
      "--policy <id>",
      `disclosure rule of the public side: ${disclosurePolicies.map((p) => `${p.id} (${p.name})`).join(", ")}`,
      "ebi-dashboard",
    )
    .option("--threshold <n>", "public counts from 1 to this are redacted (default: the policy's)")
    .option("--registered-only", "write the registered side only: no public side, not publishable")
    .option(
      "--insider-audit",
      "also protect hidden counts from each registered scope's users, who know their own counts",
    )
    .option(
      "--no-insider-audit",
      "protect hidden counts from outsiders only (the insider channel stays open)",
    )
    .option("--no-publish", "write the release without publishing it")
    .action(
      action(
        async (options: {
          rules: string;
          unit: string;
          baselineList1?: string;
          baselineList2?: string;
          goalPercentile: string;
          costs?: string;
          threshold?: string;
          policy: string;
          registeredOnly?: boolean;
          insiderAudit?: boolean;
          publish: boolean;
        }) => {
          const period = (option: string, value?: string) =>
            value === undefined ? undefined : parseBaselinePeriod(option, value);
          const baselines: Record<string, { start: string; end: string }> = {};
          const b1 = period("--baseline-list1", options.baselineList1);
          const b2 = period("--baseline-list2", options.baselineList2);
          if (b1) baselines["List 1"] = b1;
          if (b2) baselines["List 2"] = b2;
          const percentile = Number(options.goalPercentile);
          const policy = policyById(options.policy, disclosurePolicies);
          const threshold = options.threshold === undefined ? undefined : Number(options.threshold);
          if (!(percentile > 0 && percentile < 100))
            throw new EbiError("EBI_USAGE", "--goal-percentile must be between 0 and 100.");
          if (threshold !== undefined && !(Number.isInteger(threshold) && threshold >= 0))
            throw new EbiError("EBI_USAGE", "--threshold must be a whole number ≥ 0.");
          const workspace = resolveWorkspace();
          const db = await openStore(workspace.storePath);
          try {
            const result = await build(
              db,
              {
                ruleSetIds: options.rules.split(",").map((s) => s.trim()),
                unit: parseCountingUnit(options.unit),
                releasesDir: workspace.releasesDir,
                baselines,
                goalPercentile: percentile,
                costs: options.costs ? readCostTable(options.costs) : undefined,
                policy,
                threshold,
                registeredOnly: options.registeredOnly,
                insiderAudit: options.insiderAudit,
                publish: options.publish,
              },
              terminalEffects(),
            );
            process.stdout.write(
              `${nationalTable(result.national)}\n\nRelease ${result.releaseId} written to ${result.dir}${result.published ? " and published" : ""}${options.registeredOnly ? " (registered side only: no public side)" : ""}.\n`,
            );
          } finally {
            db.close();
          }
        },
      ),
    );
}

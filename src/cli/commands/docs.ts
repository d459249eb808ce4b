import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import { dataDictionaryMarkdown } from "../../activity/index.ts";
import { approvalsDictionaryMarkdown } from "../../approvals/approvalsDictionaryMarkdown.ts";
import { EbiError, errorTableMarkdown } from "../../errors/index.ts";
import { englandComparisonMarkdown } from "../../products/ebi/comparison/englandComparison.ts";
import { readRelease } from "../../products/ebi/release/readRelease.ts";
import {
  interventionTableMarkdown,
  loadRuleSets,
  replaceInterventionTable,
  shippedRuleSetIds,
} from "../../rules/index.ts";
import { resolveWorkspace } from "../../store/index.ts";
import { action } from "../../terminal/action.ts";

/** `ebi docs errors`: regenerates docs/errors.md from the error catalogue. */
export function registerDocs(program: Command): void {
  const docs = program.command("docs").description("regenerate generated documentation");
  docs
    .command("errors")
    .description("write docs/errors.md from the error-code catalogue")
    .option("--output <file>", "where to write", "docs/errors.md")
    .action(
      action((options: { output: string }) => {
        writeFileSync(options.output, errorTableMarkdown());
        process.stdout.write(`wrote ${options.output}\n`);
      }),
    );
  docs
    .command("data-dictionary")
    .description("write docs/data-dictionary.md from the input field table")
    .option("--output <file>", "where to write", "docs/data-dictionary.md")
    .action(
      action((options: { output: string }) => {
        writeFileSync(options.output, `${dataDictionaryMarkdown()}\n\n${approvalsDictionaryMarkdown()}`);
        process.stdout.write(`wrote ${options.output}\n`);
      }),
    );
  docs
    .command("rules")
    .description("rewrite the table of every shipped intervention in docs/rules.md")
    .option("--output <file>", "where to write", "docs/rules.md")
    .action(
      action(async (options: { output: string }) => {
        const table = interventionTableMarkdown(await loadRuleSets(shippedRuleSetIds()));
        writeFileSync(options.output, replaceInterventionTable(readFileSync(options.output, "utf8"), table));
        process.stdout.write(`wrote ${options.output}\n`);
      }),
    );
  docs
    .command("england-comparison")
    .description(
      "write docs/england-comparison.md: the published release beside every published national figure",
    )
    .option("--release <id>", "a release id (default: the published one)")
    .option("--scale <n>", "the demo's share of England (default: from the demo folder's manifest)")
    .option("--output <file>", "where to write", "docs/england-comparison.md")
    .action(
      action(async (options: { release?: string; scale?: string; output: string }) => {
        const release = await readRelease(resolveWorkspace().releasesDir, options.release);
        const scale =
          options.scale === undefined ? demoScale(release.manifest.inputs) : Number(options.scale);
        if (!(Number.isFinite(scale) && scale > 0))
          throw new EbiError(
            "EBI_USAGE",
            "--scale must be a number above 0; no demo manifest gave one for this release's inputs.",
          );
        writeFileSync(
          options.output,
          englandComparisonMarkdown({
            releaseId: release.id,
            manifest: release.manifest,
            interventions: release.interventions,
            baselines: release.baselines,
            variation: release.variation,
            scale,
          }),
        );
        process.stdout.write(`wrote ${options.output}\n`);
      }),
    );
}

/** The scale in the demo manifest beside the release's first input, or NaN when there is none. */
function demoScale(inputs: readonly { file: string }[]): number {
  for (const input of inputs)
    for (const dir of [dirname(input.file), dirname(dirname(input.file))]) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { scale?: number };
        if (typeof manifest.scale === "number") return manifest.scale;
      } catch {
        // not a demo folder
      }
    }
  return Number.NaN;
}

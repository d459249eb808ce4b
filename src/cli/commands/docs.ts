import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { dataDictionaryMarkdown } from "../../activity/index.ts";
import { errorTableMarkdown } from "../../errors/index.ts";
import {
  interventionTableMarkdown,
  loadRuleSets,
  replaceInterventionTable,
  shippedRuleSetIds,
} from "../../rules/index.ts";
import { action } from "../action.ts";

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
        writeFileSync(options.output, dataDictionaryMarkdown());
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
}

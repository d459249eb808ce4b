import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { EbiError } from "../../../errors/index.ts";
import {
  classificationSqlScript,
  codeListCsv,
  codeListXlsx,
  diffRuleSets,
  explainEpisode,
  type FixtureEpisode,
  interventionTableMarkdown,
  lintRuleSet,
  loadRuleSets,
  readFixtures,
  runFixtures,
  shippedRuleSetIds,
  shippedRuleSetRefs,
  shippedVersions,
} from "../../../rules/index.ts";
import { action } from "../../../terminal/action.ts";

const out = (text: string) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);

/** `ebi rules list|show|diff|lint|test|explain|export`. */
export function registerRules(program: Command): void {
  const rules = program.command("rules").description("the rule sets that say what each intervention counts");
  rules
    .command("list")
    .description("shipped rule sets and their interventions")
    .option("--format <f>", "text or md", "text")
    .action(
      action(async (options: { format: string }) => {
        const sets = await loadRuleSets(shippedRuleSetIds());
        if (options.format === "md") {
          out(interventionTableMarkdown(sets));
          return;
        }
        for (const set of sets) {
          out(
            `${set.id} ${set.version}${set.effective ? ` (from ${set.effective})` : ""}: ${set.title} (${set.interventions.length} interventions)`,
          );
          const others = shippedVersions(set.id).filter((v) => !v.current);
          if (others.length > 0)
            out(
              `  other versions: ${others.map((v) => `${set.id}@${v.version}${v.effective ? ` (from ${v.effective})` : ""}`).join(", ")}`,
            );
          for (const i of set.interventions)
            out(
              `  ${(i.official_id ?? "").padEnd(3)} ${i.slug.padEnd(40)} ${i.confidence}${i.measurable ? "" : ` (no count: ${i.measurability}${i.dataset ? `, ${i.dataset}` : ""})`}`,
            );
        }
      }),
    );
  rules
    .command("show")
    .description("one intervention's rule in words and codes, with its source")
    .argument("<id>", "<set>/<slug>, a slug, or an official id such as A or 2L")
    .action(
      action(async (id: string) => {
        const sets = await loadRuleSets(shippedRuleSetIds());
        const found = sets
          .flatMap((s) => s.interventions.map((i) => ({ s, i })))
          .filter(({ i }) => i.intervention_id === id || i.slug === id || i.official_id === id);
        if (found.length === 0)
          throw new EbiError(
            "EBI_NOT_FOUND",
            `No intervention ${JSON.stringify(id)}; see \`ebi rules list\`.`,
          );
        for (const { s, i } of found) {
          out(
            `${i.name}\n  id: ${i.intervention_id}${i.official_id ? ` (official ${i.official_id})` : ""}; ${s.title} ${s.version}`,
          );
          out(
            `  rule: ${i.description}\n  source (${i.confidence}): ${i.provenance}\n  codes: ${JSON.stringify(i.rule.match ?? null)}`,
          );
          if (i.rule.exclude) out(`  exclude: ${JSON.stringify(i.rule.exclude)}`);
          out(
            `  category: ${i.category ?? "unknown"}; measurability: ${i.measurability}${i.dataset ? ` (${i.dataset})` : ""}${i.rule.sourceUrl ? `; page: ${i.rule.sourceUrl}` : ""}`,
          );
          if (i.rule.notes) out(`  notes: ${i.rule.notes}`);
        }
      }),
    );
  rules
    .command("diff")
    .description("what changed between two versions of a rule set (or a set and a local variant)")
    .argument("<from>", "the earlier rule set, e.g. ebi-list-1@2019")
    .argument("<to>", "the later rule set, e.g. ebi-list-1")
    .action(
      action(async (fromRef: string, toRef: string) => {
        const [from, to] = await loadRuleSets([fromRef, toRef]);
        if (!from || !to) throw new EbiError("EBI_USAGE", "Name two rule sets to compare.");
        const changes = diffRuleSets(from, to);
        out(
          `${from.id}@${from.version} → ${to.id}@${to.version}: ${changes.length === 0 ? "no intervention changed" : `${changes.length} intervention(s) changed`}`,
        );
        for (const c of changes) {
          const fields = [
            c.counting.length > 0 ? `counts differ (${c.counting.join(", ")})` : "",
            c.describing.length > 0 ? `wording (${c.describing.join(", ")})` : "",
          ].filter(Boolean);
          out(`  ${c.change} ${c.intervention_id}${fields.length > 0 ? `: ${fields.join("; ")}` : ""}`);
          const countsDiffer = c.change !== "changed" || c.counting.length > 0;
          if (countsDiffer && c.before !== null) out(`    before: ${c.before}`);
          if (countsDiffer && c.after !== null) out(`    after: ${c.after}`);
        }
      }),
    );
  rules
    .command("lint")
    .description(
      "check every code can exist, no clause contradicts or can never match, and every rule has fixtures",
    )
    .argument("[sets...]", "rule sets (default: every shipped set and version)")
    .action(
      action(async (ids: string[]) => {
        let problems = 0;
        for (const set of await loadRuleSets(ids.length ? ids : shippedRuleSetRefs())) {
          const findings = lintRuleSet(set, readFixtures(set));
          problems += findings.length;
          out(
            `${set.id}@${set.version}: ${findings.length === 0 ? "no findings" : `${findings.length} finding(s)`}`,
          );
          for (const f of findings) out(`  ${f.code} ${f.intervention}: ${f.message}`);
        }
        if (problems > 0) throw new EbiError("EBI_RULES_LINT", `${problems} lint finding(s).`);
      }),
    );
  rules
    .command("test")
    .description("run each rule's fixtures (positive cases and near-misses) through the compiled SQL")
    .argument("[sets...]", "rule sets (default: every shipped set and version)")
    .action(
      action(async (ids: string[]) => {
        let failed = 0;
        for (const set of await loadRuleSets(ids.length ? ids : shippedRuleSetRefs())) {
          const results = await runFixtures(set, readFixtures(set) ?? []);
          const bad = results.filter((r) => !r.passed);
          failed += bad.length;
          out(`${set.id}@${set.version}: ${results.length - bad.length}/${results.length} fixtures pass`);
          for (const r of bad)
            out(
              `  FAIL ${r.fixture.intervention}: ${r.fixture.name} (expected ${r.fixture.expect ? "counted" : "not counted"})`,
            );
        }
        if (failed > 0) throw new EbiError("EBI_RULES_FIXTURE", `${failed} fixture(s) fail.`);
      }),
    );
  rules
    .command("explain")
    .description("for one episode, which clauses of which rules held, and whether it counts")
    .requiredOption(
      "--episode <json>",
      'e.g. \'{"opertn":["W851"],"diag":["M171"],"age":60,"sex":"1","admimeth":"11"}\'',
    )
    .option("--rules <sets>", "rule sets", "ebi-list-1,ebi-list-2")
    .option("--all", "show every intervention, not only those whose procedure clauses were near")
    .action(
      action(async (options: { episode: string; rules: string; all?: boolean }) => {
        let episode: FixtureEpisode;
        try {
          episode = JSON.parse(options.episode) as FixtureEpisode;
        } catch {
          throw new EbiError("EBI_USAGE", "--episode must be JSON with diag and opertn lists.");
        }
        if (!Array.isArray(episode.diag) || !Array.isArray(episode.opertn))
          throw new EbiError("EBI_USAGE", "--episode needs `diag` and `opertn` lists (position order).");
        const results = await explainEpisode(
          await loadRuleSets(options.rules.split(",").map((s) => s.trim())),
          episode,
        );
        for (const r of results) {
          const near =
            r.counted ||
            r.lines.some((l) => l.passed && l.depth > 0) ||
            r.lines.some((l) => l.passed && l.text.startsWith("match"));
          if (!options.all && !near) continue;
          out(`${r.counted ? "COUNTS" : "no"}  ${r.intervention_id}`);
          for (const l of r.lines) out(`    ${"  ".repeat(l.depth)}${l.passed ? "✔" : "✘"} ${l.text}`);
        }
      }),
    );
  rules
    .command("export")
    .description("the code lists (csv, xlsx) or the compiled SQL (sql), to run the same logic elsewhere")
    .requiredOption("--rules <set>", "one rule set")
    .requiredOption("--format <f>", "csv, xlsx or sql")
    .option("--output <file>", "write here (xlsx needs a file)")
    .action(
      action(async (options: { rules: string; format: string; output?: string }) => {
        const [set] = await loadRuleSets([options.rules]);
        if (!set) return;
        let body: string | Buffer;
        if (options.format === "csv") body = codeListCsv(set);
        else if (options.format === "sql") body = classificationSqlScript(set);
        else if (options.format === "xlsx") {
          if (!options.output) throw new EbiError("EBI_USAGE", "--format xlsx needs --output FILE.xlsx");
          body = await codeListXlsx(set);
        } else throw new EbiError("EBI_USAGE", "--format must be csv, xlsx or sql.");
        if (options.output) {
          writeFileSync(options.output, body);
          out(`wrote ${options.output}`);
        } else process.stdout.write(body);
      }),
    );
}

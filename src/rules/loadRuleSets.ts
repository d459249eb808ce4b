import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Value } from "@sinclair/typebox/value";
import { EbiError } from "../errors/index.ts";
import { describeRule } from "./describeRule.ts";
import { isCounted, measurabilityOf } from "./measurability.ts";
import {
  type Confidence,
  type InterventionRule,
  type Measurability,
  type OtherDataset,
  RuleSetFile,
} from "./schema.ts";

/** Where the shipped rule sets live. */
export const shippedSetsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "products", "ebi", "sets");

/** A rule set's versions shipped beside it: the current file and its `<id>@<version>.json` revisions. */
export interface ShippedVersion {
  id: string;
  version: string;
  effective: string | null;
  /** True for the file without `@`: what a bare id selects. */
  current: boolean;
  file: string;
}

export interface ResolvedIntervention {
  /** "<ruleSetId>/<slug>": stable across versions. */
  intervention_id: string;
  official_id: string | null;
  slug: string;
  name: string;
  category: 1 | 2 | null;
  setting: ("apc" | "op")[];
  confidence: Confidence;
  /** True when the build counts it with its own rule. */
  measurable: boolean;
  /** Where it can be counted: HES, only another data set, or not from routine data. */
  measurability: Measurability;
  dataset: OtherDataset | null;
  /** The rule in words. */
  description: string;
  provenance: string;
  rule: InterventionRule;
}

export interface ResolvedRuleSet {
  id: string;
  version: string;
  /** The date from which this version of the guidance applies, when the file says. */
  effective: string | null;
  changes?: string;
  title: string;
  list: string;
  source?: string;
  /** sha256 of the resolved rules (the variant and everything it extends). */
  sha256: string;
  /** The file it was read from, and the chain of sets it extends. */
  file: string;
  extends: string[];
  interventions: ResolvedIntervention[];
}

/** Ids of the shipped rule sets (their current versions). */
export function shippedRuleSetIds(): string[] {
  return readdirSync(shippedSetsDir)
    .filter((f) => f.endsWith(".json") && !f.endsWith(".fixtures.json") && !f.includes("@"))
    .map((f) => f.replace(/\.json$/, ""))
    .sort();
}

/** Every shipped rule set and version, as `loadRuleSets` takes them: ids (current) and `id@version` for the others. */
export function shippedRuleSetRefs(): string[] {
  return shippedRuleSetIds().flatMap((id) =>
    shippedVersions(id).map((v) => (v.current ? id : `${id}@${v.version}`)),
  );
}

/** Every shipped version of the rule set `id`, oldest effective date first. */
export function shippedVersions(id: string): ShippedVersion[] {
  return readdirSync(shippedSetsDir)
    .filter(
      (f) =>
        !f.endsWith(".fixtures.json") &&
        (f === `${id}.json` || (f.startsWith(`${id}@`) && f.endsWith(".json"))),
    )
    .map((f) => {
      const file = join(shippedSetsDir, f);
      const data = readRuleSetFile(file);
      return {
        id,
        version: data.version,
        effective: data.effective ?? null,
        current: !f.includes("@"),
        file,
      };
    })
    .sort(
      (a, b) => (a.effective ?? "").localeCompare(b.effective ?? "") || a.version.localeCompare(b.version),
    );
}

/**
 * The file of `id@version`: the shipped version whose version equals `version` or starts with it
 * and a dot (`ebi-list-1@2019` selects 2019.1). One match or a named error.
 */
function locateVersion(id: string, version: string): string {
  const versions = shippedVersions(id);
  if (versions.length === 0)
    throw new EbiError(
      "EBI_NOT_FOUND",
      `No rule set ${JSON.stringify(id)}: the shipped sets are ${shippedRuleSetIds().join(", ")}.`,
      { ruleSet: id },
    );
  const exact = versions.filter((v) => v.version === version);
  const matches = exact.length > 0 ? exact : versions.filter((v) => v.version.startsWith(`${version}.`));
  if (matches.length === 1 && matches[0]) return matches[0].file;
  throw new EbiError(
    "EBI_NOT_FOUND",
    `${matches.length === 0 ? "No" : "More than one"} version ${JSON.stringify(version)} of ${id}: its versions are ${versions.map((v) => `${v.version}${v.effective ? ` (from ${v.effective})` : ""}`).join(", ")}.`,
    { ruleSet: id, version },
  );
}

function locate(idOrPath: string, relativeTo?: string): string {
  const versioned = /^([a-z0-9]+(?:-[a-z0-9]+)*)@([0-9A-Za-z.]+)$/.exec(idOrPath);
  if (versioned) return locateVersion(versioned[1] as string, versioned[2] as string);
  const shipped = join(shippedSetsDir, `${idOrPath}.json`);
  if (/^[a-z0-9-]+$/.test(idOrPath) && existsSync(shipped)) return shipped;
  const path = resolve(relativeTo ? dirname(relativeTo) : process.cwd(), idOrPath);
  if (existsSync(path)) return path;
  throw new EbiError(
    "EBI_NOT_FOUND",
    `No rule set ${JSON.stringify(idOrPath)}: not a shipped set (${shippedRuleSetIds().join(", ")}) nor a file.`,
    { ruleSet: idOrPath },
  );
}

/** Reads and validates one rule file against the schema, naming the file and the path of each problem. */
export function readRuleSetFile(path: string): RuleSetFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new EbiError("EBI_RULES_INVALID", `${path} is not valid JSON: ${(error as Error).message}`, {
      file: path,
    });
  }
  if (!Value.Check(RuleSetFile, data)) {
    const problems = [...Value.Errors(RuleSetFile, data)]
      .slice(0, 5)
      .map((e) => `${e.path || "/"}: ${e.message}`);
    throw new EbiError(
      "EBI_RULES_INVALID",
      `${path} does not follow the rule-set format: ${problems.join("; ")}`,
      {
        file: path,
        problems,
      },
    );
  }
  return data;
}

/** Resolves `extends`: the parent's interventions, minus `remove`, with `override` applied, plus the variant's own. */
function resolveFile(
  path: string,
  seen: string[] = [],
): { file: RuleSetFile; rules: InterventionRule[]; chain: string[]; text: string } {
  if (seen.includes(path))
    throw new EbiError(
      "EBI_RULES_INVALID",
      `Rule sets extend each other in a loop: ${[...seen, path].join(" → ")}`,
    );
  const file = readRuleSetFile(path);
  const text = readFileSync(path, "utf8");
  if (!file.extends) return { file, rules: file.interventions, chain: [], text };
  const parent = resolveFile(locate(file.extends, path), [...seen, path]);
  const slugs = new Set(parent.rules.map((r) => r.slug));
  for (const slug of [...(file.remove ?? []), ...Object.keys(file.override ?? {})]) {
    if (!slugs.has(slug))
      throw new EbiError(
        "EBI_RULES_INVALID",
        `${path}: ${file.extends} has no intervention ${JSON.stringify(slug)} to change.`,
        { file: path },
      );
  }
  const rules = parent.rules
    .filter((r) => !(file.remove ?? []).includes(r.slug))
    .map((r) => ({ ...r, ...(file.override?.[r.slug] ?? {}) }) as InterventionRule);
  for (const added of file.interventions) {
    if (rules.some((r) => r.slug === added.slug))
      throw new EbiError(
        "EBI_RULES_INVALID",
        `${path}: intervention ${added.slug} already exists in ${file.extends}; use override.`,
      );
    rules.push(added);
  }
  return { file, rules, chain: [file.extends, ...parent.chain], text: parent.text + text };
}

/** Loads rule sets by shipped id or file path, resolved and described. */
export async function loadRuleSets(idsOrPaths: readonly string[]): Promise<ResolvedRuleSet[]> {
  return idsOrPaths.map((idOrPath) => {
    const path = locate(idOrPath);
    const { file, rules, chain, text } = resolveFile(path);
    const slugs = new Set<string>();
    for (const rule of rules) {
      if (slugs.has(rule.slug))
        throw new EbiError("EBI_RULES_INVALID", `${path}: intervention ${rule.slug} appears twice.`);
      slugs.add(rule.slug);
    }
    return {
      id: file.id,
      version: file.version,
      effective: file.effective ?? null,
      changes: file.changes,
      title: file.title,
      list: file.list,
      source: file.source,
      sha256: createHash("sha256").update(text).digest("hex"),
      file: path,
      extends: chain,
      interventions: rules.map((rule) => ({
        intervention_id: `${file.id}/${rule.slug}`,
        official_id: rule.officialId,
        slug: rule.slug,
        name: rule.name,
        category: rule.category,
        setting: rule.setting,
        confidence: rule.confidence,
        measurable: isCounted(rule),
        measurability: measurabilityOf(rule),
        dataset: rule.dataset ?? null,
        description: describeRule(rule),
        provenance: rule.provenance,
        rule,
      })),
    };
  });
}

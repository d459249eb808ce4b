import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Value } from "@sinclair/typebox/value";
import { EbiError, isEbiError } from "../../errors/index.ts";
import { ageSql, CODE_SHAPE } from "../../rules/compileCondition.ts";
import { compileCondition, interventionSql, loadRuleSets } from "../../rules/index.ts";
import type { Condition } from "../../rules/schema.ts";
import { type ProcedureGroup, ProcedureGroupFile } from "./groupSchema.ts";

/** The shipped procedure groups. */
export const shippedGroupsFile = join(dirname(fileURLToPath(import.meta.url)), "sets", "planned-care.json");

/** The EBI rule sets whose admitted-care interventions are shown beside the planned-care groups. */
export const besideRuleSets = ["ebi-list-1", "ebi-list-2"];

/** A procedure group ready for the build: its rule as SQL over an episode, and where it came from. */
export interface ResolvedGroup {
  /** "<set id>/<slug>", stable across versions. */
  group_id: string;
  slug: string;
  name: string;
  /** `planned`: a planned-care group (spell must be elective or day case); `ebi`: an EBI intervention beside them. */
  kind: "planned" | "ebi";
  set_id: string;
  /** SQL true for an episode of the group, over the store's episode columns and `cancer_in_spell`. */
  episodeSql: string;
  provenance: string;
  source_url: string | null;
  confidence: string;
}

/** A group file as loaded: id, version, content hash, file, and whether a commissioner added it. */
export interface GroupSetInfo {
  id: string;
  version: string;
  title: string;
  sha256: string;
  file: string;
  local: boolean;
}

const invalid = (file: string, message: string, details: Record<string, unknown> = {}) =>
  new EbiError("EBI_PLANNED_CARE_GROUPS_INVALID", `${file}: ${message}`, { file, ...details });

/** Reads and checks one group file: JSON, the schema (every problem by path), then each group's codes. */
export function readGroupFile(file: string): { data: ProcedureGroupFile; text: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw invalid(file, `cannot be read: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw invalid(file, `is not valid JSON: ${(error as Error).message}`);
  }
  if (!Value.Check(ProcedureGroupFile, data)) {
    const problems = [...Value.Errors(ProcedureGroupFile, data)].map(
      (e) => `${e.path || "/"}: ${e.message} (found ${JSON.stringify(e.value)?.slice(0, 60)})`,
    );
    throw invalid(file, `does not follow the procedure-group format: ${problems.slice(0, 8).join("; ")}`, {
      problems,
    });
  }
  data.groups.forEach((group, i) => {
    // The rules engine skips a code of the wrong length, so every code is checked here first.
    const conditions = [
      ...(group.match ? [["match", group.match]] : []),
      ...(group.exclude ?? []).map((c, j) => [`exclude/${j}`, c]),
    ] as [string, Condition][];
    for (const [where, condition] of conditions)
      for (const { code, path } of codesOf(condition, `/groups/${i}/${where}`))
        if (!CODE_SHAPE.test(code))
          throw invalid(
            file,
            `${path} (${group.slug}): the code ${JSON.stringify(code)} cannot exist: codes are a letter and 2 or 3 digits, no dots.`,
            {
              field: path,
              value: code,
              expected: "a letter and 2 or 3 digits",
            },
          );
    try {
      groupEpisodeSql(group);
    } catch (error) {
      if (!isEbiError(error)) throw error;
      throw invalid(file, `/groups/${i} (${group.slug}): ${error.message}`, {
        field: `/groups/${i}`,
        value: group.slug,
      });
    }
    if (group.age?.min !== undefined && group.age.max !== undefined && group.age.min > group.age.max)
      throw invalid(
        file,
        `/groups/${i} (${group.slug}): age.min ${group.age.min} is above age.max ${group.age.max}.`,
      );
  });
  return { data, text };
}

/** Every code of a condition tree, with its path in the group. */
function codesOf(condition: Condition, path: string): { code: string; path: string }[] {
  if ("procedure" in condition)
    return condition.procedure.codes.map((code, i) => ({ code, path: `${path}/procedure/codes/${i}` }));
  if ("diagnosis" in condition)
    return condition.diagnosis.codes.map((code, i) => ({ code, path: `${path}/diagnosis/codes/${i}` }));
  const [key, parts] = Object.entries(condition)[0] as [string, Condition[]];
  return parts.flatMap((c, i) => codesOf(c, `${path}/${key}/${i}`));
}

/** A planned-care group's episode test: its condition, less its exclusions, within its age and sex. */
export function groupEpisodeSql(group: ProcedureGroup): string {
  const parts: string[] = [];
  if (group.match) parts.push(compileCondition(group.match as Condition));
  for (const exclusion of (group.exclude ?? []) as Condition[])
    parts.push(`NOT ${compileCondition(exclusion)}`);
  const age = ageSql(group.age);
  if (age) parts.push(age);
  if (group.sex) parts.push(`sex = '${group.sex === "female" ? "2" : "1"}'`);
  return parts.length > 0 ? parts.join(" AND ") : "true";
}

/**
 * The shipped groups, then each local file's (slugs unique across all), then the EBI interventions
 * counted in admitted care, each compiled to SQL through the rules engine.
 */
export async function loadGroups(
  localFiles: readonly string[] = [],
  options: { beside?: boolean } = {},
): Promise<{ sets: GroupSetInfo[]; groups: ResolvedGroup[] }> {
  const sets: GroupSetInfo[] = [];
  const groups: ResolvedGroup[] = [];
  const seen = new Map<string, string>();
  for (const [file, local] of [
    [shippedGroupsFile, false] as const,
    ...localFiles.map((f) => [f, true] as const),
  ]) {
    const { data, text } = readGroupFile(file);
    sets.push({
      id: data.id,
      version: data.version,
      title: data.title,
      sha256: createHash("sha256").update(text).digest("hex"),
      file,
      local,
    });
    for (const group of data.groups) {
      const earlier = seen.get(group.slug);
      if (earlier)
        throw invalid(
          file,
          `group ${JSON.stringify(group.slug)} is already defined in ${earlier}; choose another slug.`,
          {
            field: "slug",
            value: group.slug,
          },
        );
      seen.set(group.slug, file);
      groups.push({
        group_id: `${data.id}/${group.slug}`,
        slug: group.slug,
        name: group.name,
        kind: "planned",
        set_id: data.id,
        episodeSql: groupEpisodeSql(group),
        provenance: group.provenance,
        source_url: group.sourceUrl ?? null,
        confidence: group.confidence,
      });
    }
  }
  if (options.beside !== false) {
    for (const set of await loadRuleSets(besideRuleSets)) {
      sets.push({
        id: set.id,
        version: set.version,
        title: set.title,
        sha256: set.sha256,
        file: set.file,
        local: false,
      });
      for (const i of set.interventions) {
        const sql = interventionSql(i.rule, "apc");
        if (!sql) continue;
        groups.push({
          group_id: i.intervention_id,
          slug: i.slug,
          name: i.name,
          kind: "ebi",
          set_id: set.id,
          episodeSql: sql,
          provenance: i.provenance,
          source_url: i.rule.sourceUrl ?? null,
          confidence: i.confidence,
        });
      }
    }
  }
  return { sets, groups };
}

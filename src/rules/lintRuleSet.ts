import { CODE_SHAPE, suggestedCode } from "./compileCondition.ts";
import type { ResolvedRuleSet } from "./loadRuleSets.ts";
import type { CodeClause, Condition, InterventionRule } from "./schema.ts";

/** One finding of the linter: a stable code, the intervention, and what is wrong in words. */
export interface LintFinding {
  code: string;
  intervention: string;
  message: string;
}

/**
 * ICD-10 categories whose 4th characters are known (from the published classification), so a code
 * of the right shape that does not exist is caught; "" = the category has no subdivisions; null = no
 * such category. Only categories EBI rules touch are listed.
 */
export const icd10Catalogue: Record<string, string | null> = {
  J32: "01234589",
  J33: "0189",
  J35: "012389",
  K36: "",
  K37: "",
  K40: "012349",
  K64: "01234589",
  M17: "0123459",
  M23: "012345689",
  M44: null,
  M54: "012345689",
  M75: "012345689",
  N40: "",
  N92: "0123456",
  R06: "012345678",
  Z67: null,
  Z84: "01238",
};

/** OPCS-4 site and method codes the rules qualify procedures with; in a diagnosis clause they test the wrong field. */
export const opcsQualifierCodes = new Set([
  "Z675",
  "Z676",
  "Z677",
  "Z993",
  "Z846",
  "Z812",
  "Y767",
  "Y761",
  "Y762",
]);

function clauses(
  condition: Condition | undefined,
  out: { field: "procedure" | "diagnosis"; clause: CodeClause; path: string }[] = [],
  path = "match",
) {
  if (!condition) return out;
  if ("procedure" in condition) out.push({ field: "procedure", clause: condition.procedure, path });
  else if ("diagnosis" in condition) out.push({ field: "diagnosis", clause: condition.diagnosis, path });
  else if ("allOf" in condition)
    condition.allOf.forEach((c, i) => void clauses(c, out, `${path}.allOf[${i}]`));
  else if ("anyOf" in condition)
    condition.anyOf.forEach((c, i) => void clauses(c, out, `${path}.anyOf[${i}]`));
  else condition.noneOf.forEach((c, i) => void clauses(c, out, `${path}.noneOf[${i}]`));
  return out;
}

/** True when the condition has at least one clause that must hold (not only noneOf). */
function requiresSomething(condition: Condition): boolean {
  if ("procedure" in condition || "diagnosis" in condition) return true;
  if ("allOf" in condition) return condition.allOf.some(requiresSomething);
  if ("anyOf" in condition) return condition.anyOf.every(requiresSomething);
  return false;
}

/** Codes a code list can match, for overlap tests: exact codes and 3-character prefixes. */
const overlaps = (a: readonly string[], b: readonly string[]) =>
  a.some((x) =>
    b.some((y) => x === y || (x.length === 3 && y.startsWith(x)) || (y.length === 3 && x.startsWith(y))),
  );

/** Checks one intervention's rule; see docs/rules.md for each finding code. */
export function lintRule(rule: InterventionRule): LintFinding[] {
  const findings: LintFinding[] = [];
  const add = (code: string, message: string) => findings.push({ code, intervention: rule.slug, message });
  if (rule.measurability === "dataset" && !rule.dataset)
    add("dataset-unnamed", "an intervention counted only with another data set must name it (`dataset`)");
  if (rule.dataset && rule.measurability && rule.measurability !== "dataset")
    add(
      "dataset-unnamed",
      `names the data set ${rule.dataset} but says it is measurable as ${rule.measurability}`,
    );
  if (rule.confidence === "not-measurable" || rule.confidence === "no-source") {
    if (rule.match)
      add("not-measurable-with-rule", `a ${rule.confidence} intervention must not carry a rule`);
    return findings;
  }
  if (!rule.match && rule.sharesCodingWith) return findings;
  if (!rule.match) {
    add("no-rule", "a measurable intervention needs a match condition");
    return findings;
  }
  const all = [
    ...clauses(rule.match as Condition),
    ...((rule.exclude ?? []) as Condition[]).flatMap((c, i) => clauses(c, [], `exclude[${i}]`)),
  ];
  for (const { field, clause, path } of all) {
    const seen = new Set<string>();
    for (const code of clause.codes) {
      if (seen.has(code)) add("duplicate-code", `${path}: ${code} is listed twice`);
      seen.add(code);
      if (!CODE_SHAPE.test(code)) {
        const suggestion = suggestedCode(code);
        add(
          "code-shape",
          `${path}: ${JSON.stringify(code)} cannot exist (a letter and 2 or 3 digits, no dot)${
            suggestion ? `; write ${suggestion}` : ""
          }; building with it is refused`,
        );
        continue;
      }
      if (field === "diagnosis") {
        const known = icd10Catalogue[code.slice(0, 3)];
        if (known === null)
          add("code-unknown", `${path}: ${code} is not in ICD-10 (no category ${code.slice(0, 3)})`);
        else if (known !== undefined && code.length === 4 && !known.includes(code[3] as string))
          add(
            "code-unknown",
            `${path}: ${code} is not in ICD-10 (${code.slice(0, 3)} has ${known ? `.${[...known].join(", .")}` : "no subdivisions"})`,
          );
        if (opcsQualifierCodes.has(code))
          add(
            "site-code-in-diagnosis",
            `${path}: ${code} is an OPCS-4 site or method code, tested here against diagnoses`,
          );
      }
    }
  }
  // Two clauses on the same field that must both hold at position 1 but share no code never match.
  const checkAllOf = (condition: Condition, path: string) => {
    if (!("allOf" in condition)) return;
    const primaries = condition.allOf.flatMap((c) =>
      "procedure" in c && c.procedure.position === "primary"
        ? [{ field: "procedure", codes: c.procedure.codes }]
        : "diagnosis" in c && c.diagnosis.position === "primary"
          ? [{ field: "diagnosis", codes: c.diagnosis.codes }]
          : [],
    );
    for (let i = 0; i < primaries.length; i++)
      for (let j = i + 1; j < primaries.length; j++) {
        const a = primaries[i];
        const b = primaries[j];
        if (a && b && a.field === b.field && !overlaps(a.codes, b.codes))
          add(
            "never-matches",
            `${path}: two primary ${a.field} clauses with no code in common can never both hold`,
          );
      }
    condition.allOf.forEach((c, i) => {
      checkAllOf(c, `${path}.allOf[${i}]`);
    });
  };
  checkAllOf(rule.match as Condition, "match");
  if (
    typeof rule.age === "object" &&
    rule.age.min !== undefined &&
    rule.age.max !== undefined &&
    rule.age.min > rule.age.max
  )
    add("never-matches", `age ${rule.age.min} to ${rule.age.max} is empty`);
  if (!requiresSomething(rule.match as Condition))
    add(
      "inverted-condition",
      "the rule requires no code: it counts everything except what it names (an inverted not?)",
    );
  const required = clauses(rule.match as Condition).filter((c) => !c.path.includes("noneOf"));
  const excluded = ((rule.exclude ?? []) as Condition[]).flatMap((c) => clauses(c));
  for (const r of required)
    for (const e of excluded)
      if (
        r.field === e.field &&
        overlaps(r.clause.codes, e.clause.codes) &&
        (r.clause.position === e.clause.position || e.clause.position === "any")
      )
        add("contradiction", `${r.path} requires a code that exclude also removes (${r.field})`);
  const keys = all.map((c) => `${c.field}|${c.clause.position}|${[...c.clause.codes].sort().join(",")}`);
  if (new Set(keys).size !== keys.length) add("duplicate-clause", "the same clause appears twice");
  return findings;
}

/** A fixture: an episode (or appointment) and whether the intervention must count it. */
export interface RuleFixture {
  intervention: string;
  name: string;
  expect: boolean;
  episode: FixtureEpisode;
}

export interface FixtureEpisode {
  setting?: "apc" | "op";
  diag: string[];
  opertn: string[];
  age?: number | null;
  sex?: string;
  admimeth?: string;
  attended?: string;
  /** Other episodes of the same spell (their diagnoses count for the cancer exclusion). */
  otherEpisodes?: { diag: string[]; opertn: string[] }[];
}

/** Lints a whole set: every rule, and fixtures (at least one positive and one near-miss per measurable rule). */
export function lintRuleSet(set: ResolvedRuleSet, fixtures: readonly RuleFixture[] | null): LintFinding[] {
  const findings = set.interventions.flatMap((i) => lintRule(i.rule));
  for (const i of set.interventions) {
    const other = i.rule.sharesCodingWith;
    if (other && !set.interventions.some((o) => o.slug === other && o.measurable))
      findings.push({
        code: "shared-coding",
        intervention: i.slug,
        message: `shares its coding with ${other}, which is not a counted intervention of ${set.id}`,
      });
  }
  for (const i of set.interventions) {
    if (!i.measurable) continue;
    const mine = (fixtures ?? []).filter((f) => f.intervention === i.slug);
    if (!mine.some((f) => f.expect))
      findings.push({ code: "no-fixtures", intervention: i.slug, message: "no positive fixture" });
    if (!mine.some((f) => !f.expect))
      findings.push({ code: "no-fixtures", intervention: i.slug, message: "no near-miss fixture" });
  }
  return findings;
}

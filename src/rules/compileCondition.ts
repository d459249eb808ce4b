import { EbiError } from "../errors/index.ts";
import type { CodeClause, Condition, GlobalRuleId, InterventionRule } from "./schema.ts";

/** The shape every stored code has: a letter and 2 or 3 digits (OPCS-4 and ICD-10 alike). */
export const CODE_SHAPE = /^[A-Z][0-9]{2}[0-9]?$/;

/** A code checked against CODE_SHAPE, as a SQL literal: the only way a rule's text reaches SQL. */
function codeLiteral(code: string): string {
  if (!CODE_SHAPE.test(code)) {
    throw new EbiError(
      "EBI_RULES_INVALID",
      `The code ${JSON.stringify(code)} cannot exist: codes are a letter and 2 or 3 digits.`,
      {
        code,
      },
    );
  }
  return `'${code}'`;
}

const list = (codes: readonly string[]) => `[${codes.map(codeLiteral).join(", ")}]`;

/** SQL true when the list expression `items` holds a code of `codes` (3 characters = prefix). */
function listHasCode(items: string, codes: readonly string[]): string {
  const exact = codes.filter((c) => c.length === 4);
  const prefixes = codes.filter((c) => c.length === 3);
  const parts: string[] = [];
  if (exact.length > 0) parts.push(`list_has_any(${items}, ${list(exact)})`);
  if (prefixes.length > 0)
    parts.push(`list_has_any(list_transform(${items}, x -> left(x, 3)), ${list(prefixes)})`);
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(" OR ")})`;
}

/** SQL true when the scalar code expression `item` is one of `codes`. */
function isCode(item: string, codes: readonly string[]): string {
  const exact = codes.filter((c) => c.length === 4);
  const prefixes = codes.filter((c) => c.length === 3);
  const parts: string[] = [];
  if (exact.length > 0) parts.push(`${item} IN (${exact.map(codeLiteral).join(", ")})`);
  if (prefixes.length > 0) parts.push(`left(${item}, 3) IN (${prefixes.map(codeLiteral).join(", ")})`);
  return `coalesce(${parts.length === 1 ? parts[0] : `(${parts.join(" OR ")})`}, false)`;
}

/** One code clause over the episode's `diag` or `opertn` list (element 1 = primary). */
export function compileClause(field: "diag" | "opertn", clause: CodeClause): string {
  switch (clause.position) {
    case "primary":
      return isCode(`${field}[1]`, clause.codes);
    case "secondary":
      return `coalesce(${listHasCode(`${field}[2:]`, clause.codes)}, false)`;
    case "any":
      return `coalesce(${listHasCode(field, clause.codes)}, false)`;
  }
}

/** A condition tree as one SQL boolean expression over the episode's columns. */
export function compileCondition(condition: Condition): string {
  if ("procedure" in condition) return compileClause("opertn", condition.procedure);
  if ("diagnosis" in condition) return compileClause("diag", condition.diagnosis);
  if ("allOf" in condition) return `(${condition.allOf.map(compileCondition).join(" AND ")})`;
  if ("anyOf" in condition) return `(${condition.anyOf.map(compileCondition).join(" OR ")})`;
  return `NOT (${condition.noneOf.map(compileCondition).join(" OR ")})`;
}

/** ICD-10 categories of the cancer exclusion: C00–C97, D00–D09, D37–D48. */
export const cancerCategories: readonly string[] = [
  ...Array.from({ length: 98 }, (_, i) => `C${String(i).padStart(2, "0")}`),
  ...Array.from({ length: 10 }, (_, i) => `D0${i}`),
  ...Array.from({ length: 12 }, (_, i) => `D${37 + i}`),
];

/** SQL true when an episode's diagnoses include a cancer code in any position. */
export const cancerInEpisodeSql = `coalesce(list_has_any(list_transform(diag, x -> left(x, 3)), ${list(cancerCategories)}), false)`;

/** The global rules an intervention applies (both unless it says otherwise). */
export function inheritedRules(rule: InterventionRule): GlobalRuleId[] {
  return (rule.inherits as GlobalRuleId[] | undefined) ?? ["emergency", "cancer"];
}

/** SQL of the age limit, over the column `age` (whole years; NULL = unknown, never matches a limit). */
export function ageSql(age: InterventionRule["age"]): string | undefined {
  if (age === undefined) return undefined;
  if (age === "adult") return "coalesce(age >= 19, false)";
  if (age === "child") return "coalesce(age <= 18, false)";
  const parts = [
    age.min === undefined ? undefined : `age >= ${Math.trunc(age.min)}`,
    age.max === undefined ? undefined : `age <= ${Math.trunc(age.max)}`,
  ].filter((p) => p !== undefined);
  return parts.length > 0 ? `coalesce(${parts.join(" AND ")}, false)` : undefined;
}

/**
 * The whole test for one intervention in one setting, over a row with the store's episode columns
 * plus `cancer_in_spell` (BOOLEAN). Undefined when the intervention is not counted in that setting.
 */
export function interventionSql(rule: InterventionRule, setting: "apc" | "op"): string | undefined {
  if (rule.confidence === "not-measurable" || !rule.match || !rule.setting.includes(setting))
    return undefined;
  const parts = [compileCondition(rule.match as Condition)];
  for (const exclusion of (rule.exclude ?? []) as Condition[])
    parts.push(`NOT ${compileCondition(exclusion)}`);
  const age = ageSql(rule.age);
  if (age) parts.push(age);
  if (rule.sex) parts.push(`sex = '${rule.sex === "female" ? "2" : "1"}'`);
  const inherited = inheritedRules(rule);
  if (inherited.includes("emergency") && setting === "apc")
    parts.push("NOT coalesce(admimeth LIKE '2%', false)");
  if (inherited.includes("cancer")) parts.push("NOT cancer_in_spell");
  if (setting === "op") parts.push("attended IN ('5', '6')");
  return parts.join("\n    AND ");
}

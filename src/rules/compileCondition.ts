import { duckdbDialect } from "../db/Dialect.ts";
import { EbiError } from "../errors/index.ts";
import { isCounted } from "./measurability.ts";
import type { CodeClause, Condition, GlobalRuleId, InterventionRule } from "./schema.ts";

/** The shape every stored code has: a letter and 2 or 3 digits (OPCS-4 and ICD-10 alike). */
export const CODE_SHAPE = /^[A-Z][0-9]{2}[0-9]?$/;

/**
 * What a code that cannot exist should have been, when that is plain: the dotted form HES does not
 * store ("A65.1" is A651) or lower case. Only named in the error; the rule is never rewritten.
 */
export function suggestedCode(code: string): string | undefined {
  const undotted = code.trim().toUpperCase().replace(".", "");
  return undotted !== code && CODE_SHAPE.test(undotted) ? undotted : undefined;
}

/** A code checked against CODE_SHAPE, as a SQL literal: the only way a rule's text reaches SQL. */
function codeLiteral(code: string): string {
  if (!CODE_SHAPE.test(code)) {
    const suggestion = suggestedCode(code);
    throw new EbiError(
      "EBI_RULES_INVALID",
      `The code ${JSON.stringify(code)} cannot exist: codes are a letter and 2 or 3 digits, with no dot${
        suggestion ? ` (write ${suggestion})` : ""
      }.`,
      { code, expected: "a letter and 2 or 3 digits", ...(suggestion ? { suggestion } : {}) },
    );
  }
  return `'${code}'`;
}

/**
 * SQL true when the scalar code `x` is one of `codes` (3 characters = prefix); NULL when `x` is.
 * Every code is checked first: one of another length would otherwise fall out of both lists below
 * and the clause would silently stop matching it.
 */
function codeTest(x: string, codes: readonly string[]): string {
  for (const code of codes) codeLiteral(code);
  const exact = codes.filter((c) => c.length === 4);
  const prefixes = codes.filter((c) => c.length === 3);
  const parts: string[] = [];
  if (exact.length > 0) parts.push(`${x} IN (${exact.map(codeLiteral).join(", ")})`);
  if (prefixes.length > 0) parts.push(`left(${x}, 3) IN (${prefixes.map(codeLiteral).join(", ")})`);
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(" OR ")})`;
}

// Membership is a lambda over the episode's few codes, not list_has_any against a list of the rule's
// codes: DuckDB builds that list's lookup again for every row, which made classification several
// times slower (docs/benchmarks.md).

/** SQL true when the list expression `items` holds a code of `codes` (3 characters = prefix). */
function listHasCode(items: string, codes: readonly string[]): string {
  return duckdbDialect.listAny(items, "x", codeTest("x", codes));
}

/** SQL true when the scalar code expression `item` is one of `codes`. */
function isCode(item: string, codes: readonly string[]): string {
  return `coalesce(${codeTest(item, codes)}, false)`;
}

/** One code clause over the episode's `diag` or `opertn` list (element 1 = primary). */
export function compileClause(field: "diag" | "opertn", clause: CodeClause): string {
  switch (clause.position) {
    case "primary":
      // list_extract, not `${field}[1]`: the same element, read several times faster by DuckDB.
      return isCode(`list_extract(${field}, 1)`, clause.codes);
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

/** The 3-character categories, by field, one of which an episode must hold for a condition to be true. */
export interface RequiredCodes {
  diag: Set<string>;
  opertn: Set<string>;
}

/**
 * What `condition` cannot be true without: a code of these categories in `diag` or `opertn`.
 * Undefined when it can be true with no code at all (a bare `noneOf`). A necessary condition, not
 * the rule: it lets classification skip, cheaply, the episodes no rule could match.
 */
export function requiredCodes(condition: Condition): RequiredCodes | undefined {
  const of = (field: "diag" | "opertn", clause: CodeClause): RequiredCodes => {
    const categories = new Set(clause.codes.map((c) => codeLiteral(c).slice(1, 4)));
    return field === "diag"
      ? { diag: categories, opertn: new Set() }
      : { diag: new Set(), opertn: categories };
  };
  if ("procedure" in condition) return of("opertn", condition.procedure);
  if ("diagnosis" in condition) return of("diag", condition.diagnosis);
  // Every part of allOf must hold, so any one part's requirement is one of the whole.
  if ("allOf" in condition)
    return condition.allOf.map(requiredCodes).find((r): r is RequiredCodes => r !== undefined);
  if ("anyOf" in condition) return requiredByEvery(condition.anyOf.map(requiredCodes));
  return undefined;
}

/**
 * What holds when any one of several conditions holds: the union of their categories. Undefined
 * when there are none, or when one of them needs no code.
 */
export function requiredByEvery(parts: readonly (RequiredCodes | undefined)[]): RequiredCodes | undefined {
  if (parts.length === 0 || parts.some((r) => r === undefined)) return undefined;
  return {
    diag: new Set(parts.flatMap((r) => [...(r?.diag ?? [])])),
    opertn: new Set(parts.flatMap((r) => [...(r?.opertn ?? [])])),
  };
}

/** SQL true when an episode holds a code of `required`'s categories: the cheap test before the rules. */
export function requiredCodesSql(required: RequiredCodes): string {
  const parts = (["opertn", "diag"] as const)
    .filter((field) => required[field].size > 0)
    .map(
      (field) =>
        `coalesce(len(list_filter(${field}, x -> ${inCategories("x", [...required[field]])})) > 0, false)`,
    );
  return parts.length > 0 ? `(${parts.join(" OR ")})` : "false";
}

/** ICD-10 categories of the cancer exclusion: C00–C97, D00–D09, D37–D48. */
export const cancerCategories: readonly string[] = [
  ...Array.from({ length: 98 }, (_, i) => `C${String(i).padStart(2, "0")}`),
  ...Array.from({ length: 10 }, (_, i) => `D0${i}`),
  ...Array.from({ length: 12 }, (_, i) => `D${37 + i}`),
];

/**
 * SQL true when the code `x` falls in one of `categories` (3-character, sorted or not), written as
 * ranges of consecutive categories (C00–C97 is `x >= 'C00' AND x < 'C98'`): codes share one shape, so
 * text order is code order, and a range is far cheaper per row than a list of 120 categories.
 */
function inCategories(x: string, categories: readonly string[]): string {
  const sorted = [...new Set(categories.map((c) => codeLiteral(c).slice(1, 4)))].sort();
  const next = (c: string) => `${c[0]}${String(Number(c.slice(1)) + 1).padStart(2, "0")}`;
  const ranges: [string, string][] = [];
  for (const c of sorted) {
    const last = ranges.at(-1);
    if (last && next(last[1]) === c) last[1] = c;
    else ranges.push([c, c]);
  }
  // The end of a range is the category after it ('C98' after 'C97'); past 99 it is the next letter.
  const after = (c: string) =>
    c.slice(1) === "99" ? String.fromCharCode((c.codePointAt(0) as number) + 1) : next(c);
  return ranges.map(([from, to]) => `(${x} >= '${from}' AND ${x} < '${after(to)}')`).join(" OR ");
}

/** SQL true when an episode's diagnoses include a cancer code in any position. */
export const cancerInEpisodeSql = `coalesce(len(list_filter(diag, x -> ${inCategories("x", cancerCategories)})) > 0, false)`;

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
  if (!isCounted(rule) || !rule.match || !rule.setting.includes(setting)) return undefined;
  const compile = (condition: Condition, where: string): string => {
    try {
      return compileCondition(condition);
    } catch (error) {
      if (!(error instanceof EbiError)) throw error;
      throw new EbiError("EBI_RULES_INVALID", `Intervention ${rule.slug}, ${where}: ${error.message}`, {
        ...error.details,
        intervention: rule.slug,
        field: where,
      });
    }
  };
  const parts = [compile(rule.match as Condition, "match")];
  ((rule.exclude ?? []) as Condition[]).forEach((exclusion, i) => {
    parts.push(`NOT ${compile(exclusion, `exclude[${i}]`)}`);
  });
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

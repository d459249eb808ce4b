import { inheritedRules } from "./compileCondition.ts";
import { measurabilityOf } from "./measurability.ts";
import { type CodeClause, type Condition, type InterventionRule, otherDatasetNames } from "./schema.ts";

const positionWords = {
  primary: "primary",
  secondary: "secondary (position 2 on)",
  any: "any-position",
} as const;

function clauseWords(kind: "procedure" | "diagnosis", clause: CodeClause): string {
  const system = kind === "procedure" ? "OPCS-4" : "ICD-10";
  const codes = clause.codes.map((c) => (c.length === 3 ? `${c}*` : c)).join(", ");
  return `${positionWords[clause.position]} ${kind} ${clause.codes.length > 1 ? "one of " : ""}${codes} (${system})`;
}

/** A condition in words: "primary procedure one of W851, W852 (OPCS-4) and …". */
export function conditionWords(condition: Condition): string {
  if ("procedure" in condition) return clauseWords("procedure", condition.procedure);
  if ("diagnosis" in condition) return clauseWords("diagnosis", condition.diagnosis);
  const join = (items: Condition[], word: string) =>
    items.length === 1
      ? conditionWords(items[0] as Condition)
      : `(${items.map(conditionWords).join(` ${word} `)})`;
  if ("allOf" in condition) return join(condition.allOf, "and");
  if ("anyOf" in condition) return join(condition.anyOf, "or");
  return `none of ${join(condition.noneOf, "or")}`;
}

/** Why an intervention without a rule of its own has no count, in words. */
function uncountedWords(rule: InterventionRule): string {
  if (rule.sharesCodingWith)
    return `Counted within ${rule.sharesCodingWith}: the programme publishes one coding for both, so no separate count is made.`;
  if (rule.confidence === "no-source" && rule.measurability === "unknown")
    return "Neither the title's coding nor the data set that records it was found in the sources read, so no count is made and no codes are guessed.";
  if (rule.confidence === "no-source")
    return "No published coding was found for this intervention in the sources read, so no count is made and no codes are guessed.";
  if (measurabilityOf(rule) === "dataset")
    return `Counted only with ${rule.dataset ? otherDatasetNames[rule.dataset] : "another data set"}: not visible in admitted-care or outpatient procedure data, so no count is made here.`;
  return "Not measurable from routine admitted-care or outpatient data: no count is made.";
}

/** The whole rule in words, as pages and `ebi rules show` print it. */
export function describeRule(rule: InterventionRule): string {
  if (rule.confidence === "not-measurable" || rule.confidence === "no-source" || !rule.match)
    return uncountedWords(rule);
  const parts = [
    `Counts ${rule.setting.map((s) => (s === "apc" ? "admitted spells" : "attended outpatient appointments")).join(" and ")} with ${conditionWords(rule.match as Condition)}`,
  ];
  for (const exclusion of (rule.exclude ?? []) as Condition[])
    parts.push(`excluding ${conditionWords(exclusion)}`);
  if (rule.age === "adult") parts.push("adults only (19 and over)");
  else if (rule.age === "child") parts.push("children only (18 and under, infants included)");
  else if (rule.age) parts.push(`ages ${rule.age.min ?? 0} to ${rule.age.max ?? "any"}`);
  if (rule.sex) parts.push(`${rule.sex === "female" ? "women" : "men"} only`);
  const inherited = inheritedRules(rule);
  if (inherited.includes("emergency")) parts.push("not emergency admissions (admission method 2x)");
  if (inherited.includes("cancer"))
    parts.push("not when any diagnosis in the spell is a cancer (C00–C97, D00–D09, D37–D48)");
  return `${parts.join("; ")}. One count per spell (judged on its dominant procedure and primary diagnosis) or per episode, as the release's counting unit says.`;
}

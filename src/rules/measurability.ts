import type { InterventionRule, Measurability } from "./schema.ts";

/** True when the build counts the intervention with its own rule. */
export function isCounted(rule: InterventionRule): boolean {
  return (
    rule.confidence !== "not-measurable" &&
    rule.confidence !== "no-source" &&
    rule.match !== undefined &&
    rule.setting.length > 0
  );
}

/** Where an intervention can be counted: as its file says, else `hes` with a rule and `none` without. */
export function measurabilityOf(rule: InterventionRule): Measurability {
  if (rule.measurability) return rule.measurability;
  if (rule.dataset) return "dataset";
  return isCounted(rule) || rule.sharesCodingWith ? "hes" : "none";
}

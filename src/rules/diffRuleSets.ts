import type { ResolvedRuleSet } from "./loadRuleSets.ts";
import type { InterventionRule } from "./schema.ts";

/** The parts of a rule that decide what it counts; a change to any of them changes the figures. */
const countingFields = [
  "setting",
  "age",
  "sex",
  "match",
  "exclude",
  "inherits",
  "measurability",
  "dataset",
  "sharesCodingWith",
] as const satisfies readonly (keyof InterventionRule)[];

/** Parts that change what a page says about the rule but not its count. */
const describingFields = [
  "name",
  "officialId",
  "category",
  "confidence",
  "provenance",
  "sourceUrl",
  "notes",
] as const satisfies readonly (keyof InterventionRule)[];

/** How one intervention differs between two versions of a rule set. */
export interface RuleChange {
  intervention_id: string;
  change: "added" | "removed" | "changed";
  /** The counting fields that differ: when any does, the two versions give different figures. */
  counting: string[];
  /** The describing fields that differ. */
  describing: string[];
  /** The rule in words in each version (null where the intervention is absent). */
  before: string | null;
  after: string | null;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * What changed from rule set `from` to rule set `to` (two versions of one set, or a set and a local
 * variant), intervention by intervention, in `to`'s order then `from`'s removed ones. Unchanged
 * interventions are left out.
 */
export function diffRuleSets(from: ResolvedRuleSet, to: ResolvedRuleSet): RuleChange[] {
  const before = new Map(from.interventions.map((i) => [i.slug, i]));
  const after = new Map(to.interventions.map((i) => [i.slug, i]));
  const changes: RuleChange[] = [];
  for (const [slug, a] of after) {
    const b = before.get(slug);
    if (!b) {
      changes.push({
        intervention_id: a.intervention_id,
        change: "added",
        counting: [],
        describing: [],
        before: null,
        after: a.description,
      });
      continue;
    }
    const counting = countingFields.filter((f) => !same(b.rule[f], a.rule[f]));
    const describing = describingFields.filter((f) => !same(b.rule[f], a.rule[f]));
    if (counting.length + describing.length > 0)
      changes.push({
        intervention_id: a.intervention_id,
        change: "changed",
        counting,
        describing,
        before: b.description,
        after: a.description,
      });
  }
  for (const [slug, b] of before)
    if (!after.has(slug))
      changes.push({
        intervention_id: b.intervention_id,
        change: "removed",
        counting: [],
        describing: [],
        before: b.description,
        after: null,
      });
  return changes;
}

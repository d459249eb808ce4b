import { EbiError } from "../errors/index.ts";

/**
 * A disclosure policy: which counts are hidden and how the others are shown. Chosen per release
 * (`ebi build --policy`) and recorded in its manifest, so every page and download can say which
 * rule made the figures it shows.
 */
export interface DisclosurePolicy {
  /** Stable id recorded in the manifest. */
  id: string;
  name: string;
  /** Counts from 1 to this are hidden (primary suppression). 0 hides nothing. */
  threshold: number;
  /** Published counts are rounded to the nearest multiple of this; null for none. */
  rounding: number | null;
  /** Where the rule comes from. */
  source: string;
}

/** No public side may show a count of 1 to this, whatever the policy (the product's promise). */
export const minimumPublicThreshold = 5;

/** The HES Analysis Guide's rule: counts of 1 to 7 suppressed, every other count rounded to the nearest 5. */
export const hesAnalysisGuidePolicy: DisclosurePolicy = {
  id: "hes-analysis-guide",
  name: "HES Analysis Guide rule",
  threshold: 7,
  rounding: 5,
  source:
    "NHS Digital, Hospital Episode Statistics Analysis Guide (small numbers): suppress 1 to 7, round other counts to the nearest 5.",
};

/** The policy with this id among a product's `policies`, or a typed error listing the ones there are. */
export function policyById(id: string, policies: readonly DisclosurePolicy[]): DisclosurePolicy {
  const policy = policies.find((p) => p.id === id);
  if (!policy)
    throw new EbiError(
      "EBI_INVALID_ARGUMENT",
      `Unknown disclosure policy ${JSON.stringify(id)}: expected one of ${policies.map((p) => p.id).join(", ")}.`,
      { field: "policy", value: id, expected: policies.map((p) => p.id).join(" | ") },
    );
  return policy;
}

/** A policy with its threshold replaced (`--threshold`), recorded as a custom rule. */
export function withThreshold(policy: DisclosurePolicy, threshold: number): DisclosurePolicy {
  if (threshold === policy.threshold) return policy;
  return {
    ...policy,
    id: `${policy.id}+threshold-${threshold}`,
    name: `${policy.name}, threshold changed to ${threshold}`,
    threshold,
  };
}

/** One sentence a page, CSV, spreadsheet or API description shows about the policy a release used. */
export function policyStatement(disclosure: { threshold: number; rounding: number | null }): string {
  const hidden =
    disclosure.threshold > 0
      ? `counts of 1 to ${disclosure.threshold}, counts that would let one be worked out, and figures computed from them are hidden ([c])`
      : "no count is hidden";
  const rounded = disclosure.rounding
    ? `; other counts are rounded to the nearest ${disclosure.rounding}`
    : "";
  return `${hidden}${rounded}`;
}

/** The published form of a count under `rounding` (nearest multiple, halves up); unchanged when null. */
export function roundCount(value: number, rounding: number | null): number {
  if (!rounding) return value;
  return Math.round(value / rounding) * rounding;
}

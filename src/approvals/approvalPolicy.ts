import { type Static, Type } from "@sinclair/typebox";
import { readConfigFile } from "./readConfigFile.ts";

/** What an intervention needs before it is done: an IFR, a prior approval, a criteria attestation, or nothing. */
export const requirements = ["IFR", "PA", "attestation", "none"] as const;
export type Requirement = (typeof requirements)[number];

export const PolicyRule = Type.Object(
  {
    /** An ICB or sub-ICB ODS code, or `*` for every commissioner. */
    commissioner: Type.String({ minLength: 1 }),
    /** `*`, `category:1`, `category:2`, `list:List 2`, an official id (`M`), a product id or a slug. */
    intervention: Type.String({ minLength: 1 }),
    requires: Type.Union(requirements.map((r) => Type.Literal(r))),
    /** First day the rule applies, YYYY-MM-DD. */
    effective_from: Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$" }),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type PolicyRule = Static<typeof PolicyRule>;

export const ApprovalPolicy = Type.Object(
  {
    version: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    rules: Type.Array(PolicyRule, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type ApprovalPolicy = Static<typeof ApprovalPolicy>;

/** The national starting point: IFR for Category 1, prior approval for Category 2 and uncategorised items. */
export const defaultApprovalPolicy: ApprovalPolicy = {
  version: "default-2019",
  description:
    "Category 1 interventions only through an individual funding request; Category 2 and the later lists through prior approval (criteria-based).",
  rules: [
    { commissioner: "*", intervention: "*", requires: "PA", effective_from: "2019-04-01" },
    { commissioner: "*", intervention: "category:1", requires: "IFR", effective_from: "2019-04-01" },
    { commissioner: "*", intervention: "category:2", requires: "PA", effective_from: "2019-04-01" },
  ],
};

/** Reads and checks a policy file (JSON), naming the path of each problem. */
export function readApprovalPolicy(path: string): ApprovalPolicy {
  return readConfigFile(path, ApprovalPolicy, "an approval policy");
}

/** An intervention as a policy rule may name it. */
export interface PolicyIntervention {
  intervention_id: string;
  official_id: string | null;
  category: number | null;
  list: string;
}

/** How specific a rule is for an intervention (higher wins), or undefined when it does not apply. */
function interventionSpecificity(rule: string, i: PolicyIntervention): number | undefined {
  const r = rule.trim().toLowerCase();
  if (r === "*") return 0;
  if (r === `category:${i.category}`) return 1;
  if (r === `list:${i.list.toLowerCase()}`) return 1;
  const slug = i.intervention_id.split("/").pop() ?? "";
  if ([i.intervention_id, slug, i.official_id ?? ""].some((n) => n.toLowerCase() === r)) return 2;
  return undefined;
}

/**
 * What `intervention` needs in a commissioner (`codes`: its sub-ICB then ICB) on `date` (YYYY-MM-DD):
 * of the rules in force that day, the most specific commissioner, then the most specific
 * intervention, then the latest effective date. Returns the rule, or undefined when none applies.
 */
export function requiredApproval(
  policy: ApprovalPolicy,
  query: { codes: readonly string[]; intervention: PolicyIntervention; date: string },
): PolicyRule | undefined {
  let best: { rule: PolicyRule; key: [number, number, string] } | undefined;
  for (const rule of policy.rules) {
    if (rule.effective_from > query.date) continue;
    const c =
      rule.commissioner === "*"
        ? 0
        : query.codes.length - query.codes.indexOf(rule.commissioner.toUpperCase());
    if (rule.commissioner !== "*" && !query.codes.includes(rule.commissioner.toUpperCase())) continue;
    const i = interventionSpecificity(rule.intervention, query.intervention);
    if (i === undefined) continue;
    const key: [number, number, string] = [c, i, rule.effective_from];
    if (!best || compareKeys(key, best.key) > 0) best = { rule, key };
  }
  return best?.rule;
}

function compareKeys(a: [number, number, string], b: [number, number, string]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2]);
}

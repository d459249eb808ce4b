import { type DisclosurePolicy, hesAnalysisGuidePolicy } from "../../../disclosure/policy.ts";

/** The NHS England EBI dashboard's rule: counts of 1 to 5 redacted, others shown as they are. */
export const ebiDashboardPolicy: DisclosurePolicy = {
  id: "ebi-dashboard",
  name: "EBI dashboard rule",
  threshold: 5,
  rounding: null,
  source: "NHS England Evidence-Based Interventions dashboard: counts of 1 to 5 redacted.",
};

/** The disclosure rules an EBI release may be built under (`ebi build --policy`). */
export const disclosurePolicies: readonly DisclosurePolicy[] = [ebiDashboardPolicy, hesAnalysisGuidePolicy];

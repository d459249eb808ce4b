import { Type } from "@sinclair/typebox";
import { nullable } from "../../../server/schemas.ts";
import { equityDimensions } from "../queries/equity.ts";

/** EBI's HTTP schemas beside the shared ones in `server/schemas.ts`. */
export const InterventionId = Type.String({
  pattern: "^[a-z0-9-]+/[a-z0-9-]+$",
  description: "intervention id, <rule set>/<slug>",
});
export const Period = Type.Union([Type.Literal("baseline"), Type.Literal("latest")], { default: "latest" });
export const Dimension = Type.Union(
  equityDimensions.map((d) => Type.Literal(d)),
  { default: "imd_quintile" },
);

export const InterventionSchema = Type.Object({
  intervention_id: Type.String(),
  rule_set_id: Type.String(),
  rule_set_version: Type.String(),
  official_id: nullable(Type.String()),
  slug: Type.String(),
  name: Type.String(),
  list: Type.String(),
  category: nullable(Type.Number()),
  setting: Type.Array(Type.String()),
  confidence: Type.String(),
  measurable: Type.Boolean(),
  measurability: Type.Union(
    ["hes", "dataset", "none", "unknown"].map((m) => Type.Literal(m)),
    {
      description:
        "hes: counted from admitted-care/outpatient data; dataset: only with the data set named in `dataset`; none: not from routine data; unknown: neither coding nor data set found",
    },
  ),
  dataset: nullable(Type.String({ description: "DID, pathology or transfusion" })),
  source_url: nullable(
    Type.String({ description: "the programme page the rule was read from; null when none was found" }),
  ),
  description: Type.String(),
  provenance: Type.String(),
});

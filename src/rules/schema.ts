import { type Static, Type } from "@sinclair/typebox";

/** A code list matched at a position: 3 characters = every code in the category, 4 = that code. */
export const CodeClause = Type.Object(
  {
    position: Type.Union([Type.Literal("primary"), Type.Literal("secondary"), Type.Literal("any")]),
    codes: Type.Array(Type.String(), { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type CodeClause = Static<typeof CodeClause>;

export type Condition =
  | { procedure: CodeClause }
  | { diagnosis: CodeClause }
  | { allOf: Condition[] }
  | { anyOf: Condition[] }
  | { noneOf: Condition[] };

export const Condition = Type.Recursive(
  (Self) =>
    Type.Union([
      Type.Object({ procedure: CodeClause }, { additionalProperties: false }),
      Type.Object({ diagnosis: CodeClause }, { additionalProperties: false }),
      Type.Object({ allOf: Type.Array(Self, { minItems: 1 }) }, { additionalProperties: false }),
      Type.Object({ anyOf: Type.Array(Self, { minItems: 1 }) }, { additionalProperties: false }),
      Type.Object({ noneOf: Type.Array(Self, { minItems: 1 }) }, { additionalProperties: false }),
    ]),
  { $id: "Condition" },
);

export const Confidence = Type.Union([
  Type.Literal("published"),
  Type.Literal("derived"),
  Type.Literal("provisional"),
  Type.Literal("not-measurable"),
  Type.Literal("no-source"),
]);
export type Confidence = Static<typeof Confidence>;

/**
 * Where an intervention can be counted: `hes` in admitted or outpatient data (HES APC/OP);
 * `dataset` only with another data set (named by `dataset`); `none` not from routine data;
 * `unknown` for a title whose coding and data set were not found.
 */
export const Measurability = Type.Union([
  Type.Literal("hes"),
  Type.Literal("dataset"),
  Type.Literal("none"),
  Type.Literal("unknown"),
]);
export type Measurability = Static<typeof Measurability>;

/** Other national data sets an intervention can only be counted in. */
export const OtherDataset = Type.Union([
  Type.Literal("DID"),
  Type.Literal("pathology"),
  Type.Literal("transfusion"),
]);
export type OtherDataset = Static<typeof OtherDataset>;

export const otherDatasetNames: Record<OtherDataset, string> = {
  DID: "the Diagnostic Imaging Dataset (DID)",
  pathology: "pathology (laboratory test) records",
  transfusion: "blood transfusion records",
};

export const globalRuleIds = ["emergency", "cancer"] as const;
export type GlobalRuleId = (typeof globalRuleIds)[number];

export const InterventionRule = Type.Object(
  {
    officialId: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
    slug: Type.String({ pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" }),
    name: Type.String({ minLength: 1 }),
    category: Type.Union([Type.Literal(1), Type.Literal(2), Type.Null()]),
    setting: Type.Array(Type.Union([Type.Literal("apc"), Type.Literal("op")])),
    age: Type.Optional(
      Type.Union([
        Type.Literal("adult"),
        Type.Literal("child"),
        Type.Object(
          { min: Type.Optional(Type.Integer()), max: Type.Optional(Type.Integer()) },
          { additionalProperties: false },
        ),
      ]),
    ),
    sex: Type.Optional(Type.Union([Type.Literal("female"), Type.Literal("male")])),
    match: Type.Optional(Condition),
    exclude: Type.Optional(Type.Array(Condition)),
    /** Global rules applied; default both. */
    inherits: Type.Optional(Type.Array(Type.Union(globalRuleIds.map((id) => Type.Literal(id))))),
    provenance: Type.String({ minLength: 1 }),
    /** The public page the coding or title was read from. */
    sourceUrl: Type.Optional(Type.String({ pattern: "^https://" })),
    confidence: Confidence,
    /** The title the guidance gives the intervention, when it differs from `name`. */
    guidanceTitle: Type.Optional(Type.String({ minLength: 1 })),
    /** Where it can be counted; default `hes` when it has a rule, `none` otherwise. */
    measurability: Type.Optional(Measurability),
    dataset: Type.Optional(OtherDataset),
    /** Counted by another intervention's rule (slug): the programme publishes one coding for both. */
    sharesCodingWith: Type.Optional(Type.String({ pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" })),
    notes: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type InterventionRule = Static<typeof InterventionRule>;

export const RuleSetFile = Type.Object(
  {
    id: Type.String({ pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" }),
    version: Type.String({ minLength: 1 }),
    /** The date (YYYY-MM-DD) from which this version of the guidance applies. */
    effective: Type.Optional(Type.String({ pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" })),
    /** What changed from the version before, in words. */
    changes: Type.Optional(Type.String()),
    title: Type.String({ minLength: 1 }),
    list: Type.String({ minLength: 1 }),
    source: Type.Optional(Type.String()),
    /** A local variant: start from this rule set (id of a shipped set, or a path). */
    extends: Type.Optional(Type.String()),
    /** In a variant: slugs of the parent's interventions to drop. */
    remove: Type.Optional(Type.Array(Type.String())),
    /** In a variant: fields replaced in the parent's interventions, by slug. */
    override: Type.Optional(Type.Record(Type.String(), Type.Partial(InterventionRule))),
    interventions: Type.Array(InterventionRule),
  },
  { additionalProperties: false },
);
export type RuleSetFile = Static<typeof RuleSetFile>;

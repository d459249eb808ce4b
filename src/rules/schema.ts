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
]);
export type Confidence = Static<typeof Confidence>;

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
    confidence: Confidence,
    notes: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type InterventionRule = Static<typeof InterventionRule>;

export const RuleSetFile = Type.Object(
  {
    id: Type.String({ pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" }),
    version: Type.String({ minLength: 1 }),
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

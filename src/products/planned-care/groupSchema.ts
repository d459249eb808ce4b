import { type Static, Type } from "@sinclair/typebox";
import { Condition } from "../../rules/schema.ts";

/**
 * One procedure group of planned care: admissions counted when the spell is planned (elective or
 * day case) and, when `match` is given, an episode of it holds the condition (the EBI rule-set
 * conditions: code clauses by position, allOf/anyOf/noneOf).
 */
export const ProcedureGroup = Type.Object(
  {
    slug: Type.String({ pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" }),
    name: Type.String({ minLength: 1 }),
    /** Absent: every planned admission. */
    match: Type.Optional(Condition),
    exclude: Type.Optional(Type.Array(Condition)),
    age: Type.Optional(
      Type.Object(
        {
          min: Type.Optional(Type.Integer({ minimum: 0 })),
          max: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ),
    sex: Type.Optional(Type.Union([Type.Literal("female"), Type.Literal("male")])),
    provenance: Type.String({ minLength: 1 }),
    sourceUrl: Type.Optional(Type.String({ pattern: "^https://" })),
    confidence: Type.Union([Type.Literal("published"), Type.Literal("derived"), Type.Literal("provisional")]),
    notes: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ProcedureGroup = Static<typeof ProcedureGroup>;

/** A file of procedure groups: the shipped set, or a commissioner's local additions. */
export const ProcedureGroupFile = Type.Object(
  {
    id: Type.String({ pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" }),
    version: Type.String({ minLength: 1 }),
    title: Type.String({ minLength: 1 }),
    source: Type.Optional(Type.String()),
    groups: Type.Array(ProcedureGroup, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type ProcedureGroupFile = Static<typeof ProcedureGroupFile>;

import { Type } from "@sinclair/typebox";

/** OpenAPI schemas of the talking-therapies JSON routes (their rows carry each table's own columns). */

const anyRow = Type.Object(
  {},
  { additionalProperties: true, description: "one row: the table's columns by key" },
);
const period = Type.Object({
  from: Type.String({ format: "date", description: "first day, YYYY-MM-DD" }),
  to: Type.String({ format: "date", description: "last day, YYYY-MM-DD" }),
});

export const ttTableSchema = {
  tags: ["talking-therapies"],
  summary: "One public service-review table (aggregate, disclosure-controlled)",
  params: Type.Object({ id: Type.String({ pattern: "^[a-z0-9-]+$", description: "table id, e.g. gaps" }) }),
  response: {
    200: Type.Object({
      provider: Type.Optional(Type.String({ description: "provider ODS code" })),
      period: Type.Optional(period),
      disclosure: Type.Optional(Type.String({ description: "the disclosure rule applied" })),
      table: Type.Object(
        {
          id: Type.String(),
          page: Type.String(),
          title: Type.String(),
          method: Type.String({ description: "how the table is calculated" }),
          columns: Type.Array(
            Type.Object(
              {
                key: Type.String(),
                label: Type.String(),
                kind: Type.String({ description: "label, text, count, percent, mean, …" }),
              },
              { additionalProperties: true },
            ),
          ),
          rows: Type.Array(anyRow, { description: "suppressed figures are null" }),
        },
        { additionalProperties: true },
      ),
    }),
  },
};

export const ttRegisteredSchema = {
  tags: ["talking-therapies"],
  summary:
    "Practitioner dashboards or the recovery-at-risk list (registered: the service's own staff or national users; audited). Add .csv or .xlsx for a download.",
  params: Type.Object({
    file: Type.String({ pattern: "^(practitioners|at-risk)$", description: "practitioners or at-risk" }),
  }),
  response: {
    200: Type.Object({
      provider: Type.String(),
      period,
      attribution: Type.String({ description: "most-treatment or last-treatment" }),
      redaction: Type.String({ description: "registered: not for publication" }),
      rows: Type.Array(anyRow),
    }),
  },
};

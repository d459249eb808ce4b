import { type TObject, type TProperties, type TSchema, Type } from "@sinclair/typebox";
import { periodGrains } from "../periods/period.ts";
import type { TableDeclaration } from "../release/declareTable.ts";
import { organisationsTable } from "../release/tables.ts";

/** HTTP schemas of the API: query parameters and response rows, also the OpenAPI document. */
export const levels = ["england", "region", "icb", "sub_icb", "provider"] as const;
export const Level = Type.Union(
  levels.map((l) => Type.Literal(l)),
  { description: "organisation level" },
);
export const Month = Type.String({ pattern: "^\\d{4}-\\d{2}$", description: "a month, YYYY-MM" });
export const OrgCode = Type.String({ pattern: "^[A-Za-z0-9]{1,10}$", description: "organisation code" });
/** The time period of a series (`?period=`): month, financial-year quarter, financial year or rolling 12 months. */
export const TimePeriod = Type.Union(
  periodGrains.map((g) => Type.Literal(g)),
  {
    description:
      "time period: month, quarter (of the financial year), financial_year (April–March) or rolling_12 (the 12 months to each month). A total is shown only where every month in it is published, or the release publishes it itself.",
  },
);
/** limit/offset paging; downloads (CSV, XLSX) hold the whole selection unless `limit` is given. */
export const Paging = {
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 10_000, description: "rows per page (JSON default 1000)" }),
  ),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: "rows to skip (default 0)" })),
};

export const nullable = (schema: TSchema) => Type.Union([schema, Type.Null()]);
const typeOf = (duckType: string): TSchema =>
  duckType === "VARCHAR" ? nullable(Type.String()) : nullable(Type.Number());

/**
 * A row of a release table as published, from the table's declaration: every column, nullable
 * (a scoped or older release may leave any figure empty).
 */
export function rowSchema(table: Pick<TableDeclaration, "columns">, extra: TProperties = {}): TObject {
  const columns = table.columns;
  return Type.Object({
    ...Object.fromEntries(Object.entries(columns).map(([name, c]) => [name, typeOf(c.type)])),
    ...extra,
  });
}

export const Links = Type.Object({ next: nullable(Type.String()), prev: nullable(Type.String()) });

/** The JSON envelope of a table answer: release, redaction note, optional paging, extra fields, items. */
export function envelope(item: TSchema, extra: TProperties = {}): TObject {
  return Type.Object({
    release: Type.String(),
    redaction: Type.String(),
    total: Type.Optional(Type.Integer()),
    limit: Type.Optional(Type.Integer()),
    offset: Type.Optional(Type.Integer()),
    links: Type.Optional(Links),
    ...extra,
    items: Type.Array(item),
  });
}

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: "stable error code (docs/errors.md)" }),
    detail: Type.String(),
    instance: Type.String(),
    parameter: Type.Optional(Type.String()),
  },
  { description: "RFC 9457 problem details" },
);

export const OrganisationSchema = rowSchema(organisationsTable);
export const nullableNumber = nullable(Type.Number());
export const nullableString = nullable(Type.String());

import type { TObject, TSchema } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Problem } from "../schemas.ts";

export interface TableRouteSchema {
  querystring?: TObject;
  description: string;
  tags: string[];
  /** The JSON answer; CSV and XLSX carry the same rows. */
  response: TSchema;
}

/** Registers `path`, `path.csv` and `path.xlsx` with one handler and one schema (suffixes hidden in OpenAPI). */
export function tableRoute<Q>(
  app: FastifyInstance,
  path: string,
  schema: TableRouteSchema,
  handler: (request: FastifyRequest<{ Querystring: Q }>, reply: FastifyReply) => Promise<unknown>,
): void {
  for (const suffix of ["", ".csv", ".xlsx"]) {
    app.get(
      `${path}${suffix}`,
      {
        schema: {
          ...(schema.querystring ? { querystring: schema.querystring } : {}),
          description: schema.description,
          tags: schema.tags,
          hide: suffix !== "",
          produces: [
            "application/json",
            "text/csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          ],
          response: { 200: schema.response, 400: Problem, 404: Problem },
        },
      },
      handler as never,
    );
  }
}

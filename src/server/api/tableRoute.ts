import type { TObject, TSchema } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Problem } from "../schemas.ts";
import { keptAnswer, sendKept } from "../tableResponse.ts";

export interface TableRouteSchema {
  querystring?: TObject;
  description: string;
  tags: string[];
  /** The JSON answer; CSV and XLSX carry the same rows. */
  response: TSchema;
}

/**
 * Registers a table route. `path.csv` and `path.xlsx` reach it too: the app rewrites the suffix away
 * (see `downloadSuffix`), and `requestedFormat` reads it from the original URL. A public answer
 * already made for this release and URL is sent as kept, without running the handler.
 */
export function tableRoute<Q>(
  app: FastifyInstance,
  path: string,
  schema: TableRouteSchema,
  handler: (request: FastifyRequest<{ Querystring: Q }>, reply: FastifyReply) => Promise<unknown>,
): void {
  app.get(
    path,
    {
      schema: {
        ...(schema.querystring ? { querystring: schema.querystring } : {}),
        description: `${schema.description}. Also as CSV (\`${path}.csv\` or Accept: text/csv) and Excel (\`${path}.xlsx\`).`,
        tags: schema.tags,
        produces: [
          "application/json",
          "text/csv",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ],
        response: { 200: schema.response, 400: Problem, 404: Problem },
      },
    },
    ((request: FastifyRequest<{ Querystring: Q }>, reply: FastifyReply) => {
      const answer = keptAnswer(request);
      return answer ? sendKept(request, reply, answer) : handler(request, reply);
    }) as never,
  );
}

/** `/api/v1/x.csv?…` → `/api/v1/x?…` so one route serves every format; other URLs unchanged. */
export function downloadSuffix(url: string): string {
  const match = /^(\/api\/v1\/[^?]*?)\.(?:csv|xlsx)(\?.*)?$/.exec(url);
  return match ? `${match[1]}${match[2] ?? ""}` : url;
}

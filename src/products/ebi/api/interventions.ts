import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { tableRoute } from "../../../server/api/tableRoute.ts";
import { envelope, Problem } from "../../../server/schemas.ts";
import { keptAnswer, sendJson, sendKept, sendTable } from "../../../server/tableResponse.ts";
import { getIntervention, listInterventions } from "../queries/interventions.ts";
import { InterventionSchema } from "./schemas.ts";

/** The interventions table's columns, in download order. */
export const interventionColumns = [
  "intervention_id",
  "official_id",
  "name",
  "list",
  "category",
  "confidence",
  "measurable",
  "measurability",
  "dataset",
  "source_url",
  "setting",
  "rule_set_id",
  "rule_set_version",
  "description",
  "provenance",
];

/** `/api/v1/interventions` and `/api/v1/interventions/:set/:slug`. */
export function interventionRoutes(app: FastifyInstance): void {
  tableRoute(
    app,
    "/api/v1/interventions",
    {
      description: "Every intervention of every rule set, measurable or not, with its rule in words",
      tags: ["interventions"],
      response: envelope(InterventionSchema),
    },
    (request, reply) =>
      sendTable(request, reply, request.release, {
        name: "interventions",
        columns: interventionColumns,
        rows: listInterventions(request.release),
      }),
  );
  // Ids hold a slash (<rule set>/<slug>), so the path has two segments.
  app.get<{ Params: { set: string; slug: string } }>(
    "/api/v1/interventions/:set/:slug",
    {
      schema: {
        params: Type.Object({
          set: Type.String({ pattern: "^[a-z0-9-]+$" }),
          slug: Type.String({ pattern: "^[a-z0-9-]+$" }),
        }),
        description: "One intervention by id (<rule set>/<slug>)",
        tags: ["interventions"],
        response: {
          200: Type.Object({ release: Type.String(), item: InterventionSchema }),
          400: Problem,
          404: Problem,
        },
      },
    },
    async (request, reply) => {
      const kept = keptAnswer(request);
      if (kept) return sendKept(request, reply, kept);
      const { release } = request;
      const item = getIntervention(release, `${request.params.set}/${request.params.slug}`);
      return sendJson(request, reply, release, { release: release.id, item });
    },
  );
}

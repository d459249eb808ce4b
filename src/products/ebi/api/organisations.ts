import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { tableRoute } from "../../../server/api/tableRoute.ts";
import { envelope, Level, OrganisationSchema, OrgCode, Paging, Problem } from "../../../server/schemas.ts";
import { keptAnswer, sendJson, sendKept, sendTable } from "../../../server/tableResponse.ts";
import { listOrganisations, organisationDetail } from "../queries/organisations.ts";
import { columnNames } from "../release/tables.ts";

const OrganisationsQuery = Type.Object({
  level: Type.Optional(Level),
  parent: Type.Optional(OrgCode),
  q: Type.Optional(Type.String({ maxLength: 100, description: "part of a name, or a whole code" })),
  ...Paging,
});

/** `/api/v1/organisations` (hierarchy, search, pages) and `/api/v1/organisations/:code`. */
export function organisationRoutes(app: FastifyInstance): void {
  tableRoute<Static<typeof OrganisationsQuery>>(
    app,
    "/api/v1/organisations",
    {
      querystring: OrganisationsQuery,
      description:
        "Organisations with their parent (hierarchy); filter by level, parent or a name/code search",
      tags: ["organisations"],
      response: envelope(OrganisationSchema),
    },
    (request, reply) => {
      const { release } = request;
      const { level, parent, q, limit, offset } = request.query;
      return sendTable(request, reply, release, {
        name: "organisations",
        columns: columnNames("organisations"),
        rows: listOrganisations(release, { level, parent, q }),
        paging: { limit, offset: offset ?? 0 },
      });
    },
  );

  app.get<{ Params: { code: string }; Querystring: { level?: Static<typeof Level> } }>(
    "/api/v1/organisations/:code",
    {
      schema: {
        params: Type.Object({ code: OrgCode }),
        querystring: Type.Object({ level: Type.Optional(Level) }),
        description: "One organisation with its parent and children",
        tags: ["organisations"],
        response: {
          200: Type.Object({
            release: Type.String(),
            ...OrganisationSchema.properties,
            parent: Type.Union([OrganisationSchema, Type.Null()]),
            children: Type.Array(OrganisationSchema),
          }),
          400: Problem,
          404: Problem,
        },
      },
    },
    async (request, reply) => {
      const kept = keptAnswer(request);
      if (kept) return sendKept(request, reply, kept);
      const { release } = request;
      const org = organisationDetail(release, request.params.code, request.query.level);
      return sendJson(request, reply, release, { release: release.id, ...org });
    },
  );
}

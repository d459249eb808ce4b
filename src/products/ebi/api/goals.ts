import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { tableRoute } from "../../../server/api/tableRoute.ts";
import { envelope, Level, OrgCode, Paging, rowSchema } from "../../../server/schemas.ts";
import { sendTable } from "../../../server/tableResponse.ts";
import { baselineRows, goalTrajectory } from "../queries/baselines.ts";
import { commissionerFunnel } from "../queries/funnel.ts";
import { getIntervention } from "../queries/interventions.ts";
import { baselinesTable, columnNames, trajectoryTable, variationTable } from "../release/tables.ts";
import { InterventionId } from "./schemas.ts";

const BaselineQuery = Type.Object({
  intervention: Type.Optional(InterventionId),
  level: Type.Optional(Level),
  org: Type.Optional(OrgCode),
  ...Paging,
});
const TrajectoryQuery = Type.Object({
  intervention: InterventionId,
  org: Type.Optional(OrgCode),
  level: Type.Optional(Level),
});
const VariationQuery = Type.Object({ intervention: Type.Optional(InterventionId) });

const FunnelPoint = Type.Object({
  org_code: Type.String(),
  name: Type.String(),
  dsr: Type.Number(),
  population: Type.Number(),
  spells: Type.Union([Type.Number(), Type.Null()]),
  rank: Type.Integer(),
  classification: Type.String(),
});

/** Baselines and goals: `/api/v1/baselines`, `/api/v1/goals/trajectory`, `/api/v1/variation`. */
export function goalRoutes(app: FastifyInstance): void {
  tableRoute<Static<typeof BaselineQuery>>(
    app,
    "/api/v1/baselines",
    {
      querystring: BaselineQuery,
      description: "Baselines, goals, opportunity, latest 12 months, progress and money",
      tags: ["goals"],
      response: envelope(rowSchema(baselinesTable)),
    },
    (request, reply) => {
      const { release } = request;
      const { limit, offset, ...filter } = request.query;
      return sendTable(request, reply, release, {
        name: "baselines",
        columns: columnNames("baselines"),
        rows: baselineRows(release, filter),
        paging: { limit, offset: offset ?? 0 },
      });
    },
  );

  for (const path of ["/api/v1/goals/trajectory", "/api/v1/trajectory"])
    tableRoute<Static<typeof TrajectoryQuery>>(
      app,
      path,
      {
        querystring: TrajectoryQuery,
        description: "The goal spread over the months of the goal year with the baseline's seasonal profile",
        tags: ["goals"],
        response: envelope(rowSchema(trajectoryTable)),
      },
      (request, reply) => {
        const { release } = request;
        const { intervention, org, level } = request.query;
        return sendTable(request, reply, release, {
          name: "trajectory",
          columns: columnNames("trajectory"),
          rows: goalTrajectory(release, intervention, org, level).rows,
        });
      },
    );

  tableRoute<Static<typeof VariationQuery>>(
    app,
    "/api/v1/variation",
    {
      querystring: VariationQuery,
      description:
        "Spread of sub-ICB baseline standardised rates (percentiles, N-fold); with `intervention`, the funnel plot of sub-ICBs against England",
      tags: ["goals"],
      response: envelope(rowSchema(variationTable), {
        funnel: Type.Optional(
          Type.Object({
            target: Type.Union([Type.Number(), Type.Null()]),
            omitted: Type.Integer(),
            points: Type.Array(FunnelPoint),
          }),
        ),
      }),
    },
    (request, reply) => {
      const { release } = request;
      const { intervention } = request.query;
      if (intervention) getIntervention(release, intervention);
      const funnel = intervention ? commissionerFunnel(release, intervention) : null;
      return sendTable(request, reply, release, {
        name: "variation",
        columns: columnNames("variation"),
        rows: release.variation.filter((v) => !intervention || v.intervention_id === intervention),
        body: funnel
          ? { funnel: { target: funnel.target, omitted: funnel.omitted, points: funnel.points } }
          : {},
      });
    },
  );
}

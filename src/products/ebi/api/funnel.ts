import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { tableRoute } from "../../../server/api/tableRoute.ts";
import { envelope, nullableNumber, OrgCode } from "../../../server/schemas.ts";
import { sendTable } from "../../../server/tableResponse.ts";
import { funnelLimits } from "../../../stats/index.ts";
import { commissionerFunnel } from "../queries/funnel.ts";
import { getIntervention } from "../queries/interventions.ts";
import { InterventionId } from "./schemas.ts";

const FunnelQuery = Type.Object({
  intervention: InterventionId,
  org: Type.Optional(
    Type.String({
      ...OrgCode,
      description: "organisation code; accepted for the chart's own link, not a filter",
    }),
  ),
  period: Type.Optional(
    Type.String({ description: "accepted for the chart's own link; the funnel is of the baseline year" }),
  ),
});

const FunnelRow = Type.Object({
  rank: Type.Integer(),
  org_code: Type.String(),
  org_name: Type.String(),
  population: Type.Number(),
  spells: nullableNumber,
  dsr: Type.Number(),
  england_rate: nullableNumber,
  lower_95: nullableNumber,
  upper_95: nullableNumber,
  lower_99_8: nullableNumber,
  upper_99_8: nullableNumber,
  classification: Type.String(),
});

/** `/api/v1/funnel`: the funnel plot's data, each sub-ICB location with the limits at its population. */
export function funnelRoutes(app: FastifyInstance): void {
  tableRoute<Static<typeof FunnelQuery>>(
    app,
    "/api/v1/funnel",
    {
      querystring: FunnelQuery,
      description:
        "The funnel plot of sub-ICB baseline standardised rates against England's: each location with the 95% and 99.8% limits at its population",
      tags: ["goals"],
      response: envelope(FunnelRow),
    },
    (request, reply) => {
      const { release } = request;
      const { intervention } = request.query;
      getIntervention(release, intervention);
      const funnel = commissionerFunnel(release, intervention);
      const rows = funnel.points.map((p) => {
        const l =
          funnel.target === null ? null : funnelLimits({ type: "rate", target: funnel.target }, p.population);
        return {
          rank: p.rank,
          org_code: p.org_code,
          org_name: p.name,
          population: p.population,
          spells: p.spells,
          dsr: p.dsr,
          england_rate: funnel.target,
          lower_95: l?.lower95 ?? null,
          upper_95: l?.upper95 ?? null,
          lower_99_8: l?.lower998 ?? null,
          upper_99_8: l?.upper998 ?? null,
          classification: p.classification,
        };
      });
      return sendTable(request, reply, release, {
        name: "funnel",
        columns: Object.keys(FunnelRow.properties),
        rows,
      });
    },
  );
}

import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { getIntervention } from "../queries/interventions.ts";
import { findOrganisation } from "../queries/organisations.ts";
import { spcSeries } from "../queries/spc.ts";
import { envelope, InterventionId, Level, nullableNumber, nullableString, OrgCode } from "../schemas.ts";
import { sendTable } from "../tableResponse.ts";
import { tableRoute } from "./tableRoute.ts";

const SpcQuery = Type.Object({
  intervention: InterventionId,
  org: Type.Optional(OrgCode),
  level: Type.Optional(Level),
});

const SpcPoint = Type.Object({
  month: Type.String(),
  spells: nullableNumber,
  mean: nullableNumber,
  lower: nullableNumber,
  upper: nullableNumber,
  special: Type.Union([Type.String(), Type.Boolean(), Type.Null()]),
  trial: Type.Union([Type.Boolean(), Type.Null()]),
  suppressed: Type.Optional(nullableString),
});

/** `/api/v1/spc`: the XmR chart of monthly spells (rebased at programme start and pandemic; lower is better). */
export function spcRoutes(app: FastifyInstance): void {
  tableRoute<Static<typeof SpcQuery>>(
    app,
    "/api/v1/spc",
    {
      querystring: SpcQuery,
      description: "XmR chart (Making Data Count) of monthly spells: limits, special causes and icons",
      tags: ["activity"],
      response: envelope(SpcPoint, {
        variation: nullableString,
        assurance: nullableString,
        reason: nullableString,
        target: nullableNumber,
      }),
    },
    (request, reply) => {
      const { release } = request;
      const { intervention, org, level } = request.query;
      getIntervention(release, intervention);
      const o = findOrganisation(release, org ?? "ENG", level);
      const series = spcSeries(release, intervention, o.level, o.org_code);
      const rows = series.chart
        ? series.chart.points.map((p) => ({
            month: p.date,
            spells: p.value,
            mean: p.mean,
            lower: p.lower,
            upper: p.upper,
            special: p.special,
            trial: p.trial,
          }))
        : series.months.map((m) => ({
            month: m.month,
            spells: m.spells,
            mean: null,
            lower: null,
            upper: null,
            special: null,
            trial: null,
            suppressed: m.spells === null ? "redacted" : null,
          }));
      return sendTable(request, reply, release, {
        name: "spc",
        columns: ["month", "spells", "mean", "lower", "upper", "special", "trial"],
        rows,
        body: {
          variation: series.chart?.variation ?? null,
          assurance: series.chart?.assurance ?? null,
          reason: series.reason,
          target: series.target,
        },
      });
    },
  );
}

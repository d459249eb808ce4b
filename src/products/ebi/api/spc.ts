import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { tableRoute } from "../../../server/api/tableRoute.ts";
import {
  envelope,
  Level,
  nullableNumber,
  nullableString,
  OrgCode,
  TimePeriod,
} from "../../../server/schemas.ts";
import { sendTable } from "../../../server/tableResponse.ts";
import { getIntervention } from "../queries/interventions.ts";
import { findOrganisation } from "../queries/organisations.ts";
import { spcSeries } from "../queries/spc.ts";
import { InterventionId } from "./schemas.ts";

const SpcQuery = Type.Object({
  intervention: InterventionId,
  org: Type.Optional(OrgCode),
  level: Type.Optional(Level),
  period: Type.Optional(TimePeriod),
});

const SpcPoint = Type.Object({
  month: Type.String({ description: "the period's first month" }),
  period: Type.String(),
  excluded: Type.Union([Type.Boolean(), Type.Null()]),
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
      description:
        "XmR chart (Making Data Count) of spells at a period (default: monthly, else quarterly when a month is hidden): limits, special causes, the pandemic months excluded, and icons",
      tags: ["activity"],
      response: envelope(SpcPoint, {
        grain: Type.String({ description: "the period the chart is drawn at" }),
        fallback: nullableString,
        variation: nullableString,
        assurance: nullableString,
        reason: nullableString,
        target: nullableNumber,
      }),
    },
    (request, reply) => {
      const { release } = request;
      const { intervention, org, level, period } = request.query;
      getIntervention(release, intervention);
      const o = findOrganisation(release, org ?? "ENG", level);
      const series = spcSeries(release, intervention, o.level, o.org_code, period ?? "auto");
      const labelOf = new Map(series.points.map((p) => [p.period.start, p.period.label]));
      const rows = series.chart
        ? series.chart.points.map((p) => ({
            month: p.date,
            period: labelOf.get(p.date) ?? p.date,
            excluded: p.excluded,
            spells: p.value,
            mean: p.mean,
            lower: p.lower,
            upper: p.upper,
            special: p.special,
            trial: p.trial,
          }))
        : series.points.map((m) => ({
            month: m.period.start,
            period: m.period.label,
            excluded: null,
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
        columns: ["month", "period", "spells", "mean", "lower", "upper", "special", "trial", "excluded"],
        rows,
        body: {
          grain: series.grain,
          fallback: series.fallback,
          variation: series.chart?.variation ?? null,
          assurance: series.chart?.assurance ?? null,
          reason: series.reason,
          target: series.target,
        },
      });
    },
  );
}

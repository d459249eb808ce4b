import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { tableRoute } from "../../../server/api/tableRoute.ts";
import {
  envelope,
  Level,
  Month,
  nullableNumber,
  nullableString,
  OrgCode,
  Paging,
  TimePeriod,
} from "../../../server/schemas.ts";
import { requestedFormat, sendTable } from "../../../server/tableResponse.ts";
import { activityBreakdowns, activityRows, periodActivityRows } from "../queries/activity.ts";
import { namedColumns, withNames } from "../queries/withNames.ts";
import { columnNames } from "../release/tables.ts";
import { InterventionId } from "./schemas.ts";

const ActivityQuery = Type.Object({
  intervention: Type.Optional(
    Type.String({
      ...InterventionId,
      description: "intervention id, <rule set>/<slug>; absent, every measurable intervention",
    }),
  ),
  org: Type.Optional(OrgCode),
  level: Type.Optional(Level),
  from: Type.Optional(Month),
  to: Type.Optional(Month),
  breakdown: Type.Optional(
    Type.Union(
      activityBreakdowns.map((b) => Type.Literal(b)),
      {
        default: "month",
        description: "month, financial_year totals, or the organisation's children by month",
      },
    ),
  ),
  period: Type.Optional(TimePeriod),
  ...Paging,
});

const ActivityItem = Type.Object({
  intervention_id: Type.String(),
  level: Type.String(),
  org_code: Type.String(),
  intervention_name: Type.Optional(nullableString),
  org_name: Type.Optional(nullableString),
  month: Type.Optional(Type.String()),
  period: Type.Optional(Type.String()),
  period_start: Type.Optional(Type.String()),
  period_end: Type.Optional(Type.String()),
  financial_year: Type.Optional(Type.String()),
  months: Type.Optional(Type.Integer()),
  spells: nullableNumber,
  suppressed: nullableString,
});

/** `/api/v1/activity`: monthly (or financial-year) spells by intervention and organisation. */
export function activityRoutes(app: FastifyInstance): void {
  tableRoute<Static<typeof ActivityQuery>>(
    app,
    "/api/v1/activity",
    {
      querystring: ActivityQuery,
      description:
        "Spells of an intervention by month for one organisation, every organisation of a level (default England) or an organisation's children; or financial-year totals",
      tags: ["activity"],
      response: envelope(ActivityItem),
    },
    (request, reply) => {
      const { release } = request;
      const { limit, offset, period, ...filter } = request.query;
      const coarse = period && period !== "month" && filter.breakdown !== "financial_year" ? period : null;
      const rows = coarse
        ? periodActivityRows(
            release,
            { ...filter, breakdown: filter.breakdown === "children" ? "children" : "month" },
            coarse,
          )
        : activityRows(release, filter);
      const columns = coarse
        ? [
            "intervention_id",
            "level",
            "org_code",
            "period",
            "period_start",
            "period_end",
            "months",
            "spells",
            "suppressed",
          ]
        : filter.breakdown === "financial_year"
          ? ["intervention_id", "level", "org_code", "financial_year", "months", "spells", "suppressed"]
          : columnNames("monthly");
      const download = requestedFormat(request) !== "json";
      return sendTable(request, reply, release, {
        name: filter.intervention ? "activity" : "activity-every-intervention",
        columns: download ? namedColumns(columns) : columns,
        rows: download ? withNames(release, rows as readonly object[]) : rows,
        paging: { limit, offset: offset ?? 0 },
      });
    },
  );
}

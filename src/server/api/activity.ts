import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { columnNames } from "../../release/tables.ts";
import { activityBreakdowns, activityRows } from "../queries/activity.ts";
import {
  envelope,
  InterventionId,
  Level,
  Month,
  nullableNumber,
  nullableString,
  OrgCode,
  Paging,
} from "../schemas.ts";
import { sendTable } from "../tableResponse.ts";
import { tableRoute } from "./tableRoute.ts";

const ActivityQuery = Type.Object({
  intervention: InterventionId,
  org: Type.Optional(OrgCode),
  level: Type.Optional(Level),
  from: Type.Optional(Month),
  to: Type.Optional(Month),
  breakdown: Type.Union(
    activityBreakdowns.map((b) => Type.Literal(b)),
    {
      default: "month",
      description: "month, financial_year totals, or the organisation's children by month",
    },
  ),
  ...Paging,
});

const ActivityItem = Type.Object({
  intervention_id: Type.String(),
  level: Type.String(),
  org_code: Type.String(),
  month: Type.Optional(Type.String()),
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
      const { limit, offset, ...filter } = request.query;
      const rows = activityRows(release, filter);
      return sendTable(request, reply, release, {
        name: "activity",
        columns:
          filter.breakdown === "financial_year"
            ? ["intervention_id", "level", "org_code", "financial_year", "months", "spells", "suppressed"]
            : columnNames("monthly"),
        rows,
        paging: { limit, offset },
      });
    },
  );
}

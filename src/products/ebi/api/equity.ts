import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { tableRoute } from "../../../server/api/tableRoute.ts";
import {
  envelope,
  Level,
  nullableNumber,
  nullableString,
  OrgCode,
  rowSchema,
} from "../../../server/schemas.ts";
import { sendTable } from "../../../server/tableResponse.ts";
import { equitySummary } from "../queries/equity.ts";
import { getIntervention } from "../queries/interventions.ts";
import { findOrganisation } from "../queries/organisations.ts";
import { columnNames, equityTable } from "../release/tables.ts";
import { Dimension, InterventionId, Period } from "./schemas.ts";

const EquityQuery = Type.Object({
  intervention: InterventionId,
  org: Type.Optional(OrgCode),
  level: Type.Optional(Level),
  period: Type.Optional(Period),
  dimension: Type.Optional(Dimension),
});

const Interval = nullableNumber;

/** `/api/v1/equity`: standardised rates by group with the deprivation gap, SII and RII. */
export function equityRoutes(app: FastifyInstance): void {
  tableRoute<Static<typeof EquityQuery>>(
    app,
    "/api/v1/equity",
    {
      querystring: EquityQuery,
      description:
        "Rates by IMD decile or quintile, ethnic group, age band or sex, with the deprivation gap, SII and RII",
      tags: ["equity"],
      response: envelope(rowSchema(equityTable), {
        gap: Type.Union([
          Type.Object({
            ratio: Interval,
            ratioLower: Interval,
            ratioUpper: Interval,
            difference: Interval,
            differenceLower: Interval,
            differenceUpper: Interval,
          }),
          Type.Null(),
        ]),
        sii: Type.Union([Type.Object({ sii: nullableNumber, rii: nullableNumber }), Type.Null()]),
        note: nullableString,
      }),
    },
    (request, reply) => {
      const { release } = request;
      const { intervention, org, level, period, dimension } = request.query;
      getIntervention(release, intervention);
      const o = findOrganisation(release, org ?? "ENG", level);
      const summary = equitySummary(
        release,
        intervention,
        o.level,
        o.org_code,
        period ?? "latest",
        dimension ?? "imd_quintile",
      );
      return sendTable(request, reply, release, {
        name: "equity",
        columns: columnNames("equity"),
        rows: summary.rows,
        body: { gap: summary.gap, sii: summary.sii, note: summary.note },
      });
    },
  );
}

import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { tableRoute } from "../../../server/api/tableRoute.ts";
import { envelope, Paging } from "../../../server/schemas.ts";
import { sendTable } from "../../../server/tableResponse.ts";
import { listInterventions } from "../queries/interventions.ts";
import { namedColumns, withNames } from "../queries/withNames.ts";
import { columnNames, type ReleaseTable, releaseTables } from "../release/tables.ts";
import { interventionColumns } from "./interventions.ts";

/** The tables a release publishes whole, and the interventions list. */
export const wholeTables = ["interventions", ...releaseTables] as const;
export type WholeTable = (typeof wholeTables)[number];

const TableQuery = Type.Object({ ...Paging });

/** Every row of one public table, with names beside codes. */
function rowsOf(release: Parameters<typeof withNames>[0], table: WholeTable): readonly object[] {
  if (table === "interventions") return listInterventions(release);
  if (table === "organisations") return release.organisations;
  if (table === "quarterly") return release.quarterly ?? [];
  return release[table as Exclude<ReleaseTable, "organisations" | "quarterly">];
}

/**
 * `/api/v1/tables/<table>`: each table of the release whole (CSV and Excel hold every row; JSON is
 * paged), with each code's name in the column beside it.
 */
export function tableRoutes(app: FastifyInstance): void {
  for (const table of wholeTables) {
    const columns = namedColumns(table === "interventions" ? interventionColumns : columnNames(table));
    tableRoute<Static<typeof TableQuery>>(
      app,
      `/api/v1/tables/${table}`,
      {
        querystring: TableQuery,
        description: `The release's ${table} table, every row, with names beside codes`,
        tags: ["downloads"],
        response: envelope(Type.Object({}, { additionalProperties: true })),
      },
      (request, reply) => {
        const { release } = request;
        const { limit, offset } = request.query;
        return sendTable(request, reply, release, {
          name: table,
          columns,
          rows: withNames(release, rowsOf(release, table)),
          paging: { limit, offset: offset ?? 0 },
        });
      },
    );
  }
}

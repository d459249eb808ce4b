import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn } from "../../../db/index.ts";
import type { ReleaseTileLayout } from "../../../release/tileLayout.ts";

/**
 * The loaded cartogram tiles of the release's commissioners, by ODS code (through the hierarchy's
 * ONS codes); null when no layout is loaded. Tiles of organisations the release lacks are left out.
 */
export async function releaseTileLayout(connection: DuckDBConnection): Promise<ReleaseTileLayout | null> {
  const rows = await allOn<{
    level: ReleaseTileLayout["tiles"][number]["level"];
    org_code: string;
    q: number;
    r: number;
    layout: string;
    vintage: string;
  }>(
    connection,
    `SELECT t.level, o.code AS org_code, t.q, t.r, t.layout, t.vintage
     FROM ref_tile_layout t JOIN ref_organisations o ON o.level = t.level AND o.ons_code = t.ons_code
     ORDER BY t.level, t.r DESC, t.q`,
    undefined,
    "read the cartogram layout",
  );
  const first = rows[0];
  if (!first) return null;
  return {
    layout: first.layout,
    vintage: first.vintage,
    tiles: rows.map(({ level, org_code, q, r }) => ({ level, org_code, q: Number(q), r: Number(r) })),
  };
}

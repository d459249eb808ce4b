import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn } from "../db/index.ts";
import { fileSha256 } from "../store/fileSha256.ts";
import { rowLayout } from "../tiles/hexJson.ts";

/**
 * Writes the demo country's own hex cartogram as HexJSON: its ICBs and, on a grid of their own,
 * its sub-ICB locations, each in code order so that an ICB's locations sit together. England's
 * layout is loaded the same way (`ebi reference tile_layout <file>`).
 */
export async function writeDemoTileLayout(
  connection: DuckDBConnection,
  outDir: string,
  relative: string,
): Promise<{ path: string; rows: number; bytes: number; sha256: string }> {
  const read = (sql: string) =>
    allOn<{ ons_code: string; name: string }>(connection, sql, undefined, "lay out the demo map");
  const icbs = await read("SELECT ons AS ons_code, name FROM demo_icbs ORDER BY icb_idx");
  const subIcbs = await read("SELECT ons AS ons_code, name FROM demo_sub_icbs ORDER BY sub_idx");
  const a = rowLayout(icbs);
  const b = rowLayout(subIcbs);
  const path = join(outDir, relative);
  writeFileSync(path, `${JSON.stringify({ layout: "odd-r", hexes: { ...a.hexes, ...b.hexes } }, null, 1)}\n`);
  return {
    path: relative,
    rows: icbs.length + subIcbs.length,
    bytes: statSync(path).size,
    sha256: await fileSha256(path),
  };
}

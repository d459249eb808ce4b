import { readFileSync } from "node:fs";
import type { Database } from "../db/index.ts";
import { runOn } from "../db/index.ts";
import type { Effects } from "../effects/index.ts";
import { InputError } from "../errors/index.ts";
import { fileSha256 } from "../store/fileSha256.ts";
import { requireFile } from "../store/requireFile.ts";
import { parseHexJson } from "../tiles/hexJson.ts";

/**
 * Loads a HexJSON cartogram layout (regions, ICBs and sub-ICB locations by ONS code) into
 * `ref_tile_layout`, replacing the tiles of the levels it holds in one transaction, and records its
 * vintage and hash. A bad file fails with the hex named and leaves the store as it was.
 */
export async function loadTileLayout(
  db: Database,
  input: { file: string; vintage?: string },
  effects: Effects,
): Promise<{ dataset: "tile_layout"; vintage: string; file: string; rows: number }> {
  requireFile(input.file, "tile_layout file");
  effects.progress.start("reference tile_layout");
  let text: string;
  try {
    text = readFileSync(input.file, "utf8");
  } catch (error) {
    throw new InputError("EBI_FILE_UNREADABLE", "cannot be read", { file: input.file }, { cause: error });
  }
  const layout = parseHexJson(text, input.file);
  const sha256 = await fileSha256(input.file).catch(() => "");
  const vintage = input.vintage ?? "hexjson";
  await db.transaction(async (connection) => {
    for (const level of new Set(layout.tiles.map((t) => t.level)))
      await runOn(connection, "DELETE FROM ref_tile_layout WHERE level = $level", { level });
    for (const t of layout.tiles)
      await runOn(
        connection,
        "INSERT INTO ref_tile_layout VALUES ($level, $ons, $q, $r, $layout, $vintage)",
        {
          level: t.level,
          ons: t.ons_code,
          q: t.q,
          r: t.r,
          layout: layout.layout,
          vintage,
        },
      );
    await runOn(connection, "DELETE FROM ref_vintages WHERE dataset = 'tile_layout' AND vintage = $vintage", {
      vintage,
    });
    await runOn(
      connection,
      "INSERT INTO ref_vintages VALUES ('tile_layout', $vintage, $file, $sha256, $rows, $at::TIMESTAMP)",
      { vintage, file: input.file, sha256, rows: layout.tiles.length, at: effects.clock.now().toISOString() },
    );
  }, "load reference tile_layout");
  effects.progress.finish(`${layout.tiles.length.toLocaleString("en-GB")} tiles, ${layout.layout}`);
  return { dataset: "tile_layout", vintage, file: input.file, rows: layout.tiles.length };
}

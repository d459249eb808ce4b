import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { quietEffects } from "../../src/effects/index.ts";
import { releaseTileLayout } from "../../src/products/ebi/figures/tileLayout.ts";
import { loadReferenceFile } from "../../src/reference/loadReferenceFile.ts";
import { openStore } from "../../src/store/index.ts";

const fixture = (name: string) => join(import.meta.dirname, "../fixtures/reference", name);

describe("loading a hex cartogram layout", () => {
  it("loads HexJSON by ONS code and gives the release its tiles by ODS code", async () => {
    const db = await openStore(":memory:");
    await loadReferenceFile(
      db,
      { dataset: "hierarchy", file: fixture("sicbl_icb_nhser.csv") },
      quietEffects(),
    );
    const load = await loadReferenceFile(
      db,
      { dataset: "tile_layout", file: fixture("icb_hex.hexjson"), vintage: "test" },
      quietEffects(),
    );
    expect(load).toMatchObject({ dataset: "tile_layout", vintage: "test", rows: 5 });
    const layout = await db.withConnection((c) => releaseTileLayout(c));
    expect(layout?.layout).toBe("odd-r");
    expect(layout?.tiles.filter((t) => t.level === "icb")).toEqual([
      { level: "icb", org_code: "QX1", q: 0, r: 0 },
      { level: "icb", org_code: "QX2", q: 1, r: 0 },
    ]);
    expect(layout?.tiles.filter((t) => t.level === "sub_icb").map((t) => t.org_code)).toEqual([
      "01A",
      "02B",
      "03C",
    ]);
    const [vintage] = await db.all<{ dataset: string; rows: number }>(
      "SELECT dataset, rows FROM ref_vintages WHERE dataset = 'tile_layout'",
    );
    expect(Number(vintage?.rows)).toBe(5);
  });

  it("refuses two hexes on one cell, names them, and leaves the loaded layout as it was", async () => {
    const db = await openStore(":memory:");
    await loadReferenceFile(db, { dataset: "tile_layout", file: fixture("icb_hex.hexjson") }, quietEffects());
    await expect(
      loadReferenceFile(
        db,
        { dataset: "tile_layout", file: fixture("icb_hex_clash.hexjson") },
        quietEffects(),
      ),
    ).rejects.toThrow(
      /icb_hex_clash\.hexjson, field `hexes\.E54000002`.*two hexes on one cell \(E54000001 is there\)/,
    );
    const [count] = await db.all<{ n: number }>("SELECT count(*)::INTEGER AS n FROM ref_tile_layout");
    expect(count?.n).toBe(5);
  });
});

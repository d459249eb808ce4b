import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { OrgLevel } from "./tables.ts";

/** tile-layout.json: where each commissioner sits on the hex cartogram (reference data, no counts). */
export interface ReleaseTileLayout {
  /** HexJSON's offset layout, e.g. "odd-r". */
  layout: string;
  /** The vintage the layout was loaded as. */
  vintage: string;
  tiles: { level: OrgLevel; org_code: string; q: number; r: number }[];
}

export const tileLayoutFile = "tile-layout.json";

/** The cartogram layout of a release; null for a release built without one. */
export function readTileLayout(releaseDir: string): ReleaseTileLayout | null {
  const path = join(releaseDir, tileLayoutFile);
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, "utf8")) as ReleaseTileLayout;
}

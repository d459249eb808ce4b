import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Database, quoteLiteral } from "../db/index.ts";
import { EbiError } from "../errors/index.ts";
import { type ReleaseManifest, type ReleaseTableSet, tableNames } from "./tables.ts";

/**
 * Reads one side (`registered` or `public`) of a release folder of `set` whole, its rows typed `T`, for the operator's audit
 * and the benchmark (the server reads the public side through `readRelease` instead).
 */
export async function readReleaseSide<T>(
  dir: string,
  side: "registered" | "public",
  set: ReleaseTableSet,
): Promise<{ manifest: ReleaseManifest; tables: T }> {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as ReleaseManifest;
  const file = (name: string) => {
    const path = join(dir, side, `${name}.parquet`);
    if (!existsSync(path))
      throw new EbiError("EBI_RELEASE_INCOMPLETE", `${path} is missing.`, { file: path });
    return `read_parquet(${quoteLiteral(path)})`;
  };
  const db = await Database.open(":memory:");
  try {
    const tables: Record<string, unknown[]> = {};
    for (const name of tableNames(set))
      tables[name] =
        set.later.includes(name) && !manifest.tables[name] ? [] : await db.all(`SELECT * FROM ${file(name)}`);
    return { manifest, tables: tables as unknown as T };
  } finally {
    db.close();
  }
}

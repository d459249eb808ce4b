import { existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { Database, type DatabaseOptions } from "../db/index.ts";
import type { Clock } from "../effects/index.ts";
import { onInterrupt } from "./scratch.ts";
import { migrateStore } from "./storeMigrations.ts";

/** DuckDB's memory limit for the store unless `EBI_MEMORY_LIMIT` says otherwise; beyond it DuckDB spills to disk. */
export const defaultMemoryLimit = "4GB";

/**
 * Opens the store at `path`, bringing its tables up to the last migration (`storeMigrations.ts`). A file store gets a memory limit and a
 * spill folder beside it, so loading or building a national year does not grow with the input.
 */
export async function openStore(
  path: string,
  options: DatabaseOptions & { clock?: Clock } = {},
): Promise<Database> {
  const { clock, ...databaseOptions } = options;
  const onDisk = path !== ":memory:";
  const database = await Database.open(path, {
    ...(onDisk
      ? {
          memoryLimit: process.env.EBI_MEMORY_LIMIT ?? defaultMemoryLimit,
          tempDirectory: join(dirname(path), ".spill"),
        }
      : {}),
    ...databaseOptions,
  });
  if (!databaseOptions.readOnly) {
    // Holding the store for writing, no other process uses its spill folder: whatever is there was
    // left by a load or build that was killed, and may hold patient-level rows.
    if (onDisk) {
      const spill = join(dirname(path), ".spill");
      clearSpill(spill);
      // Interrupted, DuckDB never closes and leaves its spilled rows: empty the folder on the way out.
      const release = onInterrupt(() => clearSpill(spill));
      const close = database.close.bind(database);
      database.close = () => {
        close();
        release();
      };
    }
    await migrateStore(database, clock?.now() ?? new Date());
  }
  return database;
}

/** Empties a store's spill folder (DuckDB's temporary files and the CSV copies a load makes), keeping the folder. */
export function clearSpill(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
}

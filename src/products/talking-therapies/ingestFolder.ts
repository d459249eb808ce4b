import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "../../db/index.ts";
import { allOn, runOn } from "../../db/index.ts";
import type { Effects } from "../../effects/index.ts";
import { quarantineTable, type StagedTable, stageTables } from "./stageTables.ts";

export interface IngestSummary {
  loadId: string;
  tables: StagedTable[];
  /** Quarantined rows by reason. */
  reasons: { table_name: string; reason: string; rows: number }[];
  report: string;
}

/**
 * Loads a folder of IAPT tables into the store's own talking-therapies tables (`tt_<table>`,
 * `tt_quarantine`, and a row in `tt_loads`). A folder is a whole extract: it replaces the previous
 * load, in one transaction, so a failed load leaves the stored tables as they were.
 */
export async function ingestFolder(
  db: Database,
  options: { dir: string; reportsDir: string },
  effects: Effects,
): Promise<IngestSummary> {
  const loadId = `tt-${effects.clock.now().toISOString().replace(/[:.]/g, "")}`;
  effects.progress.start("load IAPT tables");
  const result = await db.transaction(async (connection) => {
    await runOn(
      connection,
      `CREATE TABLE IF NOT EXISTS tt_loads (load_id VARCHAR PRIMARY KEY, folder VARCHAR, loaded_at TIMESTAMP,
         tables VARCHAR, rows_read BIGINT, rows_accepted BIGINT, rows_quarantined BIGINT)`,
    );
    const tables = await stageTables(connection, options.dir);
    const sum = (key: "rows" | "accepted" | "quarantined") => tables.reduce((n, t) => n + t[key], 0);
    await runOn(
      connection,
      `INSERT INTO tt_loads VALUES ($id, $folder, $at::TIMESTAMP, $tables, $read, $accepted, $quarantined)`,
      {
        id: loadId,
        folder: options.dir,
        at: effects.clock.now().toISOString(),
        tables: tables.map((t) => t.table).join(","),
        read: sum("rows"),
        accepted: sum("accepted"),
        quarantined: sum("quarantined"),
      },
      "record the load",
    );
    const reasons = await allOn<{ table_name: string; reason: string; rows: number }>(
      connection,
      `SELECT table_name, reason, count(DISTINCT source_row) AS rows FROM ${quarantineTable} GROUP BY ALL ORDER BY ALL`,
    );
    return { tables, reasons };
  }, "load IAPT tables");
  effects.progress.finish(result.tables.map((t) => `${t.table} ${t.accepted}/${t.rows}`).join(", "));
  mkdirSync(options.reportsDir, { recursive: true });
  const report = join(options.reportsDir, `${loadId}.json`);
  writeFileSync(
    `${report}.partial`,
    `${JSON.stringify({ loadId, folder: options.dir, ...result }, null, 2)}\n`,
  );
  renameSync(`${report}.partial`, report);
  return { loadId, ...result, report };
}

import { createHash } from "node:crypto";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Database } from "../db/index.ts";
import { allOn, runOn } from "../db/index.ts";
import type { Effects } from "../effects/index.ts";
import { fileSha256 } from "../store/index.ts";
import type { ActivityKind } from "./fields.ts";
import { layoutFor } from "./inputLayouts.ts";
import { type QualityReport, qualityReport } from "./qualityReport.ts";
import { stageActivityFile } from "./stageActivityFile.ts";
import { quarantineReasons, sqlWords } from "./stagingSql.ts";

export interface LoadSummary {
  load_id: string;
  kind: ActivityKind;
  file: string;
  /** True when this exact file was loaded before: nothing was added. */
  skipped: boolean;
  /** Earlier loads of the same file (path and kind) whose rows this load replaced. */
  replaced?: string[];
  rows_read: number;
  rows_accepted: number;
  rows_quarantined: number;
  rows_warned: number;
  report?: string;
  quality?: QualityReport;
}

export interface IngestOptions {
  kind: ActivityKind;
  files: string[];
  reportsDir: string;
  /** Test hook: called inside the load's transaction after rows are written, before commit. */
  beforeCommit?: () => Promise<void> | void;
}

/**
 * Loads HES extracts into the store, one transaction per file: accepted rows to the episode table,
 * unusable rows to the quarantine with reasons, fixable ones kept with warnings, and a data-quality
 * report. Each file is its own load, so a new month or year is added without touching the others.
 * Loading the same file again adds nothing; a changed file at the same path replaces that file's
 * earlier rows only; a failure part-way leaves the store as it was.
 */
export async function ingestActivity(
  db: Database,
  options: IngestOptions,
  effects: Effects,
): Promise<LoadSummary[]> {
  const summaries: LoadSummary[] = [];
  for (const file of options.files) summaries.push(await ingestFile(db, file, options, effects));
  return summaries;
}

async function ingestFile(
  db: Database,
  file: string,
  options: IngestOptions,
  effects: Effects,
): Promise<LoadSummary> {
  const { kind } = options;
  effects.progress.start(`ingest ${kind} ${basename(file)}: hashing`);
  const sha256 = await fileSha256(file).catch(() => "");
  const loadId = createHash("sha256").update(`${kind}:${sha256}`).digest("hex").slice(0, 16);
  const [previous] = await db.all<LoadSummary>("SELECT * FROM loads WHERE load_id = $id", { id: loadId });
  if (previous && sha256) {
    effects.progress.finish("already loaded: nothing added");
    return { ...previous, kind, skipped: true };
  }
  effects.progress.finish();
  const layout = layoutFor(kind);
  const summary = await db.transaction(async (connection) => {
    // A file loaded before from the same path with other contents replaces its own rows, and only
    // those: the earlier load's episodes, quarantine, warnings and record go in this transaction,
    // before its keys are checked for duplicates, so a failure below restores them.
    const replaced = await allOn<{ load_id: string }>(
      connection,
      "SELECT load_id FROM loads WHERE file = $file AND kind = $kind",
      { file, kind },
    );
    for (const { load_id } of replaced)
      for (const table of [layout.table, "quarantine", "load_warnings", "loads"])
        await runOn(
          connection,
          `DELETE FROM ${table} WHERE load_id = $id`,
          { id: load_id },
          "replace the earlier load",
        );
    effects.progress.start(`ingest ${kind} ${basename(file)}: read, check and store`);
    const staged = await stageActivityFile(connection, {
      kind,
      file,
      table: "staged",
      clock: effects.clock,
      loadId,
    });
    effects.progress.finish(`${staged.rows.toLocaleString("en-GB")} rows (${staged.format})`);
    effects.progress.start(`ingest ${kind} ${basename(file)}: quarantine, warnings and report`);
    const params = { load_id: loadId, kind, file };
    await runOn(
      connection,
      `INSERT INTO quarantine
       SELECT $load_id, $kind, $file, source_row, p.field, p.value, p.reason, NULL
       FROM (SELECT source_row, unnest(problems) AS p FROM staged_problems WHERE quarantined)
       WHERE p.reason IN (${sqlWords(quarantineReasons)})`,
      params,
      "write quarantine",
    );
    await runOn(
      connection,
      `INSERT INTO quarantine
       SELECT $load_id, $kind, $file, source_row, field, value, reason, detail FROM staged_rejected_rows`,
      params,
      "write quarantine of unreadable rows",
    );
    await runOn(
      connection,
      `INSERT INTO load_warnings
       SELECT $load_id, $kind, $file, source_row, p.field, p.value, p.reason
       FROM (SELECT source_row, unnest(problems) AS p FROM staged_problems WHERE NOT quarantined)`,
      params,
      "write warnings",
    );
    // The staged count is already the load's rows in the store plus its quarantined ones.
    const [counts] = await allOn<{ quarantined: number; warned: number }>(
      connection,
      `SELECT count(*) FILTER (WHERE quarantined) AS quarantined, count(*) FILTER (WHERE NOT quarantined) AS warned
       FROM staged_problems`,
    );
    const read = staged.rows;
    const result: LoadSummary = {
      load_id: loadId,
      kind,
      file,
      skipped: false,
      ...(replaced.length > 0 ? { replaced: replaced.map((r) => r.load_id) } : {}),
      rows_read: read,
      rows_accepted: read - (counts?.quarantined ?? 0),
      rows_quarantined: counts?.quarantined ?? 0,
      rows_warned: counts?.warned ?? 0,
    };
    await runOn(
      connection,
      `INSERT INTO loads VALUES ($load_id, $kind, $file, $bytes, $sha256, $at::TIMESTAMP, $read, $accepted, $quarantined, $warned)`,
      {
        load_id: loadId,
        kind,
        file,
        bytes: statSync(file).size,
        sha256,
        at: effects.clock.now().toISOString(),
        read,
        accepted: result.rows_accepted,
        quarantined: result.rows_quarantined,
        warned: result.rows_warned,
      },
      "record the load",
    );
    result.quality = await qualityReport(connection, { kind, file, loadId, staged });
    await options.beforeCommit?.();
    effects.progress.finish(
      `${result.rows_accepted.toLocaleString("en-GB")} accepted + ${result.rows_quarantined.toLocaleString("en-GB")} quarantined = ${read.toLocaleString("en-GB")} read`,
    );
    await runOn(connection, "DROP VIEW IF EXISTS staged");
    await runOn(connection, "DROP VIEW IF EXISTS staged_raw");
    for (const t of ["duplicates", "codes", "codes_rows", "candidates", "problems"])
      await runOn(connection, `DROP TABLE IF EXISTS staged_${t}`);
    for (const t of ["rejects", "reject_scans", "rejected_rows", "row_shift"])
      await runOn(connection, `DROP TABLE IF EXISTS staged_${t}`);
    return result;
  }, `ingest ${file}`);
  mkdirSync(options.reportsDir, { recursive: true });
  summary.report = join(options.reportsDir, `${loadId}.json`);
  writeFileSync(summary.report, `${JSON.stringify({ ...summary, quality: summary.quality }, null, 2)}\n`);
  return summary;
}

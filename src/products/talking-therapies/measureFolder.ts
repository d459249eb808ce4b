import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { Database } from "../../db/index.ts";
import type { Effects } from "../../effects/index.ts";
import { EbiError } from "../../errors/index.ts";
import { runStages } from "../../pipeline/runStages.ts";
import { fileSha256 } from "../../store/index.ts";
import type { ImdSource } from "./deprivation.ts";
import { withInsertionOrder } from "./insertionOrder.ts";
import { type MeasureState, measureStagesFor } from "./measureStages.ts";
import type { StagedTable } from "./stageTables.ts";
import { defaultThresholds, type ThresholdSet } from "./thresholds.ts";

/** The method version written into every output's provenance. */
export const methodVersion = "tt-measures 1.0";

/**
 * DuckDB's memory limit for reading and measuring talking-therapies tables unless
 * `EBI_MEMORY_LIMIT` says otherwise. The process's own peak runs about 0.5–1 GB above DuckDB's
 * limit, so at this limit a national year (1.9 million referrals) stays under 4 GB; without one,
 * DuckDB takes up to 80% of the machine and such a year peaked at 8 GB.
 */
export const measuresMemoryLimit = "2.5GB";

/** The memory limit a talking-therapies command gives DuckDB: `EBI_MEMORY_LIMIT`, else `measuresMemoryLimit`. */
export function ttMemoryLimit(): string {
  return process.env.EBI_MEMORY_LIMIT ?? measuresMemoryLimit;
}

export interface MeasureOptions {
  /** Folder of IAPT tables; omit to measure the tables already on the connection (the store). */
  input?: string;
  /** First and last day of the period, YYYY-MM-DD, inclusive. */
  from: string;
  to: string;
  output: string;
  thresholds?: ThresholdSet;
  memoryLimit?: string;
  /** IMD File 7 CSV giving each LSOA's decile; else the store's reference IMD, else the extract's. */
  imd?: string;
}

export interface MeasureSummary {
  output: string;
  quarantine: string;
  breakdowns: string;
  review: string;
  provenance: string;
  tables: StagedTable[];
  quarantinedRows: number;
  pathways: number;
  imd: ImdSource;
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** Checks a period bound given on the command line. */
export function parsePeriodDate(flag: string, value: string): string {
  const date = new Date(`${value}T00:00:00Z`);
  if (!isoDate.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
    throw new EbiError("EBI_USAGE", `${flag} must be a date YYYY-MM-DD, not ${JSON.stringify(value)}.`, {
      flag,
      value,
    });
  return value;
}

/** `measures.csv` → `measures.<suffix>`, beside it. */
export function siblingPath(output: string, suffix: string): string {
  return output.replace(/(\.csv)?$/i, `.${suffix}`);
}

/** Stages, flags and measures a folder on an open connection (shared by the CLI and the store build). */
export async function measureOnConnection(
  connection: DuckDBConnection,
  options: MeasureOptions,
  effects: Effects,
): Promise<Omit<MeasureSummary, "provenance">> {
  const from = parsePeriodDate("--from", options.from);
  const to = parsePeriodDate("--to", options.to);
  if (from > to) throw new EbiError("EBI_USAGE", `--from ${from} is after --to ${to}.`, { from, to });
  const paths = {
    measures: options.output,
    breakdowns: siblingPath(options.output, "breakdowns.csv"),
    review: siblingPath(options.output, "review.csv"),
    quarantine: siblingPath(options.output, "quarantine.csv"),
  };
  const state: MeasureState = {
    connection,
    input: options.input,
    from,
    to,
    thresholds: options.thresholds ?? defaultThresholds,
    imdFile: options.imd,
    paths,
  };
  // No engine table's row order means anything (rows carry their file row numbers, outputs are
  // sorted), so tables are built without keeping insertion order, except where a stage asks.
  await withInsertionOrder(connection, false, () =>
    runStages(measureStagesFor(options.input !== undefined), state, effects),
  );
  return {
    output: paths.measures,
    quarantine: paths.quarantine,
    breakdowns: paths.breakdowns,
    review: paths.review,
    tables: state.tables ?? [],
    quarantinedRows: state.counts?.quarantinedRows ?? 0,
    pathways: state.counts?.pathways ?? 0,
    imd: state.imd as ImdSource,
  };
}

/**
 * `ebi talking-therapies measures`: a folder of IAPT v2.1 tables in, NHS England's annual
 * measures out in the national long format, without loading anything into the store. Beside the
 * output: the quarantine (file, row, field, value, reason), the breakdowns, the review measures
 * and a provenance file naming inputs (with hashes), thresholds version and method.
 */
export async function measureFolder(options: MeasureOptions, effects: Effects): Promise<MeasureSummary> {
  // In memory (a file costs more than it saves below national scale), spilling to a scratch
  // folder of its own when a national year's tables outgrow the memory limit.
  const scratch = mkdtempSync(join(tmpdir(), "ebi-tt-measures-"));
  const db = await Database.open(":memory:", {
    memoryLimit: options.memoryLimit ?? ttMemoryLimit(),
    tempDirectory: scratch,
  });
  try {
    const summary = await db.withConnection((connection) =>
      measureOnConnection(connection, options, effects),
    );
    const set = options.thresholds ?? defaultThresholds;
    const provenance = siblingPath(options.output, "provenance.json");
    const inputs = await Promise.all(
      summary.tables.map(async (t) => ({
        table: t.table,
        file: t.file,
        format: t.format,
        bytes: statSync(t.file).size,
        sha256: await fileSha256(t.file),
        rows: t.rows,
        accepted: t.accepted,
        quarantined: t.quarantined,
        superseded: t.superseded,
        columns: t.columns,
      })),
    );
    writeFileSync(
      provenance,
      `${JSON.stringify(
        {
          method: methodVersion,
          period: { from: options.from, to: options.to },
          thresholds: { id: set.id, version: set.version, source: set.source },
          imd: summary.imd.file
            ? { ...summary.imd, sha256: await fileSha256(summary.imd.file) }
            : summary.imd,
          createdAt: effects.clock.now().toISOString(),
          inputs,
        },
        null,
        2,
      )}\n`,
    );
    return { ...summary, provenance };
  } finally {
    db.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

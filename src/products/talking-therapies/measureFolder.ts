import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, Database, quoteLiteral, runOn } from "../../db/index.ts";
import type { Effects } from "../../effects/index.ts";
import { EbiError } from "../../errors/index.ts";
import { fileSha256 } from "../../store/index.ts";
import { annualMeasures, orgLevels } from "./annualMeasures.ts";
import { breakdowns } from "./breakdowns.ts";
import { type ImdSource, prepareImd } from "./deprivation.ts";
import { longFormatSql } from "./longFormatSql.ts";
import { buildPathways, buildPeriod } from "./pathwayFlags.ts";
import {
  appointmentTypeBreakdown,
  buildReview,
  contactReviewMeasures,
  groupBreakdown,
  modeBreakdown,
  pathwayReviewMeasures,
  qualificationBreakdown,
  qualificationMeasures,
  stepBreakdown,
} from "./reviewMeasures.ts";
import { quarantineTable, type StagedTable, stageTables } from "./stageTables.ts";
import { defaultThresholds, type ThresholdSet } from "./thresholds.ts";

/** The method version written into every output's provenance. */
export const methodVersion = "tt-measures 1.0";

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

/** Writes the result of `sql` to `path` as CSV, through a partial file renamed into place. */
async function copyCsv(connection: DuckDBConnection, sql: string, path: string, step: string): Promise<void> {
  const partial = `${path}.partial`;
  mkdirSync(dirname(path), { recursive: true });
  try {
    await runOn(
      connection,
      `COPY (${sql}) TO ${quoteLiteral(partial)} (HEADER, DELIMITER ',')`,
      undefined,
      step,
    );
    renameSync(partial, path);
  } finally {
    rmSync(partial, { force: true });
  }
}

const annualColumns = "org_type, org_code, measure_name, measure_statistic, value, measure_id";
const longColumns =
  "org_type, org_code, variable_type, variable_a, measure_name, measure_statistic, value, measure_id";

/** Stages, flags and measures a folder on an open connection (shared by the CLI and the store build). */
export async function measureOnConnection(
  connection: DuckDBConnection,
  options: MeasureOptions,
  effects: Effects,
): Promise<Omit<MeasureSummary, "provenance">> {
  const from = parsePeriodDate("--from", options.from);
  const to = parsePeriodDate("--to", options.to);
  if (from > to) throw new EbiError("EBI_USAGE", `--from ${from} is after --to ${to}.`, { from, to });
  const set = options.thresholds ?? defaultThresholds;
  let tables: StagedTable[] = [];
  if (options.input !== undefined) {
    effects.progress.start("read IAPT tables");
    tables = await stageTables(connection, options.input);
    effects.progress.finish(tables.map((t) => `${t.table} ${t.accepted}/${t.rows}`).join(", "));
  }
  effects.progress.start("derive flags");
  const imd = await prepareImd(connection, options.imd);
  await buildPathways(connection, set);
  await buildPeriod(connection, from, to);
  effects.progress.finish();
  effects.progress.start("write measures");
  const levels = orgLevels(to);
  await copyCsv(
    connection,
    `SELECT ${annualColumns} FROM (${longFormatSql("tt_period", annualMeasures, levels)})`,
    options.output,
    "write annual measures",
  );
  const breakdownsPath = siblingPath(options.output, "breakdowns.csv");
  await copyCsv(
    connection,
    `SELECT ${longColumns} FROM (${longFormatSql("tt_period", annualMeasures, levels, breakdowns)})`,
    breakdownsPath,
    "write breakdowns",
  );
  await buildReview(connection);
  const reviewPath = siblingPath(options.output, "review.csv");
  const total = { variableType: "Total", value: "'Total'" };
  const review = [
    longFormatSql("tt_review", pathwayReviewMeasures, levels, [total, stepBreakdown]),
    longFormatSql(
      "tt_review_contacts",
      contactReviewMeasures,
      levels,
      [total, appointmentTypeBreakdown, modeBreakdown, groupBreakdown],
      "in_period",
    ),
    longFormatSql(
      "tt_review_contact_quals",
      qualificationMeasures,
      levels,
      [qualificationBreakdown],
      "in_period",
    ),
  ];
  await copyCsv(
    connection,
    review.map((sql) => `SELECT ${longColumns} FROM (${sql})`).join(" UNION ALL "),
    reviewPath,
    "write review measures",
  );
  const quarantinePath = siblingPath(options.output, "quarantine.csv");
  await copyCsv(
    connection,
    `SELECT table_name AS "table", file, source_row AS "row", field, value, reason FROM ${quarantineTable} ORDER BY table_name, source_row, field`,
    quarantinePath,
    "write quarantine",
  );
  const [counts] = await allOn<{ q: number; p: number }>(
    connection,
    `SELECT (SELECT count(DISTINCT (table_name, source_row)) FROM ${quarantineTable}) AS q, (SELECT count(*) FROM tt_pathway) AS p`,
  );
  effects.progress.finish();
  return {
    output: options.output,
    quarantine: quarantinePath,
    breakdowns: breakdownsPath,
    review: reviewPath,
    tables,
    quarantinedRows: counts?.q ?? 0,
    pathways: counts?.p ?? 0,
    imd,
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
    memoryLimit: options.memoryLimit ?? process.env.EBI_MEMORY_LIMIT,
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

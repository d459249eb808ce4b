import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, Database } from "../../db/index.ts";
import type { Effects } from "../../effects/index.ts";
import { annualMeasures } from "./annualMeasures.ts";
import { longFormatSql } from "./longFormatSql.ts";
import { measureOnConnection, ttMemoryLimit } from "./measureFolder.ts";
import { readPublished } from "./publishedMeasures.ts";
import { extractDiagnostics, type ReconciledFigure, reconciledCsv, reconcileFigures } from "./reconcile.ts";
import type { ThresholdSet } from "./thresholds.ts";

export interface ReconcileOptions {
  /** Folder of IAPT tables; omitted when `connection` already holds the store's tables. */
  input?: string;
  from: string;
  to: string;
  provider: string;
  /** The national annual measures: Parquet (shared data) or NHS England's CSV. */
  published: string;
  output?: string;
  thresholds?: ThresholdSet;
}

/** Measures the extract and sets one provider's figures beside the published ones, on an open connection. */
export async function reconcileOnConnection(
  connection: DuckDBConnection,
  options: ReconcileOptions,
  effects: Effects,
): Promise<ReconciledFigure[]> {
  const scratch = mkdtempSync(join(tmpdir(), "tt-reconcile-"));
  try {
    await measureOnConnection(
      connection,
      {
        input: options.input,
        from: options.from,
        to: options.to,
        output: join(scratch, "local.csv"),
        thresholds: options.thresholds,
      },
      effects,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const local = await allOn<{ measure_name: string; measure_statistic: string; value: string | null }>(
    connection,
    `SELECT measure_name, measure_statistic, value FROM (${longFormatSql("tt_period", annualMeasures, [
      { column: "provider", orgType: "Provider" },
    ])}) WHERE org_code = $provider`,
    { provider: options.provider },
    "local figures",
  );
  const published = await readPublished(connection, {
    file: options.published,
    orgCode: options.provider,
    from: options.from,
    to: options.to,
  });
  const diagnostics = await extractDiagnostics(connection, options.provider);
  const figures = annualMeasures.map((m) => {
    const row = local.find((l) => l.measure_name === m.name && l.measure_statistic === m.statistic);
    return {
      measure_name: m.name,
      measure_statistic: m.statistic,
      value: row?.value === null || row?.value === undefined ? null : Number(row.value),
    };
  });
  return reconcileFigures(figures, published, diagnostics);
}

/** `ebi talking-therapies reconcile`: a folder measured and reconciled; writes the side-by-side CSV when asked. */
export async function reconcileFolder(
  options: ReconcileOptions,
  effects: Effects,
): Promise<ReconciledFigure[]> {
  const db = await Database.open(":memory:", { memoryLimit: ttMemoryLimit() });
  try {
    const rows = await db.withConnection((connection) => reconcileOnConnection(connection, options, effects));
    if (options.output) {
      writeFileSync(
        `${options.output}.partial`,
        reconciledCsv(options.provider, options.from, options.to, rows),
      );
      renameSync(`${options.output}.partial`, options.output);
    }
    return rows;
  } finally {
    db.close();
  }
}

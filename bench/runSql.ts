/**
 * Child-process entry for the bench: runs one query in a fresh in-memory DuckDB and prints its row
 * time as `{"seconds": …}`, so the query's time and memory are measured on their own.
 * Usage: node --import tsx bench/runSql.ts reference|scan <parquet glob> [threads] [memoryLimit]
 *        node --import tsx bench/runSql.ts reference-store <store.duckdb>
 *        node --import tsx bench/runSql.ts scan-kept-apc|scan-kept-op|csv-read-apc <file or glob>
 */
import { Database } from "../src/db/index.ts";
import { bareScanSql, keptScanSql, referenceQuerySql, referenceStoreSql } from "./referenceQuery.ts";

const [kind, path, threads, memoryLimit] = process.argv.slice(2);
const kept = ["scan-kept-apc", "scan-kept-op", "csv-read-apc"];
if (!path || !kind || !["reference", "scan", "reference-store", ...kept].includes(kind))
  throw new Error(
    `usage: runSql.ts reference|scan|${kept.join("|")} <glob>, or reference-store <store.duckdb>`,
  );
const db = await Database.open(kind === "reference-store" ? path : ":memory:", {
  readOnly: kind === "reference-store",
  threads: threads ? Number(threads) : undefined,
  memoryLimit: memoryLimit ?? undefined,
});
const sql = kept.includes(kind)
  ? await keptScanSql(
      db,
      kind === "scan-kept-op" ? "op" : "apc",
      path,
      kind.startsWith("csv") ? "csv" : "parquet",
    )
  : kind === "reference-store"
    ? referenceStoreSql
    : kind === "reference"
      ? referenceQuerySql(path)
      : bareScanSql(path);
const started = performance.now();
const rows = await db.all(sql, undefined, `bench ${kind}`);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ rows: rows.length, seconds })}\n`);
db.close();

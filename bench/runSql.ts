/**
 * Child-process entry for the bench: runs one query in a fresh in-memory DuckDB and prints its row
 * time as `{"seconds": …}`, so the query's time and memory are measured on their own.
 * Usage: node --import tsx bench/runSql.ts reference|scan <parquet glob> [threads] [memoryLimit]
 *        node --import tsx bench/runSql.ts reference-store <store.duckdb>
 */
import { Database } from "../src/db/index.ts";
import { bareScanSql, referenceQuerySql, referenceStoreSql } from "./referenceQuery.ts";

const [kind, path, threads, memoryLimit] = process.argv.slice(2);
if (!path || (kind !== "reference" && kind !== "scan" && kind !== "reference-store"))
  throw new Error("usage: runSql.ts reference|scan <glob>, or reference-store <store.duckdb>");
const db = await Database.open(kind === "reference-store" ? path : ":memory:", {
  readOnly: kind === "reference-store",
  threads: threads ? Number(threads) : undefined,
  memoryLimit: memoryLimit ?? undefined,
});
const sql =
  kind === "reference-store"
    ? referenceStoreSql
    : kind === "reference"
      ? referenceQuerySql(path)
      : bareScanSql(path);
const started = performance.now();
const rows = await db.all(sql, undefined, `bench ${kind}`);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ rows: rows.length, seconds })}\n`);
db.close();

/**
 * Child-process entry for the bench: runs one query in a fresh in-memory DuckDB and prints its row
 * time as `{"seconds": …}`, so the query's time and memory are measured on their own.
 * Usage: node --import tsx bench/runSql.ts reference|scan <parquet glob> [threads] [memoryLimit]
 */
import { Database } from "../src/db/index.ts";
import { bareScanSql, referenceQuerySql } from "./referenceQuery.ts";

const [kind, glob, threads, memoryLimit] = process.argv.slice(2);
if (!glob || (kind !== "reference" && kind !== "scan"))
  throw new Error("usage: runSql.ts reference|scan <glob>");
const db = await Database.open(":memory:", {
  threads: threads ? Number(threads) : undefined,
  memoryLimit: memoryLimit ?? undefined,
});
const sql = kind === "reference" ? referenceQuerySql(glob) : bareScanSql(glob);
const started = performance.now();
const rows = await db.all(sql, undefined, `bench ${kind}`);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ rows: rows.length, seconds })}\n`);
db.close();

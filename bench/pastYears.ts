/**
 * Child-process entry for the bench: makes earlier admitted years from one generated year, for
 * the eight-year national benchmark at full volume. Generating eight national years with the demo
 * generator would take most of an hour of this machine; a year copied back k years, its dates moved
 * by k years and its episode and spell keys made its own, has the same volume and shape as the year
 * it came from, which is what the ingest and build figures depend on. Patients (`hesid`) are kept,
 * so the same people come back year after year, as in HES.
 * Writes `<out dir>/apc-<k>-years-back.parquet` per earlier year and prints
 * `{"seconds": …, "rows": …, "files": [...]}`.
 * Usage: node --import tsx bench/pastYears.ts <admitted year .parquet> <out dir> <years in all>
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Database, quoteLiteral } from "../src/db/index.ts";

const [source, dir, yearsArg] = process.argv.slice(2);
const years = Number(yearsArg);
if (!source || !dir || !Number.isInteger(years) || years < 2 || years > 10)
  throw new Error("usage: pastYears.ts <admitted year .parquet> <out dir> <years in all, 2-10>");
mkdirSync(dir, { recursive: true });

const dates = ["admidate", "epistart", "epiend", "disdate"];
const db = await Database.open(":memory:", { memoryLimit: process.env.EBI_MEMORY_LIMIT ?? "4GB" });
const from = `read_parquet(${quoteLiteral(source)})`;
const started = performance.now();
const files: string[] = [];
let rows = 0;
await db.withConnection(async (c) => {
  // The demo's keys are zero-padded numbers well short of their width: the padding is where a
  // copy's own year digit goes, so keys stay the width HES gives them.
  const [check] = (
    await c.runAndReadAll(
      `SELECT count(*) FILTER (WHERE epikey NOT LIKE '000%' OR susspellid NOT LIKE 'S00%') AS bad,
              count(*) AS n FROM ${from}`,
    )
  ).getRowObjectsJson() as { bad: string; n: string }[];
  if (!check || Number(check.bad) > 0)
    throw new Error(`${source}: keys are not the demo's zero-padded ones; cannot make them distinct`);
  const columns = (await c.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`))
    .getRowObjectsJson()
    .map((r) => String(r.column_name));
  for (let k = 1; k < years; k++) {
    const moved = columns.map((col) => {
      if (col === "epikey") return `'00' || ${k} || substr(epikey, 4) AS epikey`;
      if (col === "susspellid") return `'S0' || ${k} || substr(susspellid, 4) AS susspellid`;
      if (dates.includes(col))
        return `coalesce(strftime(try_cast(${col} AS DATE) - to_years(${k}), '%Y-%m-%d'), ${col}) AS ${col}`;
      return col;
    });
    const path = join(dir, `apc-${k}-years-back.parquet`);
    await c.run(
      `COPY (SELECT ${moved.join(", ")} FROM ${from}) TO ${quoteLiteral(path)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    files.push(path);
    rows += Number(check.n);
  }
});
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ seconds, rows, files })}\n`);
db.close();

/**
 * Child-process entry for the bench: writes England's outpatient appointments for the years the
 * build reads, a Parquet file a month (`src/demo/outpatientYear.ts`), and prints
 * `{"seconds": …, "rows": …, "files": [...]}`, so generation is timed on its own.
 * Usage: node --import tsx bench/outpatientYear.ts <reference dir> <out dir> <scale> <start> <end>
 */
import { mkdirSync } from "node:fs";
import { Database } from "../src/db/index.ts";
import { writeOutpatientYear } from "../src/demo/outpatientYear.ts";

const [referenceDir, dir, scale, start, end] = process.argv.slice(2);
if (!referenceDir || !dir || !scale || !start || !end)
  throw new Error("usage: outpatientYear.ts <reference dir> <out dir> <scale> <start> <end>");
mkdirSync(dir, { recursive: true });
// A file database, so anything DuckDB holds past its limit spills beside the files, not to memory.
const db = await Database.open(":memory:", {
  memoryLimit: process.env.EBI_MEMORY_LIMIT ?? "4GB",
  tempDirectory: `${dir}/.spill`,
});
const started = performance.now();
const months = await db.withConnection((c) =>
  writeOutpatientYear(c, { referenceDir, dir, scale: Number(scale), start, end }),
);
const seconds = (performance.now() - started) / 1000;
const rows = months.reduce((n, m) => n + m.rows, 0);
process.stdout.write(`${JSON.stringify({ seconds, rows, files: months.map((m) => m.path) })}\n`);
db.close();

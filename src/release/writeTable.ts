import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteIdentifier, quoteLiteral, runOn } from "../db/index.ts";

/**
 * Writes rows to a Parquet file with the given column types, through newline-delimited JSON read
 * by DuckDB (so the file's schema is fixed by `columns`, not guessed from the values).
 */
export async function writeRowsToParquet(
  connection: DuckDBConnection,
  rows: readonly object[],
  columns: Record<string, string>,
  path: string,
): Promise<void> {
  const json = `${path}.ndjson`;
  const fd = openSync(json, "w");
  try {
    const names = Object.keys(columns);
    let buffer = "";
    for (const row of rows) {
      const record = row as Record<string, unknown>;
      buffer += `${JSON.stringify(Object.fromEntries(names.map((n) => [n, record[n] ?? null])))}\n`;
      if (buffer.length > 1 << 20) {
        writeSync(fd, buffer);
        buffer = "";
      }
    }
    writeSync(fd, buffer);
  } finally {
    closeSync(fd);
  }
  const spec = Object.entries(columns)
    .map(([name, type]) => `${quoteLiteral(name)}: ${quoteLiteral(type)}`)
    .join(", ");
  const select = Object.keys(columns)
    .map((n) => quoteIdentifier(n))
    .join(", ");
  try {
    await runOn(
      connection,
      `COPY (SELECT ${select} FROM read_json(${quoteLiteral(json)}, format = 'newline_delimited', columns = {${spec}}))
       TO ${quoteLiteral(path)} (FORMAT parquet, COMPRESSION zstd)`,
      undefined,
      `write ${path}`,
    );
  } finally {
    rmSync(json, { force: true });
  }
}

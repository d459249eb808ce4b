import { existsSync, statSync } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteIdentifier, quoteLiteral } from "../db/index.ts";
import { InputError } from "../errors/index.ts";

/** A CSV file opened for reading in DuckDB: every column text, names as in its header (or given). */
export interface CsvSource {
  file: string;
  /** `read_csv(…)` expression to select from. */
  from: string;
  columns: string[];
  rows: number;
}

/**
 * Opens a reference CSV: checks it exists and is not empty, reads its header (or applies `names`
 * to a headerless file, which must then have exactly that many columns), and counts its rows.
 */
export async function openCsv(
  connection: DuckDBConnection,
  file: string,
  options: { names?: readonly string[] } = {},
): Promise<CsvSource> {
  if (!existsSync(file)) throw new InputError("EBI_FILE_UNREADABLE", "the file does not exist", { file });
  if (statSync(file).size === 0) throw new InputError("EBI_FILE_EMPTY", "the file is empty", { file });
  const names = options.names;
  const from = names
    ? `read_csv(${quoteLiteral(file)}, header = false, all_varchar = true, auto_detect = false, delim = ',', quote = '"', columns = {${names.map((n) => `${quoteLiteral(n)}: 'VARCHAR'`).join(", ")}})`
    : `read_csv(${quoteLiteral(file)}, header = true, all_varchar = true, delim = ',', quote = '"')`;
  let columns: string[];
  let rows: number;
  try {
    columns = (await allOn<{ column_name: string }>(connection, `DESCRIBE SELECT * FROM ${from}`)).map(
      (c) => c.column_name,
    );
    rows = (await allOn<{ n: number }>(connection, `SELECT count(*) AS n FROM ${from}`))[0]?.n ?? 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/unicode|utf-?8|encoding/i.test(message))
      throw new InputError("EBI_FILE_ENCODING", "the file is not UTF-8 text", {
        file,
        expected: "a UTF-8 CSV file",
      });
    throw new InputError("EBI_FILE_UNREADABLE", `the file cannot be read as CSV: ${message.split("\n")[0]}`, {
      file,
      expected: names
        ? `a CSV file of ${names.length} columns without a header`
        : "a CSV file with a header row",
    });
  }
  if (rows === 0) throw new InputError("EBI_FILE_EMPTY", "the file has no data rows", { file });
  return { file, from, columns, rows };
}

/**
 * The file's column matching `wanted` (a name, matched without regard to case, or a pattern such as
 * /^SICBL\d{2}CD$/i for ONS names whose year digits change by edition), quoted for SQL.
 */
export function column(source: CsvSource, wanted: string | RegExp): string {
  const found = source.columns.find((c) =>
    typeof wanted === "string" ? c.toLowerCase() === wanted.toLowerCase() : wanted.test(c),
  );
  if (!found) {
    throw new InputError("EBI_FILE_COLUMNS", "a required column is missing", {
      file: source.file,
      field: typeof wanted === "string" ? wanted : wanted.source,
      expected: `a column named ${typeof wanted === "string" ? JSON.stringify(wanted) : `like ${wanted}`}; found ${source.columns.slice(0, 12).join(", ")}`,
    });
  }
  return quoteIdentifier(found, source.columns);
}

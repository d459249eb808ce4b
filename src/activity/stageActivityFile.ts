import { randomUUID } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteIdentifier, quoteLiteral, runOn } from "../db/index.ts";
import { type Clock, systemClock } from "../effects/index.ts";
import { fromSystemError, InputError } from "../errors/index.ts";
import { scratchPath } from "../store/scratch.ts";
import type { ActivityKind } from "./fields.ts";
import { type InputLayout, layoutFor } from "./inputLayouts.ts";
import { stagingSql } from "./stagingSql.ts";

export interface StagedFile {
  file: string;
  format: "csv" | "parquet";
  rows: number;
  /** Canonical field → the file's column it was read from. */
  columns: Record<string, string>;
  /**
   * For a load: the table of the rows with problems (the store's columns, `problems`,
   * `quarantined`); every other row of the file is in the store under the load's id.
   */
  problems?: string;
  /** For a load: a view of the rows without problems, as the store holds them. */
  clean?: string;
}

/** The episode columns of the store, in order, as `stageActivityFile` leaves them in its table. */
export const storeColumns: Record<ActivityKind, string[]> = {
  apc: Object.keys(layoutFor("apc").columns),
  op: Object.keys(layoutFor("op").columns),
};

/** Reads the first bytes of a file. */
function head(file: string, bytes: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** The delimiters a HES extract comes with; the one found most often in the header row is used. */
const delimiters = [",", "|", "\t", ";"];

/**
 * The header row of a CSV extract: its delimiter and column names. Read here rather than sniffed by
 * DuckDB, whose sniffer fails the whole file on one bad row among its sample (a field over 2 MB, a
 * ragged row), where the read below quarantines just that row.
 */
function csvHeader(file: string): { delimiter: string; columns: string[] } {
  const start = head(file, 1 << 20);
  const end = start.indexOf(10);
  const line = (end < 0 ? start : start.subarray(0, end))
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .replace(/\r$/, "");
  const outside = line.replace(/"[^"]*"/g, "");
  const delimiter =
    delimiters
      .map((d) => ({ d, n: outside.split(d).length - 1 }))
      .sort((a, b) => b.n - a.n)
      .find((c) => c.n > 0)?.d ?? ",";
  const columns: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i <= line.length; i++) {
    const c = line[i];
    if (c === '"' && quoted && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if ((c === delimiter && !quoted) || c === undefined) {
      columns.push(field.trim());
      field = "";
    } else field += c;
  }
  return { delimiter, columns };
}

/** True when the bytes (cut at their last line break) are valid UTF-8. */
function isUtf8(bytes: Buffer): boolean {
  const end = bytes.lastIndexOf(10);
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(end < 0 ? bytes : bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** Opens a CSV or Parquet extract and returns the `FROM` expression and its columns; clear errors for bad files. */
async function openExtract(
  connection: DuckDBConnection,
  file: string,
  table: string,
): Promise<{ from: string; format: "csv" | "parquet"; columns: string[]; types: Record<string, string> }> {
  if (!existsSync(file)) throw new InputError("EBI_FILE_UNREADABLE", "the file does not exist", { file });
  if (statSync(file).isDirectory())
    throw new InputError("EBI_PATH_IS_DIRECTORY", "this is a directory, not a file", {
      file,
      expected: "the path of a CSV or Parquet extract",
    });
  if (statSync(file).size === 0) throw new InputError("EBI_FILE_EMPTY", "the file is empty", { file });
  const magic = head(file, 4096);
  const parquet = magic.subarray(0, 4).toString("latin1") === "PAR1";
  if (!parquet && magic.includes(0)) {
    throw new InputError("EBI_FILE_UNREADABLE", "the file is neither CSV text nor Parquet", {
      file,
      expected: "a CSV file with a header row, or a Parquet file",
    });
  }
  if (parquet) {
    const from = `read_parquet(${quoteLiteral(file)}, file_row_number = true)`;
    try {
      const described = await allOn<{ column_name: string; column_type: string }>(
        connection,
        `DESCRIBE SELECT * FROM ${from}`,
      );
      return {
        from,
        format: "parquet",
        columns: described.map((c) => c.column_name),
        types: Object.fromEntries(described.map((c) => [c.column_name, c.column_type])),
      };
    } catch (error) {
      throw unreadable(error, file);
    }
  }
  if (!isUtf8(head(file, 1 << 20))) throw unreadable(new Error("invalid unicode"), file);
  const { delimiter, columns } = csvHeader(file);
  if (columns.length < 2 || columns.some((c) => c === ""))
    throw new InputError("EBI_FILE_COLUMNS", "the first row is not a header of named columns", {
      file,
      row: 0,
      value: columns.slice(0, 10).join(delimiter),
      expected: "a header row naming every column (HES field names or aliases)",
    });
  const struct = `{${columns.map((c) => `${quoteLiteral(c)}: 'VARCHAR'`).join(", ")}}`;
  // Rows DuckDB cannot split into these columns (ragged, over 2 MB, not UTF-8) go to the rejects
  // table with their row number rather than failing the file; see `rejectedRows`.
  const from = `read_csv(${quoteLiteral(file)}, header = true, auto_detect = false, delim = ${quoteLiteral(delimiter)},
    quote = '"', escape = '"', columns = ${struct}, store_rejects = true,
    rejects_table = ${quoteLiteral(`${table}_rejects`)}, rejects_scan = ${quoteLiteral(`${table}_reject_scans`)})`;
  return { from, format: "csv", columns, types: {} };
}

/** DuckDB's complaint about a file as the typed error a person can act on. */
function unreadable(error: unknown, file: string): InputError {
  const message = error instanceof Error ? error.message : String(error);
  if (/unicode|utf-?8|encoding/i.test(message))
    return new InputError("EBI_FILE_ENCODING", "the file is not UTF-8 text", {
      file,
      expected: "a UTF-8 CSV file",
    });
  return new InputError("EBI_FILE_UNREADABLE", `the file cannot be read: ${message.split("\n")[0]}`, {
    file,
    expected: "a CSV file with a header row, or a Parquet file",
  });
}

/**
 * A new file name in DuckDB's spill folder (the system's for an in-memory store, whose spill folder
 * is relative to wherever the process runs) and its removal, which also runs by itself if the
 * process is interrupted first.
 */
async function spillFile(connection: DuckDBConnection): Promise<{ path: string; remove: () => void }> {
  const [setting] = await allOn<{ dir: string | null }>(
    connection,
    `SELECT CASE WHEN path IS NOT NULL THEN current_setting('temp_directory') END AS dir
     FROM duckdb_databases() WHERE database_name = current_database()`,
  );
  const dir = setting?.dir || tmpdir();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `ingest-${process.pid}-${randomUUID()}.parquet`);
  return { path, remove: scratchPath(path) };
}

/**
 * Copies the columns a layout reads from a CSV extract, as text, into a Parquet file in DuckDB's
 * spill folder, in file order (the other columns are never materialised, which costs more than
 * parsing them). CSV rows carry no row number of their own; numbering them with a window would hold every
 * wide row in memory on one thread, where this copy runs in parallel and the Parquet reader then
 * numbers rows for nothing (`file_row_number`). Returns the copy's path and its removal, which the
 * caller runs when done (and which runs by itself if the process is interrupted first).
 */
async function csvAsParquet(
  connection: DuckDBConnection,
  from: string,
  file: string,
  columns: { read: string[]; all: string[] },
): Promise<{ path: string; remove: () => void }> {
  const { path, remove } = await spillFile(connection);
  const kept = [...new Set(columns.read)].map((c) => quoteIdentifier(c, columns.all));
  try {
    await connection.run(
      `COPY (SELECT ${kept.join(", ")} FROM ${from}) TO ${quoteLiteral(path)} (FORMAT parquet, COMPRESSION zstd)`,
    );
  } catch (error) {
    remove();
    throw fromSystemError(error, `copy ${file}`) ?? unreadable(error, file);
  }
  return { path, remove };
}

/**
 * Reads one extract into the table `table` by its layout (`inputLayouts.ts`): every field found by
 * its HES name or an alias, normalised, with the IMD decile and current commissioner attached, and
 * a list of `problems` ({field, value, reason}) per row. The staging tables are ordinary tables,
 * not TEMP: DuckDB writes a large insert into an ordinary table to the database file as it goes,
 * where a temporary table's rows stay in memory and its spill is uncompressed, which a national
 * year (20 million rows) does not fit. The caller runs this inside its transaction and drops them.
 * `clock` gives today, the latest start date accepted.
 */
export async function stageActivityFile(
  connection: DuckDBConnection,
  options: {
    kind: ActivityKind;
    file: string;
    table: string;
    clock?: Clock;
    layout?: InputLayout;
    /**
     * Load the file: write the rows not quarantined straight to the layout's store table under
     * this id, keep the rows with problems in `<table>_problems`, and make `table` a view of every
     * row as staged. Cheaper than staging every row and copying it again.
     */
    loadId?: string;
  },
): Promise<StagedFile> {
  const { file } = options;
  // A layout described elsewhere (a product's own) is staged by the same step as the shipped ones.
  const layout = options.layout ?? layoutFor(options.kind);
  const source = await openExtract(connection, file, options.table);
  // Columns are checked before a CSV is copied, so a wrong file is named at once.
  const columns = mapColumns(layout, file, source.columns);
  if (source.format === "parquet") checkColumnTypes(layout, file, columns.mapped, source.types);
  for (const t of ["rejects", "reject_scans"])
    await runOn(connection, `DROP TABLE IF EXISTS ${quoteIdentifier(`${options.table}_${t}`)}`);
  const copy =
    source.format === "csv"
      ? await csvAsParquet(connection, source.from, file, {
          read: Object.values(columns.mapped),
          all: source.columns,
        })
      : undefined;
  try {
    if (!copy)
      await runOn(
        connection,
        `CREATE OR REPLACE TEMP TABLE ${quoteIdentifier(`${options.table}_rejected_rows`)}
         (source_row BIGINT, field VARCHAR, value VARCHAR, reason VARCHAR, detail VARCHAR)`,
      );
    const rejected = copy ? await rejectedRows(connection, options.table) : 0;
    const read = copy ? `read_parquet(${quoteLiteral(copy.path)}, file_row_number = true)` : source.from;
    return await stageExtract(connection, {
      layout,
      file,
      table: options.table,
      format: source.format,
      today: (options.clock ?? systemClock).now(),
      loadId: options.loadId,
      ...columns,
      rejected,
      // Rows rejected by the CSV reader are missing from the copy: shift the copy's row numbers
      // back to the file's (see `rejectedRows`).
      from:
        rejected > 0
          ? `(SELECT c.* EXCLUDE (file_row_number), c.file_row_number + coalesce(s.shift, 0) AS file_row_number
              FROM ${read} c ASOF LEFT JOIN ${quoteIdentifier(`${options.table}_row_shift`)} s ON c.file_row_number + 1 > s.after)`
          : read,
    });
  } finally {
    copy?.remove();
  }
}

/** Reasons for rows the CSV reader could not split into the header's columns, by DuckDB's error type. */
const rejectReason = `CASE WHEN error_type IN ('TOO MANY COLUMNS', 'MISSING COLUMNS') THEN 'row-ragged'
  WHEN error_type = 'LINE SIZE OVER MAXIMUM' THEN 'row-too-long' ELSE 'row-unreadable' END`;

/**
 * Collects the rows the CSV reader rejected into `<table>_rejected_rows` (row number, field, the
 * row's start as value, reason, DuckDB's message) and writes `<table>_row_shift`, which maps the
 * copy's row numbers back to the file's: the i-th row kept is file row i + (rows rejected before
 * it), i.e. the count of rejected rows r_j (j-th, in order) with r_j − j < i. Returns their number.
 */
async function rejectedRows(connection: DuckDBConnection, table: string): Promise<number> {
  const rejects = quoteIdentifier(`${table}_rejects`);
  const rows = quoteIdentifier(`${table}_rejected_rows`);
  // DuckDB numbers lines as records, the header being 1: a data row's number is one less.
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE ${rows} AS
     SELECT line - 1 AS source_row, min(column_name) AS field,
       CASE WHEN length(min(csv_line)) > 200 THEN left(min(csv_line), 200) || '…' ELSE min(csv_line) END AS value,
       min(${rejectReason}) AS reason, string_agg(error_message, '; ' ORDER BY error_message) AS detail
     FROM ${rejects} GROUP BY line`,
    undefined,
    "collect rejected rows",
  );
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE ${quoteIdentifier(`${table}_row_shift`)} AS
     SELECT source_row - j AS after, max(j) AS shift
     FROM (SELECT source_row, row_number() OVER (ORDER BY source_row) AS j FROM ${rows}) GROUP BY ALL`,
    undefined,
    "number rows around rejected ones",
  );
  const [{ n } = { n: 0 }] = await allOn<{ n: number }>(connection, `SELECT count(*) AS n FROM ${rows}`);
  return n;
}

const integerTypes = [
  "TINYINT",
  "SMALLINT",
  "INTEGER",
  "BIGINT",
  "HUGEINT",
  "UTINYINT",
  "USMALLINT",
  "UINTEGER",
  "UBIGINT",
];
const dateTypes = ["DATE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"];

/**
 * Refuses a Parquet column whose type cannot hold what its field holds: every field is text or a
 * whole number (codes such as sex 1/2 may be stored as integers), dates may also be DATE or
 * TIMESTAMP. A decimal sex ("1.0"), a struct or list date would otherwise be read as text and
 * quietly become "not known".
 */
function checkColumnTypes(
  layout: InputLayout,
  file: string,
  mapped: Record<string, string>,
  types: Record<string, string>,
): void {
  const dateFields = new Set(layout.dates);
  for (const field of layout.fields) {
    const column = mapped[field.name];
    const type = column === undefined ? undefined : types[column];
    if (type === undefined) continue;
    const allowed = ["VARCHAR", ...integerTypes, ...(dateFields.has(field.name) ? dateTypes : [])];
    if (!allowed.includes(type))
      throw new InputError("EBI_FILE_COLUMN_TYPE", `column ${JSON.stringify(column)} has type ${type}`, {
        file,
        field: field.name,
        value: type,
        expected: dateFields.has(field.name)
          ? "DATE, TIMESTAMP, text (YYYY-MM-DD) or a whole number (YYYYMMDD)"
          : "text or a whole number",
      });
  }
}

interface MappedColumns {
  /** Canonical field → the file's column it is read from. */
  mapped: Record<string, string>;
  /** One select item per canonical field, as VARCHAR (NULL when the file lacks it). */
  select: string[];
}

/** Finds each field of the layout among a file's columns by name or alias; a typed error names the required ones missing. */
function mapColumns(layout: InputLayout, file: string, columns: string[]): MappedColumns {
  const lower = new Map(columns.map((c) => [c.toLowerCase(), c] as const));
  const mapped: Record<string, string> = {};
  const select: string[] = [];
  for (const field of layout.fields) {
    const found = [field.name, ...field.aliases]
      .map((n) => lower.get(n.toLowerCase()))
      .find((c) => c !== undefined);
    if (found) mapped[field.name] = found;
    select.push(
      found
        ? `CAST(${quoteIdentifier(found, columns)} AS VARCHAR) AS ${field.name}`
        : `NULL::VARCHAR AS ${field.name}`,
    );
  }
  const missing = layout.required.filter((group) => !group.some((f) => mapped[f])).map((g) => g.join(" or "));
  if (missing.length > 0) {
    throw new InputError("EBI_FILE_COLUMNS", `required columns are missing: ${missing.join("; ")}`, {
      file,
      field: missing.join("; "),
      expected: `HES field names or their aliases (docs/data-dictionary.md); found ${columns.slice(0, 15).join(", ")}${columns.length > 15 ? ", …" : ""}`,
    });
  }
  return { mapped, select };
}

/** Stages an extract read through `from`, a Parquet read with `file_row_number` (see `csvAsParquet`). */
async function stageExtract(
  connection: DuckDBConnection,
  source: {
    layout: InputLayout;
    file: string;
    table: string;
    format: "csv" | "parquet";
    from: string;
    today: Date;
    /** Rows the CSV reader rejected (in `<table>_rejected_rows`), added to the table as quarantined. */
    rejected: number;
    loadId: string | undefined;
  } & MappedColumns,
): Promise<StagedFile> {
  const { layout, file, select, mapped } = source;
  const table = quoteIdentifier(source.table);
  const raw = `${source.table}_raw`;
  // A view, not a table: the file is read twice (the keys for duplicates, then every field) rather
  // than copied whole into the store first, which at a national year costs more than the reading.
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP VIEW ${quoteIdentifier(raw)} AS
     SELECT file_row_number + 1 AS source_row, ${select.join(", ")} FROM ${source.from}`,
    undefined,
    `read ${file}`,
  );
  const sql = stagingSql(layout, {
    raw,
    table: source.table,
    duplicates: `${source.table}_duplicates`,
    codes: `${source.table}_codes`,
  });
  await runOn(connection, sql.duplicates, undefined, `find duplicate keys in ${file}`);
  await runOn(connection, sql.codeRows, undefined, `find the codes that need normalising in ${file}`);
  await runOn(connection, sql.codes, undefined, `normalise the codes that need it in ${file}`);
  const today = { today: source.today.toISOString().slice(0, 10) };
  const rejectedRows = quoteIdentifier(`${source.table}_rejected_rows`);
  const unreadable = (into: string) =>
    runOn(
      connection,
      `INSERT INTO ${into} (source_row, problems, quarantined)
       SELECT source_row, [{'field': field, 'value': value, 'reason': reason}], true FROM ${rejectedRows}`,
      undefined,
      `quarantine unreadable rows of ${file}`,
    );
  if (source.loadId === undefined) {
    await runOn(connection, sql.stage, today, `normalise ${file}`);
    if (source.rejected > 0) await unreadable(table);
    const [{ rows } = { rows: 0 }] = await allOn<{ rows: number }>(
      connection,
      `SELECT count(*) AS rows FROM ${table}`,
    );
    if (rows === 0) throw new InputError("EBI_FILE_EMPTY", "the file has a header but no rows", { file });
    return { file, format: source.format, rows, columns: mapped };
  }
  const problems = `${source.table}_problems`;
  await runOn(connection, sql.candidates, today, `find the rows to check in ${file}`);
  await runOn(connection, sql.problems, today, `check ${file}`);
  if (source.rejected > 0) await unreadable(quoteIdentifier(problems));
  await runOn(
    connection,
    sql.accepted,
    { ...today, load_id: source.loadId },
    `write accepted rows of ${file}`,
  );
  const store = quoteIdentifier(layout.table);
  const stored = Object.keys(layout.columns).join(", ");
  // Every row as staged, for the quality report: the clean rows from the store, the rest as checked.
  const clean = `${source.table}_clean`;
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP VIEW ${quoteIdentifier(clean)} AS
     SELECT source_row, ${stored} FROM ${store} WHERE load_id = ${quoteLiteral(source.loadId)}
       AND source_row NOT IN (SELECT source_row FROM ${quoteIdentifier(problems)})`,
  );
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP VIEW ${table} AS
     SELECT *, []::STRUCT(field VARCHAR, value VARCHAR, reason VARCHAR)[] AS problems, false AS quarantined FROM ${quoteIdentifier(clean)}
     UNION ALL SELECT source_row, ${stored}, problems, quarantined FROM ${quoteIdentifier(problems)}`,
  );
  const [{ rows } = { rows: 0 }] = await allOn<{ rows: number }>(
    connection,
    `SELECT (SELECT count(*) FROM ${store} WHERE load_id = $id) + (SELECT count(*) FILTER (WHERE quarantined) FROM ${quoteIdentifier(problems)}) AS rows`,
    { id: source.loadId },
  );
  if (rows === 0) throw new InputError("EBI_FILE_EMPTY", "the file has a header but no rows", { file });
  return { file, format: source.format, rows, columns: mapped, problems, clean };
}

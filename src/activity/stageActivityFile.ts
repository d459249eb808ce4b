import { randomUUID } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteIdentifier, quoteLiteral, runOn } from "../db/index.ts";
import { fromSystemError, InputError } from "../errors/index.ts";
import { scratchPath } from "../store/scratch.ts";
import { type ActivityKind, fieldsFor } from "./fields.ts";

export interface StagedFile {
  file: string;
  format: "csv" | "parquet";
  rows: number;
  /** Canonical field → the file's column it was read from. */
  columns: Record<string, string>;
}

/** The episode columns of the store, in order, as `stageActivityFile` leaves them in its table. */
export const storeColumns: Record<ActivityKind, string[]> = {
  apc: [
    "epikey",
    "spell_id",
    "patient_id",
    "epistart",
    "epiend",
    "admidate",
    "disdate",
    "admimeth",
    "classpat",
    "age",
    "sex",
    "ethnos",
    "lsoa",
    "imd_decile",
    "gpprac",
    "procode",
    "sitetret",
    "sub_icb_original",
    "sub_icb",
    "tretspef",
    "mainspef",
    "diag",
    "opertn",
  ],
  op: [
    "attendkey",
    "patient_id",
    "apptdate",
    "attended",
    "firstatt",
    "age",
    "sex",
    "ethnos",
    "lsoa",
    "imd_decile",
    "gpprac",
    "procode",
    "sub_icb_original",
    "sub_icb",
    "tretspef",
    "diag",
    "opertn",
  ],
};

const ethnicCodes = [
  "A",
  "B",
  "C",
  "D",
  "E",
  "F",
  "G",
  "H",
  "J",
  "K",
  "L",
  "M",
  "N",
  "P",
  "R",
  "S",
  "Z",
  "99",
];

/** Temporary macros the staging SQL is built from (connection-scoped). */
async function createMacros(connection: DuckDBConnection): Promise<void> {
  const macros = [
    // A code as HES holds it: upper case, no punctuation, 4 characters at most, no trailing X filler.
    `ebi_clean(x) AS upper(regexp_replace(trim(x), '[.\\- &]', '', 'g'))`,
    `ebi_code(x) AS nullif(regexp_replace(left(ebi_clean(x), 4), '^([A-Z][0-9]{2})X$', '\\1'), '')`,
    `ebi_code_ok(c) AS regexp_full_match(c, '[A-Z][0-9]{2}[0-9]?')`,
    // Normalising a code beyond case and filler deserves a warning: dots, dashes, lower case, 5th/6th characters.
    `ebi_code_fixed(x) AS x IS NOT NULL AND trim(x) NOT IN ('', '-', '&') AND (regexp_matches(trim(x), '[a-z.\\- ]') OR length(ebi_clean(x)) > 4)`,
    // A date only when the whole value is one: "2019-01-18xyz" is not 18 January 2019. ISO dates may
    // carry a time (a Parquet TIMESTAMP read as text); other forms are warned about (date-format).
    `ebi_date_iso(x) AS CASE WHEN regexp_full_match(trim(x), '[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?)?') THEN TRY_CAST(left(trim(x), 10) AS DATE) END`,
    `ebi_date(x) AS coalesce(ebi_date_iso(x),
       CASE WHEN regexp_full_match(trim(x), '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}') THEN try_strptime(trim(x), '%d/%m/%Y')::DATE END,
       CASE WHEN regexp_full_match(trim(x), '[0-9]{8}') THEN try_strptime(trim(x), '%Y%m%d')::DATE END)`,
    `ebi_date_alt(x) AS ebi_date_iso(x) IS NULL AND ebi_date(x) IS NOT NULL`,
    // Present (not blank) but no date: the value is kept in a warning or the quarantine, never lost.
    `ebi_date_bad(x) AS nullif(trim(x), '') IS NOT NULL AND ebi_date(x) IS NULL`,
    `ebi_age(x) AS CASE WHEN TRY_CAST(trim(x) AS INTEGER) BETWEEN 7001 AND 7007 THEN 0
                        WHEN TRY_CAST(trim(x) AS INTEGER) BETWEEN 0 AND 120 THEN TRY_CAST(trim(x) AS INTEGER) END`,
    `ebi_trim_list(l) AS list_slice(l, 1, coalesce(list_max(list_transform(range(1, len(l) + 1), i -> CASE WHEN l[i] IS NOT NULL THEN i END)), 0))`,
    `ebi_problem(cond, field, value, reason) AS CASE WHEN cond THEN {'field': field, 'value': value, 'reason': reason} END`,
  ];
  for (const macro of macros)
    await runOn(connection, `CREATE OR REPLACE TEMP MACRO ${macro}`, undefined, "create staging macros");
}

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
 * Copies a CSV extract, every field as text, into a Parquet file in DuckDB's spill folder, in file
 * order. CSV rows carry no row number of their own; numbering them with a window would hold every
 * wide row in memory on one thread, where this copy runs in parallel and the Parquet reader then
 * numbers rows for nothing (`file_row_number`). Returns the copy's path and its removal, which the
 * caller runs when done (and which runs by itself if the process is interrupted first).
 */
async function csvAsParquet(
  connection: DuckDBConnection,
  from: string,
  file: string,
): Promise<{ path: string; remove: () => void }> {
  // An in-memory store's spill folder is relative to wherever the process runs: use the system's.
  const [setting] = await allOn<{ dir: string | null }>(
    connection,
    `SELECT CASE WHEN path IS NOT NULL THEN current_setting('temp_directory') END AS dir
     FROM duckdb_databases() WHERE database_name = current_database()`,
  );
  const dir = setting?.dir || tmpdir();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `ingest-${process.pid}-${randomUUID()}.parquet`);
  const remove = scratchPath(path);
  try {
    await connection.run(
      `COPY (SELECT * FROM ${from}) TO ${quoteLiteral(path)} (FORMAT parquet, COMPRESSION zstd)`,
    );
  } catch (error) {
    remove();
    throw fromSystemError(error, `copy ${file}`) ?? unreadable(error, file);
  }
  return { path, remove };
}

/**
 * Reads one HES-layout extract into the table `table`: every field found by its HES name or an
 * alias, normalised, with the IMD decile and current commissioner attached, and a list of
 * `problems` ({field, value, reason}) per row. The staging tables are ordinary tables, not TEMP:
 * DuckDB writes a large insert into an ordinary table to the database file as it goes, where a
 * temporary table's rows stay in memory and its spill is uncompressed, which a national year
 * (20 million rows) does not fit. The caller runs this inside its transaction and drops them.
 */
export async function stageActivityFile(
  connection: DuckDBConnection,
  options: { kind: ActivityKind; file: string; table: string },
): Promise<StagedFile> {
  const { kind, file } = options;
  await createMacros(connection);
  const source = await openExtract(connection, file, options.table);
  // Columns are checked before a CSV is copied, so a wrong file is named at once.
  const columns = mapColumns(kind, file, source.columns);
  if (source.format === "parquet") checkColumnTypes(kind, file, columns.mapped, source.types);
  for (const t of ["rejects", "reject_scans"])
    await runOn(connection, `DROP TABLE IF EXISTS ${quoteIdentifier(`${options.table}_${t}`)}`);
  const copy = source.format === "csv" ? await csvAsParquet(connection, source.from, file) : undefined;
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
      kind,
      file,
      table: options.table,
      format: source.format,
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
const dateFields = new Set(["epistart", "epiend", "admidate", "disdate", "apptdate"]);

/**
 * Refuses a Parquet column whose type cannot hold what its field holds: every field is text or a
 * whole number (codes such as sex 1/2 may be stored as integers), dates may also be DATE or
 * TIMESTAMP. A decimal sex ("1.0"), a struct or list date would otherwise be read as text and
 * quietly become "not known".
 */
function checkColumnTypes(
  kind: ActivityKind,
  file: string,
  mapped: Record<string, string>,
  types: Record<string, string>,
): void {
  for (const field of fieldsFor(kind)) {
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

/** Finds each HES field among a file's columns by name or alias; a typed error names the required ones missing. */
function mapColumns(kind: ActivityKind, file: string, columns: string[]): MappedColumns {
  const lower = new Map(columns.map((c) => [c.toLowerCase(), c] as const));
  const mapped: Record<string, string> = {};
  const select: string[] = [];
  for (const field of fieldsFor(kind)) {
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
  const key = kind === "apc" ? "epikey" : "attendkey";
  const start = kind === "apc" ? ["epistart", "admidate"] : ["apptdate"];
  const missing = [
    ...(mapped[key] ? [] : [key]),
    ...(start.some((s) => mapped[s]) ? [] : [start.join(" or ")]),
    ...(mapped.diag_01 || mapped.opertn_01 ? [] : ["diag_01 or opertn_01"]),
  ];
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
    kind: ActivityKind;
    file: string;
    table: string;
    format: "csv" | "parquet";
    from: string;
    /** Rows the CSV reader rejected (in `<table>_rejected_rows`), added to the table as quarantined. */
    rejected: number;
  } & MappedColumns,
): Promise<StagedFile> {
  const { kind, file, select, mapped } = source;
  const table = quoteIdentifier(source.table);
  const raw = `${source.table}_raw`;
  // Codes are normalised once here, in nested selects so each expression runs once per value.
  const codeColumns = codeColumnsOf(kind);
  const cleaned = codeColumns
    .map(
      (c) =>
        `left(upper(replace(replace(replace(replace(trim(${c}), '.', ''), '-', ''), ' ', ''), '&', '')), 4) AS t_${c}`,
    )
    .join(", ");
  const normalised = codeColumns
    .map((c) => {
      const code = `nullif(CASE WHEN length(t_${c}) = 4 AND t_${c}[4] = 'X' THEN left(t_${c}, 3) ELSE t_${c} END, '')`;
      return `${code} AS c_${c}, regexp_full_match(${code}, '[A-Z][0-9]{2}[0-9]?') AS ok_${c}`;
    })
    .join(", ");
  // A view, not a table: the file is read twice (the keys for duplicates, then every field) rather
  // than copied whole into the store first, which at a national year costs more than the reading.
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP VIEW ${quoteIdentifier(raw)} AS
     SELECT * EXCLUDE (${codeColumns.map((c) => `t_${c}`).join(", ")}), ${normalised} FROM (
       SELECT *, ${cleaned} FROM (SELECT file_row_number + 1 AS source_row, ${select.join(", ")} FROM ${source.from})
     )`,
    undefined,
    `read ${file}`,
  );
  const [findDuplicates, normalise] = normaliseSql(kind, raw, table);
  await runOn(connection, findDuplicates, undefined, `find duplicate keys in ${file}`);
  await runOn(connection, normalise, { today: new Date().toISOString().slice(0, 10) }, `normalise ${file}`);
  if (source.rejected > 0)
    await runOn(
      connection,
      `INSERT INTO ${table} (source_row, problems, quarantined)
       SELECT source_row, [{'field': field, 'value': value, 'reason': reason}], true
       FROM ${quoteIdentifier(`${source.table}_rejected_rows`)}`,
      undefined,
      `quarantine unreadable rows of ${file}`,
    );
  const [{ rows } = { rows: 0 }] = await allOn<{ rows: number }>(
    connection,
    `SELECT count(*) AS rows FROM ${table}`,
  );
  if (rows === 0) throw new InputError("EBI_FILE_EMPTY", "the file has a header but no rows", { file });
  return { file, format: source.format, rows, columns: mapped };
}

const nn = (i: number) => String(i).padStart(2, "0");

/** The diagnosis and procedure columns of a kind of extract, in position order. */
function codeColumnsOf(kind: ActivityKind): string[] {
  const nn2 = (i: number) => String(i).padStart(2, "0");
  return [
    ...Array.from({ length: kind === "apc" ? 20 : 12 }, (_, i) => `diag_${nn2(i + 1)}`),
    ...Array.from({ length: 24 }, (_, i) => `opertn_${nn2(i + 1)}`),
  ];
}

/** One check of a staged row: a SQL condition and, when it holds, the field, value and reason recorded. */
interface Problem {
  when: string;
  field: string;
  value: string;
  reason: string;
}

/** The statements that look up, normalise and check every row of the raw staging table. */
function normaliseSql(kind: ActivityKind, raw: string, table: string): [string, string] {
  const diagCount = kind === "apc" ? 20 : 12;
  const codes = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => `${prefix}_${nn(i + 1)}`);
  const diagCols = codes("diag", diagCount);
  const opertnCols = codes("opertn", 24);
  // Blank positions stay NULL (position is meaning); only the trailing blanks are cut, by a CASE
  // over the columns rather than a lambda, which is much cheaper per row.
  const list = (cols: string[]) => {
    const kept = cols.map((c, i) => (i === 0 ? `c_${c}` : `CASE WHEN ok_${c} THEN c_${c} END`));
    const last = `CASE ${kept
      .map((k, i) => ({ k, i }))
      .reverse()
      .map(({ k, i }) => `WHEN ${k} IS NOT NULL THEN ${i + 1}`)
      .join(" ")} ELSE 0 END`;
    return `list_slice([${kept.join(", ")}], 1, ${last})`;
  };
  const key = kind === "apc" ? "epikey" : "attendkey";
  const startExpr =
    kind === "apc" ? "coalesce(ebi_date(epistart), ebi_date(admidate))" : "ebi_date(apptdate)";
  const ageField = kind === "apc" ? "startage" : "apptage";
  const codeProblems: Problem[] = [...diagCols, ...opertnCols].flatMap((c, index) => {
    const primary = index === 0 || index === diagCols.length;
    return [
      {
        when: `c_${c} IS NOT NULL AND NOT ok_${c}`,
        field: c,
        value: c,
        reason: primary ? "code-invalid" : "code-invalid-dropped",
      },
      // Normalised beyond HES's own X filler: dots, dashes, spaces, lower case, 5th/6th characters.
      {
        when: `ok_${c} AND ${c} <> c_${c} AND ${c} <> c_${c} || 'X'`,
        field: c,
        value: c,
        reason: "code-normalised",
      },
    ];
  });
  const dateFields = kind === "apc" ? ["epistart", "admidate", "epiend", "disdate"] : ["apptdate"];
  const startField = kind === "apc" ? "epistart" : "apptdate";
  const problems: Problem[] = [
    { when: "key_n IS NULL", field: key, value: key, reason: "missing-key" },
    { when: "key_n IS NOT NULL AND duplicate", field: key, value: key, reason: "duplicate" },
    {
      when: "start_n IS NULL",
      field: startField,
      value: kind === "apc" ? "coalesce(epistart, admidate)" : "apptdate",
      reason: "date-invalid",
    },
    ...codeProblems,
    ...dateFields.map((d) => ({ when: `ebi_date_alt(${d})`, field: d, value: d, reason: "date-format" })),
    // A start or admission date that is not a date, where the other one stands in for it.
    ...(kind === "apc"
      ? [
          {
            when: "start_n IS NOT NULL AND ebi_date_bad(epistart)",
            field: "epistart",
            value: "epistart",
            reason: "date-replaced",
          },
          {
            when: "start_n IS NOT NULL AND ebi_date_bad(admidate)",
            field: "admidate",
            value: "admidate",
            reason: "date-replaced",
          },
          ...["epiend", "disdate"].map((d) => ({
            when: `ebi_date_bad(${d})`,
            field: d,
            value: d,
            reason: "date-invalid-dropped",
          })),
        ]
      : []),
    { when: "age_n IS NULL", field: ageField, value: ageField, reason: "age-unknown" },
    {
      when: "sex IS NULL OR trim(sex) NOT IN ('0', '1', '2', '9')",
      field: "sex",
      value: "sex",
      reason: "sex-unknown",
    },
    {
      when: `nullif(trim(ethnos), '') IS NOT NULL AND upper(trim(ethnos)) NOT IN (${ethnicCodes.map((c) => `'${c}'`).join(", ")})`,
      field: "ethnos",
      value: "ethnos",
      reason: "ethnos-unknown",
    },
    ...(kind === "apc"
      ? [
          {
            when: "admimeth IS NULL OR length(trim(admimeth)) <> 2",
            field: "admimeth",
            value: "admimeth",
            reason: "admimeth-unknown",
          },
          {
            when: "nullif(trim(susspellid), '') IS NULL",
            field: "susspellid",
            value: "susspellid",
            reason: "spell-derived",
          },
        ]
      : []),
    { when: "lsoa_n IS NULL", field: "lsoa", value: "lsoa", reason: "lsoa-missing" },
    { when: "lsoa_n IS NOT NULL AND imd_n IS NULL", field: "lsoa", value: "lsoa", reason: "lsoa-unknown" },
    {
      when: "procode_n IS NOT NULL AND NOT provider_known",
      field: "procode",
      value: "procode",
      reason: "provider-unknown",
    },
    {
      when: "sub_icb_o IS NOT NULL AND NOT commissioner_known",
      field: "sub_icb",
      value: "sub_icb",
      reason: "commissioner-unknown",
    },
  ];
  const quarantineReasons = "['missing-key', 'duplicate', 'date-invalid', 'code-invalid']";
  const storeTable = kind === "apc" ? "apc_episodes" : "op_appointments";
  const spell =
    kind === "apc"
      ? // Without a patient there is nothing to join episodes on: each is then its own spell, rather
        // than every such episode of a day and provider one spell.
        `coalesce(nullif(trim(susspellid), ''), CASE WHEN nullif(trim(hesid), '') IS NULL THEN 'derived:episode:' || key_n ELSE 'derived:' || trim(hesid) || ':' || coalesce(ebi_date(admidate), start_n)::VARCHAR || ':' || coalesce(procode_n, '?') END)`
      : "key_n";
  const outputs =
    kind === "apc"
      ? `key_n AS epikey, ${spell} AS spell_id, nullif(trim(hesid), '') AS patient_id, start_n AS epistart,
         ebi_date(epiend) AS epiend, coalesce(ebi_date(admidate), start_n) AS admidate, ebi_date(disdate) AS disdate,
         nullif(trim(admimeth), '') AS admimeth, nullif(trim(classpat), '') AS classpat,
         age_n AS age, sex_n AS sex, ethnos_n AS ethnos, lsoa_n AS lsoa, imd_n AS imd_decile,
         nullif(upper(trim(gpprac)), '') AS gpprac, procode_n AS procode, nullif(upper(trim(sitetret)), '') AS sitetret,
         sub_icb_o AS sub_icb_original, coalesce(successor, sub_icb_o) AS sub_icb,
         nullif(trim(tretspef), '') AS tretspef, nullif(trim(mainspef), '') AS mainspef,
         ${list(diagCols)} AS diag, ${list(opertnCols)} AS opertn`
      : `key_n AS attendkey, nullif(trim(hesid), '') AS patient_id, start_n AS apptdate,
         nullif(trim(attended), '') AS attended, nullif(trim(firstatt), '') AS firstatt,
         age_n AS age, sex_n AS sex, ethnos_n AS ethnos, lsoa_n AS lsoa, imd_n AS imd_decile,
         nullif(upper(trim(gpprac)), '') AS gpprac, procode_n AS procode,
         sub_icb_o AS sub_icb_original, coalesce(successor, sub_icb_o) AS sub_icb,
         nullif(trim(tretspef), '') AS tretspef, ${list(diagCols)} AS diag, ${list(opertnCols)} AS opertn`;
  const duplicates = quoteIdentifier(`${table.replaceAll('"', "")}_duplicates`);
  const keyOf = `nullif(trim(${key}), '')`;
  return [
    // A key seen earlier in the file, or already in the store, is a duplicate. Computed apart, on
    // the key column alone, so the wide rows are never hashed or sorted.
    `CREATE OR REPLACE TABLE ${duplicates} AS
SELECT source_row FROM (
  SELECT source_row, row_number() OVER (PARTITION BY ${keyOf} ORDER BY source_row) AS nth
  FROM ${quoteIdentifier(raw)} WHERE ${keyOf} IS NOT NULL
) WHERE nth > 1
UNION
SELECT r.source_row FROM ${quoteIdentifier(raw)} r SEMI JOIN ${storeTable} s ON s.${key} = nullif(trim(r.${key}), '')`,
    // Every join below has a small table (reference data, the few duplicates) on its build side, so
    // the wide rows stream through: memory stays within DuckDB's limit at a national year.
    `CREATE OR REPLACE TABLE ${table} AS
WITH imd AS (
  SELECT lsoa, imd_decile FROM ref_imd WHERE vintage = (SELECT max(vintage) FROM ref_imd)
), successors AS (
  -- follow chains of mergers (A → B → C) to the current code
  SELECT s1.old_code, coalesce(s3.new_code, s2.new_code, s1.new_code) AS new_code
  FROM ref_successors s1
  LEFT JOIN ref_successors s2 ON s2.old_code = s1.new_code
  LEFT JOIN ref_successors s3 ON s3.old_code = s2.new_code
), commissioners AS (
  SELECT code FROM ref_organisations WHERE level = 'sub_icb' UNION SELECT old_code FROM ref_successors
), providers AS (
  SELECT code FROM ref_organisations WHERE level = 'provider'
), base AS (
  SELECT r.*,
    ${keyOf} AS key_n,
    CASE WHEN ${startExpr} BETWEEN DATE '1990-01-01' AND $today::DATE THEN ${startExpr} END AS start_n,
    ebi_age(${ageField}) AS age_n,
    CASE WHEN trim(sex) IN ('0', '1', '2', '9') THEN trim(sex) ELSE '0' END AS sex_n,
    CASE WHEN upper(trim(ethnos)) IN (${ethnicCodes.map((c) => `'${c}'`).join(", ")}) THEN upper(trim(ethnos)) END AS ethnos_n,
    nullif(upper(trim(lsoa)), '') AS lsoa_n,
    nullif(upper(trim(procode)), '') AS procode_n,
    nullif(upper(trim(sub_icb)), '') AS sub_icb_o
  FROM ${quoteIdentifier(raw)} r
), joined AS (
  SELECT b.*, imd.imd_decile AS imd_n, s.new_code AS successor,
    -- Unknown only against loaded reference data: with none loaded there is nothing to check against.
    (b.procode_n IN (SELECT code FROM providers) OR NOT EXISTS (SELECT 1 FROM providers)) AS provider_known,
    (b.sub_icb_o IN (SELECT code FROM commissioners) OR NOT EXISTS (SELECT 1 FROM commissioners)) AS commissioner_known,
    d.source_row IS NOT NULL AS duplicate
  FROM base b
  LEFT JOIN ${duplicates} d ON d.source_row = b.source_row
  LEFT JOIN imd ON imd.lsoa = b.lsoa_n
  LEFT JOIN successors s ON s.old_code = b.sub_icb_o
), checked AS (
  SELECT *, CASE WHEN ${problems.map((p) => `coalesce(${p.when}, false)`).join(" OR ")}
    THEN list_filter([${problems.map((p) => `ebi_problem(${p.when}, '${p.field}', ${p.value}, '${p.reason}')`).join(",\n    ")}], p -> p IS NOT NULL)
    ELSE [] END AS problems FROM joined
)
SELECT source_row, ${outputs}, problems,
  len(list_filter(problems, p -> list_contains(${quarantineReasons}, p.reason))) > 0 AS quarantined
FROM checked`,
  ];
}

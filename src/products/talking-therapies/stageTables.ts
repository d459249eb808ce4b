import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteIdentifier, quoteLiteral, runOn } from "../../db/index.ts";
import { InputError } from "../../errors/index.ts";
import { withInsertionOrder } from "./insertionOrder.ts";
import { type TableField, type TableLayout, tableLayouts } from "./tables.ts";

/** One table file as it was read. */
export interface StagedTable {
  table: string;
  file: string;
  format: "csv" | "parquet";
  rows: number;
  accepted: number;
  quarantined: number;
  /** Rows replaced by a later submission of the same record. */
  superseded: number;
  /** v2.1 field → the file's column it was read from. */
  columns: Record<string, string>;
}

/** Name of the clean table holding one IAPT table's latest, valid records. */
export const cleanTable = (table: string): string => `tt_${table}`;

/** Rows that could not be used, each with file, row, field, value and reason. */
export const quarantineTable = "tt_quarantine";

const macros = [
  `tt_date(x) AS coalesce(TRY_CAST(left(x, 10) AS DATE), try_strptime(x, '%d/%m/%Y')::DATE,
     try_strptime(x, '%Y%m%d')::DATE)`,
  `tt_problem(cond, field, value, reason) AS CASE WHEN cond THEN {'field': field, 'value': value, 'reason': reason} END`,
];

/** Finds the file for a table in `dir`: `<table>.csv`, `.parquet` or `.parq`, any letter case. */
export function findTableFile(dir: string, table: string): string | undefined {
  const wanted = [".csv", ".parquet", ".parq"].map((ext) => `${table}${ext}`.toLowerCase());
  const found = readdirSync(dir).find((name) => wanted.includes(name.toLowerCase()));
  return found === undefined ? undefined : join(dir, found);
}

const squash = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Maps each field to the file column holding it, by v2.1 name first, then by alias (case and `_` ignored). */
function mapColumns(layout: TableLayout, columns: string[], file: string): Record<string, string> {
  const byName = new Map(columns.map((c) => [squash(c), c]));
  const mapped: Record<string, string> = {};
  for (const field of layout.fields) {
    const hit = [field.name, ...field.aliases].map((n) => byName.get(squash(n))).find((c) => c !== undefined);
    if (hit !== undefined) mapped[field.name] = hit;
    else if (field.required)
      throw new InputError("EBI_FILE_COLUMNS", `the ${layout.name} table has no ${field.name} column`, {
        file,
        field: field.name,
        expected: `a column named ${[field.name, ...field.aliases].join(", ")}`,
      });
  }
  return mapped;
}

function isParquet(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(4096);
    const read = readSync(fd, buffer, 0, 4096, 0);
    const head = buffer.subarray(0, read);
    if (head.subarray(0, 4).toString("latin1") === "PAR1") return true;
    if (head.includes(0))
      throw new InputError("EBI_FILE_UNREADABLE", "the file is neither CSV text nor Parquet", {
        file,
        expected: "a CSV file with a header row, or a Parquet file",
      });
    return false;
  } finally {
    closeSync(fd);
  }
}

/** The field's text with blanks ("", "NULL") as NULL, as SQL over the raw text column `c`. */
function trimmed(c: string): string {
  return `nullif(nullif(nullif(trim(${c}), ''), 'NULL'), 'null')`;
}

/** The normalised value of a field, as SQL over its trimmed text `t` (see `trimmed`). */
function normalised(field: TableField, t: string): string {
  switch (field.kind) {
    case "date":
      return `tt_date(${t})`;
    case "score":
      return `TRY_CAST(${t} AS DOUBLE)`;
    case "code": {
      // Spreadsheet exports turn codes into numbers ("5.0"); a trailing ".0" is the same code.
      const code = `upper(CASE WHEN suffix(${t}, '.0') THEN left(${t}, length(${t}) - 2) ELSE ${t} END)`;
      // Short numeric codes are padded ("2" → "02"); longer ones are left as they are, to fail the check.
      if (field.pad)
        return `CASE WHEN length(${code}) < ${field.pad} AND regexp_full_match(${code}, '[0-9]+') THEN lpad(${code}, ${field.pad}, '0') ELSE ${code} END`;
      if (field.allowed)
        return `CASE WHEN ${code} IN (${field.allowed.map(quoteLiteral).join(", ")}) THEN ${code}
          WHEN regexp_full_match(${code}, '[0-9]+') THEN CAST(TRY_CAST(${code} AS INTEGER) AS VARCHAR) ELSE ${code} END`;
      return code;
    }
    default:
      return t;
  }
}

interface Check {
  cond: string;
  field: string;
  value: string;
  reason: string;
}

/** Problems with one field of a row: SQL over raw text `c`, trimmed text `t` and normalised `value`. */
function problems(field: TableField, c: string, t: string, value: string): Check[] {
  const at = (cond: string, reason: string): Check => ({ cond, field: field.name, value: c, reason });
  const out: Check[] = [];
  if (field.required) out.push(at(`${t} IS NULL`, "missing"));
  if (field.kind === "date")
    out.push(at(`${t} IS NOT NULL AND ${value} IS NULL`, "not a date (expected YYYY-MM-DD)"));
  if (field.kind === "score") {
    out.push(at(`${t} IS NOT NULL AND ${value} IS NULL`, "not a number"));
    out.push(at(`${value} < 0`, "negative"));
  }
  if (field.allowed)
    out.push(
      at(
        `${value} IS NOT NULL AND ${value} NOT IN (${field.allowed.map(quoteLiteral).join(", ")})`,
        `not a valid code (expected one of ${field.allowed.join(", ")})`,
      ),
    );
  if (field.pad)
    out.push(
      at(
        `${value} IS NOT NULL AND NOT regexp_full_match(${value}, '[0-9]{${field.pad}}')`,
        `not a ${field.pad}-digit code`,
      ),
    );
  return out;
}

/**
 * The problems list of a row, built only for rows with a problem (most rows have none); NULL for a
 * row without one, which stores far more cheaply than an empty list.
 */
function problemsSql(checks: Check[]): string {
  if (checks.length === 0) return "CAST(NULL AS STRUCT(field VARCHAR, value VARCHAR, reason VARCHAR)[])";
  const structs = checks.map(
    (k) => `tt_problem(${k.cond}, ${quoteLiteral(k.field)}, ${k.value}, ${quoteLiteral(k.reason)})`,
  );
  return `CASE WHEN coalesce(${checks.map((k) => `(${k.cond})`).join(" OR ")}, false)
    THEN list_filter([${structs.join(", ")}], p -> p IS NOT NULL) END`;
}

/** A code already in its normalised form: capitals, digits and dots, no spreadsheet ".0" tail. */
const canonicalCode = /^[0-9A-Z.]+$/;

/**
 * A cheap test, over a field's raw text `c`, that the value is already in normalised form and
 * passes every check of its field, so that `normalised` would return it unchanged (or, for dates
 * and scores, simply cast). Most rows of a real extract pass for every field; only the rest are
 * routed through trimming, normalising and checking. Conservative: a value it rejects may still be
 * valid (the full path decides), but one it accepts is exactly what the full path would make.
 * Undefined when the field has no such test (its rows always take the full path).
 */
function cleanTest(field: TableField, c: string): string | undefined {
  // Printable ASCII with no space at either end: trimming leaves it as it is.
  const printable = `regexp_full_match(${c}, '[!-~]([ -~]*[!-~])?') AND ${c} NOT IN ('NULL', 'null')`;
  let test: string | undefined;
  switch (field.kind) {
    case "id":
    case "text":
      test = printable;
      break;
    case "date":
      test = `regexp_full_match(${c}, '[0-9]{4}-[0-9]{2}-[0-9]{2}') AND TRY_CAST(${c} AS DATE) IS NOT NULL`;
      break;
    case "score":
      test = `regexp_full_match(${c}, '[0-9]+([.][0-9]+)?')`;
      break;
    case "code":
      if (field.allowed) {
        const canonical = field.allowed.every(
          (a) =>
            canonicalCode.test(a) &&
            !a.endsWith(".0") &&
            (field.pad === undefined || (a.length === field.pad && /^[0-9]+$/.test(a))),
        );
        if (canonical) test = `${c} IN (${field.allowed.map(quoteLiteral).join(", ")})`;
      } else if (field.pad) test = `regexp_full_match(${c}, '[0-9]{${field.pad}}')`;
      else test = `regexp_full_match(${c}, '[0-9A-Z.]+') AND NOT suffix(${c}, '.0') AND ${c} <> 'NULL'`;
      break;
  }
  if (test === undefined) return undefined;
  return field.required ? `(${test})` : `(${c} IS NULL OR (${test}))`;
}

/** The value of a field that passed `cleanTest`, as SQL over its raw text `c`. */
function cleanValue(field: TableField, c: string): string {
  return field.kind === "date"
    ? `TRY_CAST(${c} AS DATE)`
    : field.kind === "score"
      ? `TRY_CAST(${c} AS DOUBLE)`
      : c;
}

/** The latest-record-wins ordering for resubmissions, given the fields present. */
function latestFirst(present: Set<string>): string {
  const order = ["ReportingPeriodEndDate", "UniqueSubmissionID"]
    .filter((f) => present.has(f))
    .map((f) => `${quoteIdentifier(f)} DESC NULLS LAST`);
  return [...order, "source_row DESC"].join(", ");
}

/** Reads a table file's first row to learn its columns, as a typed error when it cannot be read. */
async function fileColumns(connection: DuckDBConnection, from: string, file: string): Promise<string[]> {
  try {
    return (await allOn<{ column_name: string }>(connection, `DESCRIBE SELECT * FROM ${from}`)).map(
      (c) => c.column_name,
    );
  } catch (error) {
    throw unreadable(error, file);
  }
}

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
 * Reads one table file into `tt_stage_<table>` (every row, normalised, with its problems), then
 * keeps its valid, latest records as `tt_<table>`. A CSV file's columns are first copied as text
 * into a temporary table, whose row ids number the rows; Parquet is read straight. The clean table
 * is the stage itself when no row is bad or superseded.
 */
async function stageOne(
  connection: DuckDBConnection,
  layout: TableLayout,
  file: string,
): Promise<StagedTable> {
  if (statSync(file).size === 0) throw new InputError("EBI_FILE_EMPTY", "the file is empty", { file });
  const parquet = isParquet(file);
  const from = parquet
    ? `read_parquet(${quoteLiteral(file)}, file_row_number = true)`
    : `read_csv(${quoteLiteral(file)}, header = true, all_varchar = true)`;
  const columns = (await fileColumns(connection, from, file)).filter((c) => c !== "file_row_number");
  const mapped = mapColumns(layout, columns, file);
  const present = new Set(Object.keys(mapped));
  const fields = layout.fields.filter((f) => present.has(f.name));
  const id = (prefix: string, f: TableField) => quoteIdentifier(`${prefix}${f.name}`);
  const rawColumns = fields
    .map((f) => `CAST(${quoteIdentifier(mapped[f.name] as string)} AS VARCHAR) AS ${id("r_", f)}`)
    .join(", ");
  const raw = quoteIdentifier(`tt_raw_${layout.name}`);
  if (!parquet) {
    // CSV rows have no number of their own. A plain SELECT from one file keeps the file's order
    // into a table (DuckDB's documented order preservation), so the table's rowid is the file
    // row, read in parallel; numbering the scan with row_number() OVER () instead would run the
    // whole read and every check below on a single thread.
    try {
      await withInsertionOrder(connection, true, () =>
        runOn(
          connection,
          `CREATE OR REPLACE TEMP TABLE ${raw} AS SELECT ${rawColumns} FROM ${from}`,
          undefined,
          `read ${layout.name}`,
        ),
      );
    } catch (error) {
      throw unreadable(error, file);
    }
  }
  const read = parquet
    ? `SELECT file_row_number + 1 AS source_row, ${rawColumns} FROM ${from}`
    : `SELECT rowid + 1 AS source_row, * FROM ${raw}`;
  // One combined test per row: a clean row skips trimming, normalising and checking altogether.
  const tests = fields.map((f) => cleanTest(f, id("r_", f)));
  const cleanRow = tests.some((t) => t === undefined) ? "false" : ["true", ...tests].join(" AND ");
  const tested = `SELECT *, coalesce(${cleanRow}, false) AS clean_row FROM (${read})`;
  // Trimmed text and normalised values are written out only for rows that are not clean, so the
  // full path's expressions (repeated in SQL, as `trimmed` is inlined) cost nothing on clean rows.
  const t = (f: TableField) => `(${trimmed(id("r_", f))})`;
  const values = fields.map(
    (f) =>
      `CASE WHEN clean_row THEN ${cleanValue(f, id("r_", f))} ELSE ${normalised(f, t(f))} END AS ${quoteIdentifier(f.name)}`,
  );
  const absent = layout.fields
    .filter((f) => !present.has(f.name))
    .map((f) => `CAST(NULL AS ${sqlType(f)}) AS ${quoteIdentifier(f.name)}`);
  const normalisedRows = `SELECT *, ${[...values, ...absent].join(", ")} FROM (${tested})`;
  const checks = fields.flatMap((f) => problems(f, id("r_", f), t(f), quoteIdentifier(f.name)));
  const crossChecks: Check[] = [];
  for (const check of layout.rowChecks ?? []) {
    const field = fields.find((f) => f.name === check.field);
    if (field)
      crossChecks.push({ cond: check.cond, field: field.name, value: id("r_", field), reason: check.reason });
  }
  checks.push(...crossChecks);
  // A clean row can still fail a check across its fields (a PHQ-9 total of 30).
  const cleanAndSound =
    crossChecks.length === 0
      ? "clean_row"
      : `clean_row AND NOT coalesce(${crossChecks.map((k) => `(${k.cond})`).join(" OR ")}, false)`;
  const stage = quoteIdentifier(`tt_stage_${layout.name}`);
  const clean = quoteIdentifier(cleanTable(layout.name));
  try {
    await runOn(
      connection,
      `CREATE OR REPLACE TABLE ${stage} AS
       SELECT source_row, ${layout.fields.map((f) => quoteIdentifier(f.name)).join(", ")},
              CASE WHEN ${cleanAndSound} THEN NULL ELSE ${problemsSql(checks)} END AS problems
       FROM (${normalisedRows})`,
      undefined,
      `stage ${layout.name}`,
    );
  } catch (error) {
    throw unreadable(error, file);
  } finally {
    await runOn(connection, `DROP TABLE IF EXISTS ${raw}`, undefined, `read ${layout.name}`);
  }
  await runOn(
    connection,
    `INSERT INTO ${quarantineTable}
     SELECT $table, $file, source_row, p.field, p.value, p.reason
     FROM (SELECT source_row, unnest(problems) AS p FROM ${stage} WHERE problems IS NOT NULL)`,
    { table: layout.name, file },
    `quarantine ${layout.name}`,
  );
  const keyTuple = layout.key.map((k) => quoteIdentifier(k)).join(", ");
  const [counts] = await allOn<{ rows: number; bad: number; distinct_keys: number }>(
    connection,
    `SELECT count(*) AS rows, count(*) FILTER (WHERE problems IS NOT NULL) AS bad,
            count(DISTINCT (${keyTuple})) FILTER (WHERE problems IS NULL) AS distinct_keys FROM ${stage}`,
    undefined,
    `count ${layout.name}`,
  );
  const rows = counts?.rows ?? 0;
  const bad = counts?.bad ?? 0;
  const kept = counts?.distinct_keys ?? 0;
  await runOn(connection, `DROP TABLE IF EXISTS ${clean}`, undefined, `replace ${layout.name}`);
  if (bad === 0 && kept === rows) {
    // Nothing to drop: the stage becomes the clean table without another copy.
    await runOn(
      connection,
      `ALTER TABLE ${stage} DROP COLUMN problems; ALTER TABLE ${stage} RENAME TO ${clean}`,
      undefined,
      `keep ${layout.name}`,
    );
  } else {
    await runOn(
      connection,
      `CREATE TABLE ${clean} AS
       SELECT * EXCLUDE (problems) FROM ${stage} WHERE problems IS NULL
       QUALIFY row_number() OVER (PARTITION BY ${keyTuple} ORDER BY ${latestFirst(present)}) = 1;
       DROP TABLE ${stage}`,
      undefined,
      `latest ${layout.name}`,
    );
  }
  return {
    table: layout.name,
    file,
    format: parquet ? "parquet" : "csv",
    rows,
    accepted: kept,
    quarantined: bad,
    superseded: rows - bad - kept,
    columns: mapped,
  };
}

function sqlType(field: TableField): string {
  return field.kind === "date" ? "DATE" : field.kind === "score" ? "DOUBLE" : "VARCHAR";
}

/** An empty clean table for an optional table the folder does not hold. */
async function emptyTable(connection: DuckDBConnection, layout: TableLayout): Promise<void> {
  const columns = layout.fields.map((f) => `${quoteIdentifier(f.name)} ${sqlType(f)}`).join(", ");
  await connection.run(
    `CREATE OR REPLACE TABLE ${quoteIdentifier(cleanTable(layout.name))} (source_row BIGINT, ${columns})`,
  );
}

/**
 * Creates an empty clean table for each optional table the connection lacks, so a store loaded
 * before a table was added to the layout still measures (the table simply holds no rows).
 */
export async function ensureOptionalTables(connection: DuckDBConnection): Promise<void> {
  for (const layout of tableLayouts.filter((t) => !t.required)) {
    const columns = layout.fields.map((f) => `${quoteIdentifier(f.name)} ${sqlType(f)}`).join(", ");
    await connection.run(
      `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(cleanTable(layout.name))} (source_row BIGINT, ${columns})`,
    );
  }
}

/** Orphans: rows whose parent record is absent are quarantined, never silently dropped. */
const orphanRules: { table: string; where: string; field: string; reason: string }[] = [
  {
    table: "IDS201CareContact",
    field: "PathwayID",
    where: `NOT EXISTS (SELECT 1 FROM tt_IDS101Referral r WHERE r.PathwayID = t.PathwayID)`,
    reason: "no referral (IDS101Referral) with this PathwayID",
  },
  {
    table: "IDS603PresentingComplaints",
    field: "PathwayID",
    where: `NOT EXISTS (SELECT 1 FROM tt_IDS101Referral r WHERE r.PathwayID = t.PathwayID)`,
    reason: "no referral (IDS101Referral) with this PathwayID",
  },
  {
    table: "IDS202CareActivity",
    field: "CareContactId",
    where: `NOT EXISTS (SELECT 1 FROM tt_IDS201CareContact c WHERE c.CareContactId = t.CareContactId)`,
    reason: "no care contact (IDS201CareContact) with this CareContactId",
  },
  {
    table: "IDS606CodedScoreAssessmentRefer",
    field: "PathwayID",
    where: `NOT EXISTS (SELECT 1 FROM tt_IDS101Referral r WHERE r.PathwayID = t.PathwayID)`,
    reason: "no referral (IDS101Referral) with this PathwayID",
  },
  {
    table: "IDS607CodedScoreAssessmentAct",
    field: "CareActId",
    where: `NOT EXISTS (SELECT 1 FROM tt_IDS202CareActivity a WHERE a.CareActId = t.CareActId)
            AND NOT EXISTS (SELECT 1 FROM tt_IDS101Referral r WHERE r.PathwayID = t.PathwayID)`,
    reason: "no care activity (IDS202CareActivity) with this CareActId, and no referral named",
  },
];

/**
 * Reads every IAPT table file in `dir` into clean tables `tt_<table>` (valid rows, latest record
 * per key) and `tt_quarantine` (file, row, field, value, reason for every unusable row). Missing
 * required tables and unreadable files are typed errors; missing optional tables are empty.
 */
export async function stageTables(connection: DuckDBConnection, dir: string): Promise<StagedTable[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new InputError("EBI_FILE_UNREADABLE", "the input folder does not exist", {
      file: dir,
      expected: "a folder holding one file per IAPT table",
    });
  for (const macro of macros) await runOn(connection, `CREATE OR REPLACE TEMP MACRO ${macro}`);
  await connection.run(
    `CREATE OR REPLACE TABLE ${quarantineTable} (table_name VARCHAR, file VARCHAR, source_row BIGINT, field VARCHAR, value VARCHAR, reason VARCHAR)`,
  );
  const staged: StagedTable[] = [];
  for (const layout of tableLayouts) {
    const file = findTableFile(dir, layout.name);
    if (file === undefined) {
      if (layout.required)
        throw new InputError("EBI_TT_TABLE_MISSING", `the folder has no ${layout.name} table`, {
          file: dir,
          expected: `${layout.name}.csv or ${layout.name}.parquet`,
        });
      await emptyTable(connection, layout);
      continue;
    }
    staged.push(await stageOne(connection, layout, file));
  }
  for (const rule of orphanRules) {
    const table = quoteIdentifier(cleanTable(rule.table));
    const file = staged.find((s) => s.table === rule.table)?.file ?? null;
    const [found] = await allOn<{ n: number }>(
      connection,
      `SELECT count(*) AS n FROM ${table} t WHERE ${rule.where}`,
      undefined,
      `orphans of ${rule.table}`,
    );
    const orphans = found?.n ?? 0;
    if (orphans === 0) continue;
    await runOn(
      connection,
      `INSERT INTO ${quarantineTable}
       SELECT $table, $file, source_row, $field, t.${quoteIdentifier(rule.field)}, $reason FROM ${table} t WHERE ${rule.where}`,
      { table: rule.table, file, field: rule.field, reason: rule.reason },
      `orphans of ${rule.table}`,
    );
    await runOn(
      connection,
      `DELETE FROM ${table} t WHERE ${rule.where}`,
      undefined,
      `orphans of ${rule.table}`,
    );
    const entry = staged.find((s) => s.table === rule.table);
    if (entry) {
      entry.accepted -= orphans;
      entry.quarantined += orphans;
    }
  }
  return staged;
}

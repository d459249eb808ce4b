import { randomUUID } from "node:crypto";
import { closeSync, existsSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import ExcelJS from "exceljs";
import { allOn, quoteIdentifier, quoteLiteral, runOn } from "../db/index.ts";
import { InputError } from "../errors/index.ts";
import { approvalFields, columnKey } from "./approvalFields.ts";
import type { ApprovalMapping } from "./approvalMapping.ts";

export interface RawApprovals {
  file: string;
  format: "csv" | "xlsx";
  rows: number;
  /** Canonical field → the file's column it was read from. */
  columns: Record<string, string>;
}

function head(file: string, bytes: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/** A spreadsheet cell as the text a CSV would have held: dates as ISO days, formulas as their result. */
function cellText(value: ExcelJS.CellValue): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("result" in value) return cellText(value.result as ExcelJS.CellValue);
    if ("richText" in value) return value.richText.map((r) => r.text).join("");
    if ("text" in value) return String(value.text);
    if ("error" in value) return String(value.error);
    return null;
  }
  return String(value);
}

/** The first worksheet as a header and rows of text. */
async function readWorkbook(file: string): Promise<{ header: string[]; rows: (string | null)[][] }> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(file);
  } catch (error) {
    throw new InputError("EBI_FILE_UNREADABLE", `the workbook cannot be read: ${(error as Error).message}`, {
      file,
      expected: "an .xlsx workbook with a header row on its first sheet",
    });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet || sheet.rowCount === 0)
    throw new InputError("EBI_FILE_EMPTY", "the workbook has no rows", { file });
  const width = sheet.getRow(1).cellCount;
  const header = Array.from(
    { length: width },
    (_, i) => cellText(sheet.getRow(1).getCell(i + 1).value) ?? "",
  );
  const rows: (string | null)[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    if (number === 1) return;
    rows.push(header.map((_, i) => cellText(row.getCell(i + 1).value)));
  });
  return { header, rows };
}

/** Finds each approval field among a file's columns, through the mapping first, then by name or alias. */
function mapColumns(file: string, columns: string[], mapping?: ApprovalMapping): Record<string, string> {
  const byKey = new Map(columns.map((c) => [columnKey(c), c] as const));
  const mapped: Record<string, string> = {};
  for (const field of approvalFields) {
    const named = mapping?.columns?.[field.name];
    if (named !== undefined) {
      const found = byKey.get(columnKey(named));
      if (!found)
        throw new InputError("EBI_FILE_COLUMNS", `the mapping names a column the file does not have`, {
          file,
          field: field.name,
          value: named,
          expected: `one of ${columns.join(", ")}`,
        });
      mapped[field.name] = found;
      continue;
    }
    const found = [field.name, ...field.aliases].map((n) => byKey.get(columnKey(n))).find((c) => c);
    if (found) mapped[field.name] = found;
  }
  const missing = approvalFields
    .filter((f) => f.required && !mapped[f.name] && mapping?.constants?.[f.name] === undefined)
    .map((f) => f.name);
  if (missing.length > 0)
    throw new InputError("EBI_FILE_COLUMNS", `required columns are missing: ${missing.join(", ")}`, {
      file,
      field: missing.join(", "),
      expected: `the approvals layout or an alias (docs/data-dictionary.md), or a mapping file; found ${columns.slice(0, 15).join(", ")}`,
    });
  return mapped;
}

/**
 * Reads an approvals file (CSV or XLSX) into the table `table`: `source_row` (1 = the first row
 * after the header) and one text column per approval field, NULL where the file has none. A header
 * with no rows is an empty list of approvals, not an error: a check against none is still a check. Mapping
 * constants fill a field the export lacks (a Blueteq export of prior approvals only: type `PA`).
 */
export async function readApprovalsFile(
  connection: DuckDBConnection,
  options: { file: string; table: string; mapping?: ApprovalMapping },
): Promise<RawApprovals> {
  const { file, mapping } = options;
  const table = quoteIdentifier(options.table);
  if (!existsSync(file)) throw new InputError("EBI_FILE_UNREADABLE", "the file does not exist", { file });
  if (statSync(file).size === 0) throw new InputError("EBI_FILE_EMPTY", "the file is empty", { file });
  const magic = head(file, 4096);
  const xlsx = magic.subarray(0, 4).toString("latin1") === "PK\u0003\u0004";
  if (!xlsx && magic.includes(0))
    throw new InputError("EBI_FILE_UNREADABLE", "the file is neither CSV text nor an .xlsx workbook", {
      file,
      expected: "a CSV file with a header row, or an .xlsx workbook",
    });
  const fieldSelect = (mapped: Record<string, string>, all: string[], prefix = "") =>
    approvalFields.map((f) => {
      const constant = mapping?.constants?.[f.name];
      if (mapped[f.name])
        return `CAST(${prefix}${quoteIdentifier(mapped[f.name] as string, all)} AS VARCHAR) AS ${f.name}`;
      return constant !== undefined ? `${quoteLiteral(constant)} AS ${f.name}` : `NULL::VARCHAR AS ${f.name}`;
    });
  if (xlsx) {
    const { header, rows } = await readWorkbook(file);
    const columns = header.map((h, i) => h || `column_${i + 1}`);
    const mapped = mapColumns(file, columns, mapping);
    const rawName = `${options.table}_sheet`;
    const positional = columns.map((_, i) => `c${i + 1}`);
    await runOn(
      connection,
      `CREATE OR REPLACE TABLE ${quoteIdentifier(rawName)} (source_row BIGINT, ${positional.map((c) => `${c} VARCHAR`).join(", ")})`,
    );
    const appender = await connection.createAppender(rawName);
    rows.forEach((row, index) => {
      appender.appendBigInt(BigInt(index + 1));
      for (const value of row) {
        if (value === null) appender.appendNull();
        else appender.appendVarchar(value);
      }
      appender.endRow();
    });
    appender.closeSync();
    const byPosition = Object.fromEntries(
      Object.entries(mapped).map(([field, column]) => [field, `c${columns.indexOf(column) + 1}`]),
    );
    await runOn(
      connection,
      `CREATE OR REPLACE TABLE ${table} AS SELECT source_row, ${fieldSelect(byPosition, positional).join(", ")} FROM ${quoteIdentifier(rawName)}`,
      undefined,
      `read ${file}`,
    );
    await runOn(connection, `DROP TABLE ${quoteIdentifier(rawName)}`);
    return { file, format: "xlsx", rows: rows.length, columns: mapped };
  }
  const csv = `read_csv(${quoteLiteral(file)}, header = true, all_varchar = true, sample_size = -1)`;
  let columns: string[];
  try {
    columns = (await allOn<{ column_name: string }>(connection, `DESCRIBE SELECT * FROM ${csv}`)).map(
      (c) => c.column_name,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/unicode|utf-?8|encoding/i.test(message))
      throw new InputError("EBI_FILE_ENCODING", "the file is not UTF-8 text", {
        file,
        expected: "a UTF-8 CSV file",
      });
    throw new InputError("EBI_FILE_UNREADABLE", `the file cannot be read: ${message.split("\n")[0]}`, {
      file,
      expected: "a CSV file with a header row, or an .xlsx workbook",
    });
  }
  const mapped = mapColumns(file, columns, mapping);
  // CSV rows carry no number of their own: a copy in file order to Parquet numbers them.
  const copy = join(tmpdir(), `approvals-${process.pid}-${randomUUID()}.parquet`);
  try {
    await runOn(
      connection,
      `COPY (SELECT * FROM ${csv}) TO ${quoteLiteral(copy)} (FORMAT parquet)`,
      undefined,
      `read ${file}`,
    );
    await runOn(
      connection,
      `CREATE OR REPLACE TABLE ${table} AS
       SELECT file_row_number + 1 AS source_row, ${fieldSelect(mapped, columns).join(", ")}
       FROM read_parquet(${quoteLiteral(copy)}, file_row_number = true)`,
      undefined,
      `read ${file}`,
    );
  } finally {
    rmSync(copy, { force: true });
  }
  const [{ rows } = { rows: 0 }] = await allOn<{ rows: number }>(
    connection,
    `SELECT count(*) AS rows FROM ${table}`,
  );
  return { file, format: "csv", rows, columns: mapped };
}

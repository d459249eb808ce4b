import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteLiteral } from "../../db/index.ts";
import type { ErrorCode } from "../../errors/index.ts";
import { EbiError } from "../../errors/index.ts";

/** `read_csv(…)` of a CSV file with a header row, every column as text. */
export const textCsv = (file: string) => `read_csv(${quoteLiteral(file)}, header = true, all_varchar = true)`;

/** The column names of a CSV file's header row, in file order; fails with `code` when it cannot be read as CSV. */
export async function readCsvHeader(
  connection: DuckDBConnection,
  file: string,
  code: ErrorCode,
): Promise<string[]> {
  try {
    const described = await allOn<{ column_name: string }>(
      connection,
      `DESCRIBE SELECT * FROM ${textCsv(file)}`,
    );
    return described.map((c) => c.column_name);
  } catch (error) {
    throw new EbiError(code, `${file} cannot be read as CSV: ${(error as Error).message}`, { file });
  }
}

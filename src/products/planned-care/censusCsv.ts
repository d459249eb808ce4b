import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteIdentifier, quoteLiteral } from "../../db/index.ts";
import type { ErrorCode } from "../../errors/index.ts";
import { EbiError } from "../../errors/index.ts";
import { readCsvHeader } from "./csvHeader.ts";

/** A Census-style CSV opened under positional column names, with its columns found by header. */
export interface CensusCsv {
  /** `read_csv(…)` expression whose columns are named c0, c1, … in file order. */
  from: string;
  /** SQL for the trimmed text (NULL when empty) of the column headed `name`, matched without regard to case. */
  column(name: string): string;
}

/**
 * Opens a CSV whose headers are ONS's (spaces and brackets), failing with `code` when it cannot be
 * read or when a column is looked up that it lacks; `expected` lists the columns a file must have.
 */
export async function openCensusCsv(
  connection: DuckDBConnection,
  file: string,
  code: ErrorCode,
  expected: readonly string[],
): Promise<CensusCsv> {
  const header = await readCsvHeader(connection, file, code);
  // ONS's headers hold spaces and brackets, so columns are read under positional names (c0, c1, …).
  const position = new Map(header.map((h, i) => [h.trim().toLowerCase(), i]));
  return {
    from: `read_csv(${quoteLiteral(file)}, header = true, all_varchar = true, names = [${header
      .map((_, i) => quoteLiteral(`c${i}`))
      .join(", ")}])`,
    column: (name) => {
      const found = position.get(name.toLowerCase());
      if (found === undefined)
        throw new EbiError(code, `${file} lacks the column "${name}" (found ${header.join(", ")}).`, {
          file,
          field: name,
          expected: expected.join(", "),
        });
      return `nullif(trim(${quoteIdentifier(`c${found}`)}), '')`;
    },
  };
}

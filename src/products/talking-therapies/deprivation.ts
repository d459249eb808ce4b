import { existsSync } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteIdentifier, quoteLiteral, runOn } from "../../db/index.ts";
import { InputError } from "../../errors/index.ts";
import { imdColumns } from "../../reference/layouts.ts";

/**
 * The IMD decile of each pathway's LSOA, as the national publication derives it: looked up in
 * the English Indices of Deprivation (File 7) by the person's LSOA of residence, not taken from the
 * extract. `tt_imd` (lsoa, imd_decile) holds the lookup; the pathway flags join it, and fall back
 * to an `IndicesOfDeprivationDecile` column only for people whose LSOA the lookup does not hold.
 */
export const imdTable = "tt_imd";

/** Where the deciles came from, for the provenance. */
export interface ImdSource {
  source: "file" | "store" | "extract";
  vintage?: string;
  file?: string;
  lsoas: number;
}

const createEmpty = `CREATE OR REPLACE TEMP TABLE ${imdTable} (lsoa VARCHAR, imd_decile INTEGER)`;

/** Ensures `tt_imd` exists (empty when nothing has filled it), so the flags can always join it. */
export async function ensureImdTable(connection: DuckDBConnection): Promise<void> {
  await runOn(
    connection,
    `CREATE TEMP TABLE IF NOT EXISTS ${imdTable} (lsoa VARCHAR, imd_decile INTEGER)`,
    undefined,
    "IMD lookup",
  );
}

/**
 * Fills `tt_imd` from an IMD File 7 CSV (2019 for LSOA 2011 codes, 2025 for LSOA 2021), else from
 * the store's reference IMD (`ref_imd`, 2019 preferred since IAPT records LSOA 2011), else leaves it
 * empty. A decile outside 1–10 is a typed error naming the file, row and value.
 */
export async function prepareImd(connection: DuckDBConnection, file?: string): Promise<ImdSource> {
  await runOn(connection, createEmpty, undefined, "IMD lookup");
  if (file !== undefined) return loadImdFile(connection, file);
  const [stored] = await allOn<{ n: number }>(
    connection,
    `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'ref_imd' AND NOT temporary`,
  );
  if ((stored?.n ?? 0) > 0) {
    const [vintage] = await allOn<{ v: string | null }>(
      connection,
      `SELECT CASE WHEN bool_or(vintage = '2019') THEN '2019' ELSE max(vintage) END AS v FROM ref_imd`,
    );
    if (vintage?.v) {
      await runOn(
        connection,
        `INSERT INTO ${imdTable} SELECT lsoa, imd_decile FROM ref_imd WHERE vintage = $v`,
        { v: vintage.v },
        "IMD lookup",
      );
      return { source: "store", vintage: vintage.v, lsoas: await count(connection) };
    }
  }
  return { source: "extract", lsoas: 0 };
}

async function count(connection: DuckDBConnection): Promise<number> {
  const [row] = await allOn<{ n: number }>(connection, `SELECT count(*) AS n FROM ${imdTable}`);
  return row?.n ?? 0;
}

async function loadImdFile(connection: DuckDBConnection, file: string): Promise<ImdSource> {
  if (!existsSync(file))
    throw new InputError("EBI_FILE_UNREADABLE", "the IMD file does not exist", {
      file,
      expected: "the English Indices of Deprivation File 7 as CSV",
    });
  const from = `read_csv(${quoteLiteral(file)}, header = true, all_varchar = true)`;
  const columns = (await allOn<{ column_name: string }>(connection, `DESCRIBE SELECT * FROM ${from}`)).map(
    (c) => c.column_name,
  );
  const vintage = columns.includes(imdColumns["2019"].lsoa) ? "2019" : "2025";
  const layout = imdColumns[vintage];
  for (const name of [layout.lsoa, layout.decile])
    if (!columns.includes(name))
      throw new InputError("EBI_FILE_COLUMNS", `the IMD file has no "${name}" column`, {
        file,
        field: name,
        expected: `File 7 of the English Indices of Deprivation, with "${imdColumns["2019"].lsoa}" or "${imdColumns["2025"].lsoa}"`,
      });
  // The published headings have spaces and brackets; they are checked against the file's own columns.
  const lsoa = quoteIdentifier(layout.lsoa, columns);
  const decile = quoteIdentifier(layout.decile, columns);
  const bad = await allOn<{ row: number; value: string | null }>(
    connection,
    `SELECT row, value FROM (SELECT row_number() OVER () + 1 AS row, ${decile} AS value FROM ${from})
     WHERE TRY_CAST(trim(value) AS INTEGER) IS NULL OR NOT TRY_CAST(trim(value) AS INTEGER) BETWEEN 1 AND 10
     LIMIT 1`,
  );
  const first = bad[0];
  if (first)
    throw new InputError("EBI_INPUT_VALUE", "an IMD decile is not a whole number from 1 to 10", {
      file,
      row: first.row,
      field: layout.decile,
      value: first.value ?? "",
      expected: "a decile from 1 (most deprived) to 10",
    });
  await runOn(
    connection,
    `INSERT INTO ${imdTable} SELECT DISTINCT ON (trim(${lsoa})) trim(${lsoa}), CAST(trim(${decile}) AS INTEGER) FROM ${from}
     WHERE nullif(trim(${lsoa}), '') IS NOT NULL`,
    undefined,
    "IMD lookup",
  );
  return { source: "file", vintage, file, lsoas: await count(connection) };
}

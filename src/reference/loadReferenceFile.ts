import type { DuckDBConnection } from "@duckdb/node-api";
import type { Database } from "../db/index.ts";
import { allOn, runOn } from "../db/index.ts";
import type { Effects } from "../effects/index.ts";
import { EbiError, InputError } from "../errors/index.ts";
import { fileSha256 } from "../store/fileSha256.ts";
import { requireFile } from "../store/requireFile.ts";
import { type CsvSource, column, openCsv } from "./csvSource.ts";
import { imdColumns, odsStandardColumns, odsSuccessorColumns, populationAgeColumns } from "./layouts.ts";
import { loadTileLayout } from "./loadTileLayout.ts";

export const referenceDatasets = [
  "hierarchy",
  "lsoa_sub_icb",
  "ods_trusts",
  "ods_successors",
  "imd",
  "population",
  "tile_layout",
] as const;
export type ReferenceDataset = (typeof referenceDatasets)[number];

export interface ReferenceFile {
  dataset: ReferenceDataset;
  file: string;
  /** IMD: "2019" | "2025"; LSOA lookup: "2011" | "2021"; otherwise taken from the file. */
  vintage?: string;
  /** Population: the mid-year of the estimates. */
  year?: number;
}

export interface ReferenceLoad {
  dataset: ReferenceDataset;
  vintage: string;
  file: string;
  rows: number;
}

type Loader = (connection: DuckDBConnection, source: CsvSource, input: ReferenceFile) => Promise<string>;

/**
 * Reads one published reference file into the store, replacing the same dataset and vintage in one
 * transaction, and records its vintage and hash. A missing column or impossible value fails the
 * load with the file, row and field named; the store is then left as it was.
 */
export async function loadReferenceFile(
  db: Database,
  input: ReferenceFile,
  effects: Effects,
): Promise<ReferenceLoad> {
  // A cartogram layout is HexJSON, not a CSV table.
  if (input.dataset === "tile_layout") return loadTileLayout(db, input, effects);
  const loader = loaders[input.dataset];
  if (!loader) {
    throw new EbiError(
      "EBI_USAGE",
      `Unknown reference dataset ${JSON.stringify(input.dataset)}; expected one of ${referenceDatasets.join(", ")}.`,
    );
  }
  requireFile(input.file, `${input.dataset} file`);
  effects.progress.start(`reference ${input.dataset}`);
  const sha256 = await fileSha256(input.file).catch(() => "");
  const result = await db.transaction(async (connection) => {
    const source = await openCsv(connection, input.file, {
      names:
        input.dataset === "ods_trusts"
          ? odsStandardColumns
          : input.dataset === "ods_successors"
            ? odsSuccessorColumns
            : undefined,
    });
    const vintage = await loader(connection, source, input);
    await runOn(connection, "DELETE FROM ref_vintages WHERE dataset = $dataset AND vintage = $vintage", {
      dataset: input.dataset,
      vintage,
    });
    await runOn(
      connection,
      "INSERT INTO ref_vintages VALUES ($dataset, $vintage, $file, $sha256, $rows, $at::TIMESTAMP)",
      {
        dataset: input.dataset,
        vintage,
        file: input.file,
        sha256,
        rows: source.rows,
        at: effects.clock.now().toISOString(),
      },
    );
    return { dataset: input.dataset, vintage, file: input.file, rows: source.rows };
  }, `load reference ${input.dataset}`);
  effects.progress.finish(`${result.rows.toLocaleString("en-GB")} rows, vintage ${result.vintage}`);
  return result;
}

/** Fails on the first row where `condition` (SQL over the source's columns) is false. */
async function requireRows(
  connection: DuckDBConnection,
  source: CsvSource,
  check: { condition: string; field: string; value: string; expected: string },
): Promise<void> {
  const [bad] = await allOn<{ row: number; value: string | null }>(
    connection,
    `SELECT row, value FROM (SELECT row_number() OVER () AS row, ${check.value} AS value, (${check.condition}) AS ok FROM ${source.from})
     WHERE ok IS NOT TRUE ORDER BY row LIMIT 1`,
  );
  if (bad) {
    throw new InputError("EBI_INPUT_VALUE", "an impossible value", {
      file: source.file,
      row: bad.row,
      field: check.field,
      value: bad.value,
      expected: check.expected,
    });
  }
}

const odsDate = (expression: string) => `try_strptime(nullif(trim(${expression}), ''), '%Y%m%d')::DATE`;

const loaders: Record<Exclude<ReferenceDataset, "tile_layout">, Loader> = {
  async hierarchy(connection, source, input) {
    const c = (pattern: RegExp) => column(source, pattern);
    const [sub, subOds, subName] = [c(/^SICBL\d{2}CD$/i), c(/^SICBL\d{2}CDH$/i), c(/^SICBL\d{2}NM$/i)];
    const [icb, icbOds, icbName] = [c(/^ICB\d{2}CD$/i), c(/^ICB\d{2}CDH$/i), c(/^ICB\d{2}NM$/i)];
    const [reg, regOds, regName] = [c(/^NHSER\d{2}CD$/i), c(/^NHSER\d{2}CDH$/i), c(/^NHSER\d{2}NM$/i)];
    await requireRows(connection, source, {
      condition: `${subOds} IS NOT NULL AND ${icbOds} IS NOT NULL AND ${regOds} IS NOT NULL`,
      field: "SICBL/ICB/NHSER ODS codes",
      value: `coalesce(${subOds}, '') || ',' || coalesce(${icbOds}, '') || ',' || coalesce(${regOds}, '')`,
      expected: "an ODS code for the sub-ICB location, its ICB and its region",
    });
    await runOn(connection, "DELETE FROM ref_organisations WHERE level IN ('region', 'icb', 'sub_icb')");
    await runOn(
      connection,
      `INSERT INTO ref_organisations (code, name, level, parent_code, ons_code, source)
       SELECT DISTINCT trim(${regOds}), trim(${regName}), 'region', NULL, trim(${reg}), $file FROM ${source.from}
       UNION ALL SELECT DISTINCT trim(${icbOds}), trim(${icbName}), 'icb', trim(${regOds}), trim(${icb}), $file FROM ${source.from}
       UNION ALL SELECT DISTINCT trim(${subOds}), trim(${subName}), 'sub_icb', trim(${icbOds}), trim(${sub}), $file FROM ${source.from}`,
      { file: input.file },
    );
    return input.vintage ?? `20${/SICBL(\d{2})CD/i.exec(source.columns.join(","))?.[1] ?? "00"}`;
  },

  async lsoa_sub_icb(connection, source, input) {
    const lsoa = column(source, /^LSOA\d{2}CD$/i);
    const lsoaName = column(source, /^LSOA\d{2}NM$/i);
    const subOds = column(source, /^SICBL\d{2}CDH$/i);
    const vintage = input.vintage ?? `20${/LSOA(\d{2})CD/i.exec(source.columns.join(","))?.[1] ?? "21"}`;
    await requireRows(connection, source, {
      condition: `regexp_full_match(${lsoa}, '[EW]0[01][0-9]{6}') AND ${subOds} IS NOT NULL`,
      field: "LSOA code",
      value: lsoa,
      expected: "an LSOA code like E01000001 and a sub-ICB ODS code",
    });
    await runOn(connection, "DELETE FROM ref_lsoa_sub_icb");
    await runOn(
      connection,
      `INSERT INTO ref_lsoa_sub_icb SELECT trim(${lsoa}), trim(${lsoaName}), trim(${subOds}), $vintage FROM ${source.from}`,
      { vintage },
    );
    return vintage;
  },

  async ods_trusts(connection, source, input) {
    await requireRows(connection, source, {
      condition: `regexp_full_match(organisation_code, '[A-Z0-9]{3,5}') AND name IS NOT NULL`,
      field: "organisation_code",
      value: "organisation_code",
      expected: "an ODS code of 3 to 5 letters or digits, and a name",
    });
    await runOn(connection, "DELETE FROM ref_organisations WHERE level = 'provider'");
    await runOn(
      connection,
      `INSERT INTO ref_organisations (code, name, level, parent_code, ons_code, open_date, close_date, source)
       SELECT DISTINCT ON (organisation_code) trim(organisation_code), trim(name), 'provider',
              nullif(trim(high_level_health_geography), ''), NULL, ${odsDate("open_date")}, ${odsDate("close_date")}, $file
       FROM ${source.from}`,
      { file: input.file },
    );
    return input.vintage ?? "ods";
  },

  async ods_successors(connection, source, input) {
    await requireRows(connection, source, {
      condition: `organisation_code IS NOT NULL AND successor_organisation_code IS NOT NULL AND organisation_code <> successor_organisation_code`,
      field: "successor_organisation_code",
      value: "coalesce(organisation_code, '') || ' → ' || coalesce(successor_organisation_code, '')",
      expected: "an organisation code and a different successor code",
    });
    await runOn(connection, "DELETE FROM ref_successors");
    await runOn(
      connection,
      `INSERT INTO ref_successors
       SELECT DISTINCT ON (organisation_code) trim(organisation_code), trim(successor_organisation_code),
              ${odsDate("effective_date")}, nullif(trim(succession_reason), '')
       FROM ${source.from}`,
    );
    return input.vintage ?? "ods";
  },

  async imd(connection, source, input) {
    const vintage = input.vintage ?? (source.columns.includes(imdColumns["2025"].lsoa) ? "2025" : "2019");
    const layout = imdColumns[vintage as keyof typeof imdColumns];
    if (!layout)
      throw new EbiError("EBI_USAGE", `IMD vintage must be 2019 or 2025, not ${JSON.stringify(vintage)}.`);
    const [lsoa, score, rank, decile] = [layout.lsoa, layout.score, layout.rank, layout.decile].map((n) =>
      column(source, n),
    ) as [string, string, string, string];
    await requireRows(connection, source, {
      condition: `TRY_CAST(${decile} AS INTEGER) BETWEEN 1 AND 10 AND TRY_CAST(${rank} AS INTEGER) >= 1`,
      field: layout.decile,
      value: decile,
      expected: "a decile from 1 to 10 and a rank from 1",
    });
    await runOn(connection, "DELETE FROM ref_imd WHERE vintage = $vintage", { vintage });
    await runOn(
      connection,
      `INSERT INTO ref_imd SELECT trim(${lsoa}), TRY_CAST(${score} AS DOUBLE), ${rank}::INTEGER, ${decile}::INTEGER, $vintage
       FROM ${source.from}`,
      { vintage },
    );
    return vintage;
  },

  async population(connection, source, input) {
    if (!input.year || !Number.isInteger(input.year))
      throw new EbiError("EBI_USAGE", "Population estimates need their mid-year: pass --year YYYY.");
    const lsoa = column(source, /^LSOA \d{4} Code$/i);
    const ages = (["F", "M"] as const).flatMap((sex) =>
      populationAgeColumns(sex).map((name) => column(source, name)),
    );
    await requireRows(connection, source, {
      condition: ages.map((a) => `TRY_CAST(replace(${a}, ',', '') AS DOUBLE) >= 0`).join(" AND "),
      field: "F0 … M90",
      value: lsoa,
      expected: "a non-negative number of people in every age column",
    });
    const vintage = `mid-${input.year}`;
    await runOn(connection, "DELETE FROM ref_population WHERE year = $year", { year: input.year });
    const named = (["F", "M"] as const)
      .flatMap((sex) => populationAgeColumns(sex).map((name) => `${column(source, name)} AS ${name}`))
      .join(", ");
    await runOn(
      connection,
      `WITH wide AS (SELECT trim(${lsoa}) AS lsoa, ${named} FROM ${source.from}),
            long AS (UNPIVOT wide ON COLUMNS(* EXCLUDE (lsoa)) INTO NAME name VALUE people)
       INSERT INTO ref_population
       SELECT lsoa, $year, CASE WHEN left(name, 1) = 'F' THEN '2' ELSE '1' END,
              least(substr(name, 2)::INTEGER // 5 * 5, 90), sum(replace(people, ',', '')::DOUBLE), $vintage
       FROM long GROUP BY ALL`,
      { year: input.year, vintage },
    );
    return vintage;
  },
};

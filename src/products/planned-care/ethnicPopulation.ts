import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteLiteral, runOn } from "../../db/index.ts";
import { rollUpSql } from "../../pipeline/buildTables.ts";
import { openCensusCsv } from "./censusCsv.ts";

/**
 * The columns of a Census 2021 ethnic-group table by LSOA in the long layout of ONS's TS021 ("Ethnic
 * group", 20 categories; one row per LSOA and category, as ONS's custom-dataset download gives it).
 */
export const ethnicPopulationColumns = {
  lsoa: "Lower layer Super Output Areas Code",
  categoryCode: "Ethnic group (20 categories) Code",
  category: "Ethnic group (20 categories)",
  population: "Observation",
} as const;

/** A row of the ethnic-group population file that could not be used, and why. */
export interface EthnicPopulationProblem {
  row: number;
  field: string;
  value: string | null;
  reason: string;
}

/**
 * The display group (`ethnicGroups`) of a Census 2021 category, by its label's high-level group, as
 * the NHS ethnic category letters group them: Chinese is letter R and Arab falls under S ("any
 * other"), both "Other ethnic group" in the NHS grouping though Census 2021 files Chinese under
 * Asian; Gypsy, Irish Traveller and Roma are White (letter C). Null for anything unrecognised.
 */
export const ethnicCategorySql = `CASE
  WHEN lower(category) LIKE '%chinese%' OR lower(category) LIKE 'other ethnic group%' THEN 'other'
  WHEN lower(category) LIKE 'asian%' THEN 'asian'
  WHEN lower(category) LIKE 'black%' THEN 'black'
  WHEN lower(category) LIKE 'mixed%' THEN 'mixed'
  WHEN lower(category) LIKE 'white%' THEN 'white'
  ELSE NULL END`;

/**
 * Reads a Census 2021 ethnic-group population file (CSV, TS021 long layout) into
 * `pc_ethnic_population` (lsoa, ethnic_group, population). A missing column stops the load naming the
 * file and the column; a row with a count that is not a whole number ≥ 0, an unknown category or an
 * LSOA outside the LSOA-to-sub-ICB lookup is quarantined with its row, field, value and reason.
 * "Does not apply" rows are skipped without a problem.
 */
export async function stageEthnicPopulation(
  connection: DuckDBConnection,
  file: string,
): Promise<{ rows: number; accepted: number; problems: EthnicPopulationProblem[] }> {
  const { from: positional, column } = await openCensusCsv(
    connection,
    file,
    "EBI_ETHNIC_POPULATION_INVALID",
    Object.values(ethnicPopulationColumns),
  );
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE pc_ethnic_raw AS
     SELECT row_number() OVER () + 1 AS source_row, upper(${column(ethnicPopulationColumns.lsoa)}) AS lsoa,
       ${column(ethnicPopulationColumns.category)} AS category, ${column(ethnicPopulationColumns.population)} AS observation
     FROM ${positional}`,
    undefined,
    "ethnic population: read",
  );
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE pc_ethnic_checked AS
     SELECT r.*, ${ethnicCategorySql} AS ethnic_group, try_cast(observation AS BIGINT) AS population,
       lower(coalesce(category, '')) = 'does not apply' AS not_applicable,
       l.lsoa IS NOT NULL AS known_lsoa
     FROM pc_ethnic_raw r LEFT JOIN (SELECT DISTINCT lsoa FROM ref_lsoa_sub_icb) l ON l.lsoa = r.lsoa`,
  );
  const problems = await allOn<EthnicPopulationProblem>(
    connection,
    `SELECT source_row::BIGINT AS row, field, value, reason FROM (
       SELECT source_row, ${quoteLiteral(ethnicPopulationColumns.population)} AS field, observation AS value,
         'not a whole number of people ≥ 0' AS reason
       FROM pc_ethnic_checked WHERE NOT not_applicable AND (population IS NULL OR population < 0)
       UNION ALL SELECT source_row, ${quoteLiteral(ethnicPopulationColumns.category)}, category,
         'not a Census 2021 ethnic group (20 categories)'
       FROM pc_ethnic_checked WHERE NOT not_applicable AND ethnic_group IS NULL
       UNION ALL SELECT source_row, ${quoteLiteral(ethnicPopulationColumns.lsoa)}, lsoa,
         'LSOA not in the LSOA to sub-ICB lookup'
       FROM pc_ethnic_checked WHERE NOT not_applicable AND NOT known_lsoa
     ) ORDER BY row, field`,
    undefined,
    "ethnic population: checks",
  );
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE pc_ethnic_population AS
     SELECT lsoa, ethnic_group, sum(population)::BIGINT AS population FROM pc_ethnic_checked
     WHERE NOT not_applicable AND ethnic_group IS NOT NULL AND population >= 0 AND known_lsoa
     GROUP BY ALL`,
    undefined,
    "ethnic population: stage",
  );
  const [counts] = await allOn<{ rows: number; skipped: number }>(
    connection,
    "SELECT count(*) AS rows, count(*) FILTER (WHERE not_applicable) AS skipped FROM pc_ethnic_checked",
  );
  const rows = Number(counts?.rows ?? 0);
  const badRows = new Set(problems.map((p) => p.row)).size;
  return { rows, accepted: rows - Number(counts?.skipped ?? 0) - badRows, problems };
}

/** Population by ethnic group (Census 2021, all ages) of a commissioner. */
export interface EthnicPopulationStratum {
  level: string;
  org_code: string;
  ethnic_group: string;
  population: number;
}

/** `pc_ethnic_population` at every commissioner level, through the spine's roll-up (needs `org_map`). */
export function ethnicPopulationStrata(connection: DuckDBConnection): Promise<EthnicPopulationStratum[]> {
  return allOn<EthnicPopulationStratum>(
    connection,
    `WITH pop AS (
       SELECT l.sub_icb, e.ethnic_group, e.population
       FROM pc_ethnic_population e JOIN ref_lsoa_sub_icb l ON l.lsoa = e.lsoa
     )
     SELECT level, org_code, ethnic_group, value::BIGINT AS population
     FROM (${rollUpSql("pop", ["ethnic_group"], "population")})
     ORDER BY ALL`,
    undefined,
    "ethnic population: roll up",
  );
}

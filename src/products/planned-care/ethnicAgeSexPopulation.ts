import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteLiteral, runOn } from "../../db/index.ts";
import { EbiError } from "../../errors/index.ts";
import { rollUpSql } from "../../pipeline/buildTables.ts";
import { esp2013AgeBands, europeanStandardPopulation2013 } from "../../stats/index.ts";
import { openCensusCsv } from "./censusCsv.ts";
import type { EthnicPopulationProblem } from "./ethnicPopulation.ts";
import { ethnicCategorySql } from "./ethnicPopulation.ts";

/**
 * The columns of a population by area × Census 2021 ethnic group × sex × age band, one row per cell
 * (a tidy layout of ours, modelled on the headers of ONS's Census 2021 "ethnic group by sex by age"
 * downloads; docs/planned-care-equity.md describes it).
 */
export const ethnicAgeSexColumns = {
  area: "Area code",
  category: "Ethnic group (20 categories)",
  sex: "Sex (2 categories)",
  age: "Age band",
  population: "Observation",
} as const;

/** Population of a commissioner by ethnic group × sex ("1" male, "2" female) × age band (its lower bound in years). */
export interface EthnicAgeSexStratum {
  level: string;
  org_code: string;
  ethnic_group: string;
  sex: string;
  age_band: number;
  population: number;
}

/** What the load leaves: the file's age bands (lower bounds) and each commissioner with a complete population. */
export interface EthnicAgeSexPopulation {
  bands: number[];
  strata: EthnicAgeSexStratum[];
}

/** The ESP 2013 weights summed into bands with these lower bounds (each a multiple of 5, the first 0). */
export function espWeightsFor(bands: readonly number[]): number[] {
  return bands.map((lower, i) => {
    const next = bands[i + 1] ?? Number.POSITIVE_INFINITY;
    return esp2013AgeBands.reduce(
      (sum, b, j) => (b >= lower && b < next ? sum + (europeanStandardPopulation2013[j] as number) : sum),
      0,
    );
  });
}

// "0-4", "5 to 9", "Aged 4 years and under", "Aged 90 years and over", "90+", after lower-casing and
// dropping "aged" and "years".
const ageText = (c: string) =>
  `trim(regexp_replace(regexp_replace(lower(${c}), 'aged|years?', '', 'g'), '\\s+', ' ', 'g'))`;
const ageLowerSql = (t: string) => `CASE
  WHEN regexp_matches(${t}, '^[0-9]+ ?(-|–|to) ?[0-9]+$') THEN try_cast(regexp_extract(${t}, '^([0-9]+)', 1) AS INTEGER)
  WHEN regexp_matches(${t}, '^[0-9]+ ?(\\+|and over)$') THEN try_cast(regexp_extract(${t}, '^([0-9]+)', 1) AS INTEGER)
  WHEN regexp_matches(${t}, '^[0-9]+ and under$') THEN 0 END`;
const ageUpperSql = (t: string) => `CASE
  WHEN regexp_matches(${t}, '^[0-9]+ ?(-|–|to) ?[0-9]+$') THEN try_cast(regexp_extract(${t}, '([0-9]+)$', 1) AS INTEGER)
  WHEN regexp_matches(${t}, '^[0-9]+ and under$') THEN try_cast(regexp_extract(${t}, '^([0-9]+)', 1) AS INTEGER) END`;

/**
 * Reads a population by area, ethnic group, sex and age band (CSV, `ethnicAgeSexColumns`) into
 * `pc_ethnic_age_sex`. An area is an LSOA (2021) in the LSOA-to-sub-ICB lookup, a sub-ICB location or
 * an ICB (codes as in the organisation reference). Categories map to groups as the TS021 loader maps
 * them; sex is "Male" or "Female" (numbers are refused: Census and NHS code them differently); age
 * bands must split 0–90+ at multiples of 5 (coarser than ESP 2013's are fine). Bad rows are
 * quarantined with row, field, value and reason; a missing column or bands that do not split the
 * ages stop the load with `EBI_ETHNIC_AGE_SEX_POPULATION_INVALID`.
 */
export async function stageEthnicAgeSexPopulation(
  connection: DuckDBConnection,
  file: string,
): Promise<{ rows: number; accepted: number; problems: EthnicPopulationProblem[]; bands: number[] }> {
  const fail = (message: string, extra: Record<string, unknown> = {}) =>
    new EbiError("EBI_ETHNIC_AGE_SEX_POPULATION_INVALID", message, { file, ...extra });
  const { from: positional, column } = await openCensusCsv(
    connection,
    file,
    "EBI_ETHNIC_AGE_SEX_POPULATION_INVALID",
    Object.values(ethnicAgeSexColumns),
  );
  const c = ethnicAgeSexColumns;
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE pc_eas_raw AS
     SELECT row_number() OVER () + 1 AS source_row, upper(${column(c.area)}) AS area, ${column(c.category)} AS category,
       ${column(c.sex)} AS sex_text, ${column(c.age)} AS age_text, ${column(c.population)} AS observation
     FROM ${positional}`,
    undefined,
    "ethnic age-sex population: read",
  );
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE pc_eas_checked AS
     WITH r AS (SELECT *, ${ageText("coalesce(age_text, '')")} AS age_norm FROM pc_eas_raw)
     SELECT r.*, ${ethnicCategorySql} AS ethnic_group, try_cast(observation AS BIGINT) AS population,
       lower(coalesce(category, '')) = 'does not apply' AS not_applicable,
       CASE lower(coalesce(sex_text, '')) WHEN 'male' THEN '1' WHEN 'm' THEN '1' WHEN 'female' THEN '2' WHEN 'f' THEN '2' END AS sex,
       ${ageLowerSql("age_norm")} AS age_lower, ${ageUpperSql("age_norm")} AS age_upper,
       coalesce(l.sub_icb, CASE WHEN o.level = 'sub_icb' THEN o.code END) AS sub_icb,
       CASE WHEN l.sub_icb IS NULL AND o.level = 'icb' THEN o.code END AS icb
     FROM r LEFT JOIN (SELECT DISTINCT lsoa, sub_icb FROM ref_lsoa_sub_icb) l ON l.lsoa = r.area
       LEFT JOIN ref_organisations o ON o.code = r.area AND o.level IN ('sub_icb', 'icb')`,
  );
  // An ICB's own rows alongside rows for its LSOAs or sub-ICBs would count its people twice.
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE pc_eas_flags AS
     SELECT k.*,
       (age_lower IS NOT NULL AND age_lower % 5 = 0 AND age_lower <= 90
         AND (age_upper IS NULL OR (age_upper > age_lower AND (age_upper + 1) % 5 = 0 AND age_upper < 90))) AS age_ok,
       icb IS NOT NULL AND icb IN (SELECT s.parent_code FROM pc_eas_checked f JOIN ref_organisations s ON s.level = 'sub_icb' AND s.code = f.sub_icb) AS icb_twice
     FROM pc_eas_checked k`,
  );
  const problems = await allOn<EthnicPopulationProblem>(
    connection,
    `SELECT source_row::BIGINT AS row, field, value, reason FROM (
       SELECT source_row, ${quoteLiteral(c.population)} AS field, observation AS value, 'not a whole number of people ≥ 0' AS reason
       FROM pc_eas_flags WHERE NOT not_applicable AND (population IS NULL OR population < 0)
       UNION ALL SELECT source_row, ${quoteLiteral(c.category)}, category, 'not a Census 2021 ethnic group (20 categories)'
       FROM pc_eas_flags WHERE NOT not_applicable AND ethnic_group IS NULL
       UNION ALL SELECT source_row, ${quoteLiteral(c.sex)}, sex_text, 'not Male or Female'
       FROM pc_eas_flags WHERE NOT not_applicable AND sex IS NULL
       UNION ALL SELECT source_row, ${quoteLiteral(c.age)}, age_text, 'not an age band of whole 5-year steps (0-4, 5-9 … 90+)'
       FROM pc_eas_flags WHERE NOT not_applicable AND NOT age_ok
       UNION ALL SELECT source_row, ${quoteLiteral(c.area)}, area, 'not an LSOA in the LSOA to sub-ICB lookup, a sub-ICB location or an ICB'
       FROM pc_eas_flags WHERE NOT not_applicable AND sub_icb IS NULL AND icb IS NULL
       UNION ALL SELECT source_row, ${quoteLiteral(c.area)}, area, 'ICB also covered by LSOA or sub-ICB rows in this file'
       FROM pc_eas_flags WHERE NOT not_applicable AND icb_twice
     ) ORDER BY row, field`,
    undefined,
    "ethnic age-sex population: checks",
  );
  const bad = problems.map((p) => p.row);
  await runOn(connection, "CREATE OR REPLACE TEMP TABLE pc_eas_bad (row BIGINT)");
  if (bad.length > 0)
    await runOn(
      connection,
      `INSERT INTO pc_eas_bad SELECT unnest(${`[${[...new Set(bad)].map((r) => Number(r)).join(", ")}]`}::BIGINT[])`,
    );
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE pc_ethnic_age_sex AS
     SELECT sub_icb, icb, ethnic_group, sex, age_lower AS age_band, any_value(age_upper) AS age_upper,
       sum(population)::BIGINT AS population
     FROM pc_eas_flags WHERE NOT not_applicable AND source_row NOT IN (SELECT row FROM pc_eas_bad)
     GROUP BY sub_icb, icb, ethnic_group, sex, age_lower`,
    undefined,
    "ethnic age-sex population: stage",
  );
  const bandRows = await allOn<{ lower: number; upper: number | null }>(
    connection,
    "SELECT DISTINCT age_band AS lower, age_upper AS upper FROM pc_ethnic_age_sex ORDER BY 1, 2 NULLS LAST",
  );
  const bands = bandRows.map((b) => Number(b.lower));
  const splits =
    bandRows.length > 0 &&
    new Set(bands).size === bands.length &&
    bands[0] === 0 &&
    bandRows.every((b, i) =>
      i === bandRows.length - 1 ? b.upper === null : b.upper !== null && Number(b.upper) + 1 === bands[i + 1],
    );
  if (!splits)
    throw fail(
      `${file}: the age bands (${bandRows.map((b) => `${b.lower}${b.upper === null ? "+" : `-${b.upper}`}`).join(", ") || "none"}) do not split the ages 0 to 90+ into bands without gaps or overlaps.`,
      { field: c.age, expected: "bands such as 0-4, 5-9 … 85-89, 90+, or coarser at multiples of 5" },
    );
  const [counts] = await allOn<{ rows: number; skipped: number }>(
    connection,
    "SELECT count(*) AS rows, count(*) FILTER (WHERE not_applicable) AS skipped FROM pc_eas_checked",
  );
  const rows = Number(counts?.rows ?? 0);
  return {
    rows,
    accepted: rows - Number(counts?.skipped ?? 0) - new Set(bad).size,
    problems,
    bands,
  };
}

/**
 * `pc_ethnic_age_sex` at every commissioner level (needs `org_map`), kept only for commissioners whose
 * population the file covers: a sub-ICB location with rows; an ICB with its own rows or rows for every
 * one of its sub-ICB locations; a region when all its ICBs are covered; England when all regions are.
 */
export async function ethnicAgeSexStrata(
  connection: DuckDBConnection,
  bands: number[],
): Promise<EthnicAgeSexPopulation> {
  const strata = await allOn<EthnicAgeSexStratum>(
    connection,
    `WITH fine AS (SELECT sub_icb, ethnic_group, sex, age_band, population FROM pc_ethnic_age_sex WHERE sub_icb IS NOT NULL),
     coarse AS (
       SELECT e.icb, r.code AS region, e.ethnic_group, e.sex, e.age_band, e.population
       FROM pc_ethnic_age_sex e JOIN ref_organisations i ON i.level = 'icb' AND i.code = e.icb
         JOIN ref_organisations r ON r.level = 'region' AND r.code = i.parent_code
     ),
     rolled AS (
       SELECT level, org_code, ethnic_group, sex, age_band, value AS population
       FROM (${rollUpSql("fine", ["ethnic_group", "sex", "age_band"], "population")})
       UNION ALL SELECT 'icb', icb, ethnic_group, sex, age_band, population FROM coarse
       UNION ALL SELECT 'region', region, ethnic_group, sex, age_band, population FROM coarse
       UNION ALL SELECT 'england', 'ENG', ethnic_group, sex, age_band, population FROM coarse
     )
     SELECT level, org_code, ethnic_group, sex, age_band::INTEGER AS age_band, sum(population)::BIGINT AS population
     FROM rolled GROUP BY ALL ORDER BY ALL`,
    undefined,
    "ethnic age-sex population: roll up",
  );
  const orgs = await allOn<{ level: string; code: string; parent_code: string | null }>(
    connection,
    "SELECT level, code, parent_code FROM ref_organisations WHERE level IN ('region', 'icb', 'sub_icb')",
  );
  const present = new Set(strata.map((s) => `${s.level}|${s.org_code}`));
  const [direct] = await allOn<{ icbs: string[] | null; subs: string[] | null }>(
    connection,
    "SELECT list(DISTINCT icb) FILTER (WHERE icb IS NOT NULL) AS icbs, list(DISTINCT sub_icb) FILTER (WHERE sub_icb IS NOT NULL) AS subs FROM pc_ethnic_age_sex",
  );
  const covered = new Set<string>((direct?.subs ?? []).map((s) => `sub_icb|${s}`));
  for (const i of direct?.icbs ?? []) covered.add(`icb|${i}`);
  const childrenOf = (level: string, parent: string) =>
    orgs.filter((o) => o.level === level && o.parent_code === parent);
  const all = (level: string, parent: string) => {
    const kids = childrenOf(level, parent);
    return kids.length > 0 && kids.every((k) => covered.has(`${level}|${k.code}`));
  };
  for (const i of orgs.filter((o) => o.level === "icb"))
    if (all("sub_icb", i.code)) covered.add(`icb|${i.code}`);
  for (const r of orgs.filter((o) => o.level === "region"))
    if (all("icb", r.code)) covered.add(`region|${r.code}`);
  const regions = orgs.filter((o) => o.level === "region");
  if (regions.length > 0 && regions.every((r) => covered.has(`region|${r.code}`))) covered.add("england|ENG");
  return {
    bands,
    strata: strata.filter(
      (s) => present.has(`${s.level}|${s.org_code}`) && covered.has(`${s.level}|${s.org_code}`),
    ),
  };
}

import type { DuckDBConnection } from "@duckdb/node-api";
import { type Dialect, duckdbDialect } from "../db/Dialect.ts";
import { allOn, runOn } from "../db/index.ts";
import { duckdbEngine, type SqlEngine } from "../db/SqlEngine.ts";
import type { OrganisationRow } from "../release/tables.ts";

/**
 * The build's SQL, one named step each, run on one connection so its temporary tables vanish if
 * the build fails. Inputs: the store's tables and the temp table `episode_flags`.
 */

/** The columns of a spell taken from its first matching episode (by start date, then record key). */
const firstFields = {
  start_date: "start_date",
  age: "age",
  sex: "sex",
  ethnos: "ethnos",
  imd_decile: "imd_decile",
  procode: "procode",
  sub_icb: "sub_icb",
};

/**
 * The spells step's query: one row per counted unit × intervention (`count_key`: the spell, or the
 * episode when the build counts episodes), described by its first matching episode.
 */
export function spellsSql(dialect: Dialect = duckdbDialect): string {
  const first = (field: keyof typeof firstFields) => dialect.fieldOf("first", field);
  return `WITH matched AS (
       SELECT f.intervention_id, f.setting, f.count_key AS spell_id,
              coalesce(e.admidate, e.epistart) AS start_date, f.record_key,
              e.age, e.sex, e.ethnos, e.imd_decile, e.procode, e.sub_icb
       FROM episode_flags f JOIN apc_episodes e ON e.load_id = f.load_id AND e.source_row = f.source_row
       WHERE f.setting = 'apc'
       UNION ALL
       SELECT f.intervention_id, f.setting, f.count_key, o.apptdate, f.record_key,
              o.age, o.sex, o.ethnos, o.imd_decile, o.procode, o.sub_icb
       FROM episode_flags f JOIN op_appointments o ON o.load_id = f.load_id AND o.source_row = f.source_row
       WHERE f.setting = 'op'
     ), firsts AS (
       SELECT intervention_id, setting, spell_id,
              ${dialect.firstBy(firstFields, ["start_date", "record_key"], "first")}
       FROM matched ${dialect.groupBy(["intervention_id", "setting", "spell_id"])}
     )
     SELECT intervention_id, setting, spell_id,
            date_trunc('month', ${first("start_date")})::DATE AS month,
            CASE WHEN ${first("age")} IS NULL THEN NULL ELSE least(${dialect.intDiv(first("age"), "5")} * 5, 90) END AS age_band,
            ${first("sex")} AS sex, ${first("ethnos")} AS ethnos, ${first("imd_decile")} AS imd_decile,
            ${first("procode")} AS provider, ${first("sub_icb")} AS sub_icb
     FROM firsts`;
}

/** Creates the `spells` table (see `spellsSql`); returns its rows. */
export async function createSpells(connection: DuckDBConnection | SqlEngine): Promise<number> {
  const engine = engineOf(connection);
  for (const statement of engine.dialect.createTempTable("spells", spellsSql(engine.dialect)))
    await engine.run(statement, undefined, "de-duplicate to spells");
  const [row] = await engine.read<{ n: number }>("SELECT count(*) AS n FROM spells");
  return Number(row?.n ?? 0);
}

/** The cube step's query: spells by month × intervention × provider × sub-ICB × setting × age band × sex × IMD decile × ethnic group. */
export function cubeSql(dialect: Dialect = duckdbDialect): string {
  const keys = [
    "intervention_id",
    "month",
    "provider",
    "sub_icb",
    "setting",
    "age_band",
    "sex",
    "imd_decile",
    "ethnos",
  ];
  return `SELECT ${keys.join(", ")}, count(*) AS spells
     FROM spells ${dialect.groupBy(keys)}`;
}

/** Creates the `cube` table from `spells` (see `cubeSql`). */
export async function createCube(connection: DuckDBConnection | SqlEngine): Promise<void> {
  const engine = engineOf(connection);
  for (const statement of engine.dialect.createTempTable("cube", cubeSql(engine.dialect)))
    await engine.run(statement, undefined, "aggregate the cube");
}

/** An engine for a DuckDB connection, or the engine given. */
function engineOf(connection: DuckDBConnection | SqlEngine): SqlEngine {
  return "dialect" in connection ? connection : duckdbEngine(connection);
}

/** Organisations of every level: England, regions, ICBs, sub-ICB locations, and providers seen or listed. */
export async function readOrganisations(connection: DuckDBConnection): Promise<OrganisationRow[]> {
  const rows = await allOn<OrganisationRow>(
    connection,
    `SELECT 'england' AS level, 'ENG' AS org_code, 'England' AS name, NULL AS parent_code
     UNION ALL
     SELECT level, code, name, CASE WHEN level = 'region' THEN 'ENG' ELSE parent_code END
     FROM ref_organisations WHERE level IN ('region', 'icb', 'sub_icb')
     UNION ALL
     SELECT 'provider', code, name, NULL FROM ref_organisations
     WHERE level = 'provider' AND code IN (SELECT DISTINCT provider FROM cube)
     UNION ALL
     SELECT DISTINCT 'provider', provider, provider || ' (not in the ODS file)', NULL FROM cube
     WHERE provider IS NOT NULL AND provider NOT IN (SELECT code FROM ref_organisations WHERE level = 'provider')
     ORDER BY 1, 2`,
  );
  return rows;
}

/** `org_map`: each sub-ICB location with its ICB and region, for rolling counts up. */
export async function createOrgMap(connection: DuckDBConnection): Promise<void> {
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE org_map AS
     SELECT s.code AS sub_icb, i.code AS icb, r.code AS region
     FROM ref_organisations s
     JOIN ref_organisations i ON i.level = 'icb' AND i.code = s.parent_code
     JOIN ref_organisations r ON r.level = 'region' AND r.code = i.parent_code
     WHERE s.level = 'sub_icb'`,
  );
}

/** The commissioner levels counts roll up to, each with the SQL of its code over `org_map m`. */
export const commissionerLevels = [
  ["england", "'ENG'"],
  ["region", "m.region"],
  ["icb", "m.icb"],
  ["sub_icb", "m.sub_icb"],
] as const;

/** A commissioner level: England, region, ICB or sub-ICB location. */
export type CommissionerLevel = (typeof commissionerLevels)[number][0];

/**
 * SQL selecting `keys` of `source` at each commissioner level (by default all four: england, region,
 * icb, sub_icb) and summing `measure` as `value`. England takes every row; the other levels only rows
 * whose sub-ICB location is in `org_map`.
 */
export function rollUpSql(
  source: string,
  keys: string[],
  measure: string,
  levels: readonly CommissionerLevel[] = commissionerLevels.map(([level]) => level),
): string {
  const k = keys.join(", ");
  return commissionerLevels
    .filter(([level]) => levels.includes(level))
    .map(
      ([level, code]) =>
        `SELECT '${level}' AS level, ${code} AS org_code${k ? `, ${k}` : ""}, sum(${measure}) AS value
         FROM ${source} s ${level === "england" ? "LEFT" : ""} JOIN org_map m ON m.sub_icb = s.sub_icb
         GROUP BY ALL`,
    )
    .join("\nUNION ALL\n");
}

/** Monthly spells of every intervention at every level, providers included, zero-filled over `months`. */
export async function monthlyRows(
  connection: DuckDBConnection,
  interventions: string[],
  months: string[],
): Promise<{ intervention_id: string; level: string; org_code: string; month: string; spells: number }[]> {
  await runOn(connection, "CREATE OR REPLACE TEMP TABLE build_interventions (intervention_id VARCHAR)");
  for (const id of interventions)
    await runOn(connection, "INSERT INTO build_interventions VALUES ($id)", { id });
  await runOn(connection, "CREATE OR REPLACE TEMP TABLE build_months (month DATE)");
  for (const month of months)
    await runOn(connection, "INSERT INTO build_months VALUES ($m::DATE)", { m: month });
  return allOn(connection, monthlySql());
}

/** The monthly step's query over `cube`, `build_interventions` and `build_months`. */
export function monthlySql(): string {
  return `WITH counts AS (
       ${rollUpSql("cube", ["intervention_id", "month"], "spells")}
       UNION ALL
       SELECT 'provider', provider, intervention_id, month, sum(spells) FROM cube WHERE provider IS NOT NULL GROUP BY ALL
     ), orgs AS (
       SELECT 'england' AS level, 'ENG' AS org_code UNION ALL
       SELECT level, code FROM ref_organisations WHERE level IN ('region', 'icb', 'sub_icb') UNION ALL
       SELECT DISTINCT 'provider', provider FROM cube WHERE provider IS NOT NULL
     )
     SELECT i.intervention_id, o.level, o.org_code, strftime(m.month, '%Y-%m-%d') AS month, coalesce(c.value, 0)::BIGINT AS spells
     FROM build_interventions i CROSS JOIN orgs o CROSS JOIN build_months m
     LEFT JOIN counts c ON c.intervention_id = i.intervention_id AND c.level = o.level AND c.org_code = o.org_code
                       AND c.month = m.month
     ORDER BY 1, 2, 3, 4`;
}

export interface StratumCount {
  intervention_id: string;
  level: string;
  org_code: string;
  imd_decile: number | null;
  age_band: number | null;
  sex: string | null;
  ethnos: string | null;
  spells: number;
}

/** Spells in a period by commissioner level × IMD decile × age band × sex × ethnic category. */
export function periodStrata(
  connection: DuckDBConnection,
  start: string,
  end: string,
): Promise<StratumCount[]> {
  return allOn<StratumCount>(connection, periodStrataSql(), { start, end });
}

/** The strata step's query over `cube`, between the bound `$start` and `$end` months. */
export function periodStrataSql(): string {
  return `WITH period AS (SELECT * FROM cube WHERE month BETWEEN $start::DATE AND $end::DATE)
     SELECT level, org_code, intervention_id, imd_decile, age_band, sex, ethnos, value::BIGINT AS spells
     FROM (${rollUpSql("period", ["intervention_id", "imd_decile", "age_band", "sex", "ethnos"], "spells")})`;
}

export interface PopulationCount {
  level: string;
  org_code: string;
  imd_decile: number | null;
  age_band: number;
  sex: string;
  population: number;
}

/** Population of a mid-year (the nearest loaded) by commissioner level × IMD decile × age band × sex. */
export async function populationStrata(
  connection: DuckDBConnection,
  year: number,
): Promise<{ year: number | null; rows: PopulationCount[] }> {
  const [nearest] = await allOn<{ year: number | null }>(
    connection,
    "SELECT year FROM ref_population GROUP BY year ORDER BY abs(year - $year), year LIMIT 1",
    { year },
  );
  if (!nearest?.year) return { year: null, rows: [] };
  const rows = await allOn<PopulationCount>(
    connection,
    `WITH imd AS (SELECT lsoa, imd_decile FROM ref_imd WHERE vintage = (SELECT max(vintage) FROM ref_imd)),
     pop AS (
       SELECT l.sub_icb, i.imd_decile, p.age_band, p.sex, p.population
       FROM ref_population p JOIN ref_lsoa_sub_icb l ON l.lsoa = p.lsoa LEFT JOIN imd i ON i.lsoa = p.lsoa
       WHERE p.year = $year
     )
     SELECT level, org_code, imd_decile, age_band, sex, value AS population
     FROM (${rollUpSql("pop", ["imd_decile", "age_band", "sex"], "population")})`,
    { year: nearest.year },
  );
  return { year: nearest.year, rows };
}

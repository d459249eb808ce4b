import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteLiteral, runOn } from "../../db/index.ts";
import {
  createOrgMap,
  type PopulationCount,
  populationStrata,
  rollUpSql,
} from "../../pipeline/buildTables.ts";
import { ethnicGroupOf } from "../../reference/ethnicGroups.ts";
import type { ResolvedGroup } from "./loadGroups.ts";

/**
 * The planned-care build's SQL, one named step each, over the store's `apc_episodes` and reference
 * tables, on one connection (its temporary tables vanish with it).
 */

/** Admission methods 11, 12, 13 (waiting list, booked, planned) with classification 1 or 2 (ordinary, day case). */
export const plannedSpellSql = "s.first.admimeth IN ('11', '12', '13') AND s.first.classpat IN ('1', '2')";

/** `pc_spells`: one row per spell, described by its first episode, with whether any episode names a cancer. */
export async function createSpellTable(connection: DuckDBConnection, cancerSql: string): Promise<void> {
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE pc_spells AS
     SELECT spell_id,
       min_by({'admimeth': admimeth, 'classpat': classpat, 'start_date': coalesce(admidate, epistart),
               'age': age, 'sex': sex, 'ethnos': ethnos, 'imd_decile': imd_decile, 'sub_icb': sub_icb},
              (coalesce(admidate, epistart), epistart, source_row)) AS first,
       bool_or(${cancerSql}) AS cancer_in_spell
     FROM apc_episodes GROUP BY spell_id`,
    undefined,
    "planned care: spells",
  );
}

/** `pc_matched`: each spell once per group it belongs to. Group ids are checked slugs, quoted as literals. */
export async function createMatchedTable(
  connection: DuckDBConnection,
  groups: readonly ResolvedGroup[],
): Promise<void> {
  const parts = groups.map(
    (g) =>
      `SELECT ${quoteLiteral(g.group_id)} AS group_id, e.spell_id
       FROM apc_episodes e JOIN pc_spells s ON s.spell_id = e.spell_id
       WHERE ${g.kind === "planned" ? `${plannedSpellSql} AND ` : ""}(${g.episodeSql})`,
  );
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE pc_matched AS SELECT DISTINCT group_id, spell_id FROM (${parts.join("\nUNION ALL\n")})`,
    undefined,
    "planned care: match groups",
  );
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE pc_cube AS
     SELECT m.group_id, date_trunc('quarter', s.first.start_date)::DATE AS quarter,
       CASE WHEN month(s.first.start_date) >= 4 THEN year(s.first.start_date) ELSE year(s.first.start_date) - 1 END AS fyear,
       s.first.sub_icb AS sub_icb,
       CASE WHEN s.first.age IS NULL THEN NULL ELSE least(s.first.age // 5 * 5, 90) END AS age_band,
       s.first.sex AS sex, s.first.ethnos AS ethnos, s.first.imd_decile AS imd_decile, count(*) AS spells
     FROM pc_matched m JOIN pc_spells s ON s.spell_id = m.spell_id
     GROUP BY ALL`,
    undefined,
    "planned care: cube",
  );
  await createOrgMap(connection);
}

/** Spells by group × financial year × commissioner × IMD decile × 5-year age band × sex. */
export interface YearStratum {
  group_id: string;
  fyear: number;
  level: string;
  org_code: string;
  imd_decile: number | null;
  age_band: number | null;
  sex: string | null;
  spells: number;
}

export function yearStrata(connection: DuckDBConnection): Promise<YearStratum[]> {
  return allOn<YearStratum>(
    connection,
    `SELECT level, org_code, group_id, fyear, imd_decile, age_band, sex, value::BIGINT AS spells
     FROM (${rollUpSql("pc_cube", ["group_id", "fyear", "imd_decile", "age_band", "sex"], "spells")})
     ORDER BY ALL`,
    undefined,
    "planned care: strata",
  );
}

/** Spells by group × financial year × commissioner × NHS ethnic category code. */
export interface EthnicStratum {
  group_id: string;
  fyear: number;
  level: string;
  org_code: string;
  ethnic_group: string;
  /** 5-year age band and sex, when asked for (`byAgeSex`); null otherwise. */
  age_band: number | null;
  sex: string | null;
  spells: number;
}

/** Spells by ethnic group, and by age band and sex as well with `byAgeSex` (for standardised rates). */
export async function ethnicStrata(connection: DuckDBConnection, byAgeSex = false): Promise<EthnicStratum[]> {
  const keys = byAgeSex
    ? ["group_id", "fyear", "ethnos", "age_band", "sex"]
    : ["group_id", "fyear", "ethnos"];
  const rows = await allOn<Omit<EthnicStratum, "ethnic_group"> & { ethnos: string | null }>(
    connection,
    `SELECT level, org_code, group_id, fyear, ethnos, ${byAgeSex ? "age_band, sex" : "NULL::INTEGER AS age_band, NULL::VARCHAR AS sex"}, value::BIGINT AS spells
     FROM (${rollUpSql("pc_cube", keys, "spells")})
     ORDER BY ALL`,
    undefined,
    "planned care: ethnic groups",
  );
  const summed = new Map<string, EthnicStratum>();
  for (const r of rows) {
    const ethnic_group = ethnicGroupOf(r.ethnos);
    const k = `${r.group_id}|${r.fyear}|${r.level}|${r.org_code}|${ethnic_group}|${r.age_band}|${r.sex}`;
    const row = summed.get(k);
    if (row) row.spells += r.spells;
    else
      summed.set(k, {
        group_id: r.group_id,
        fyear: r.fyear,
        level: r.level,
        org_code: r.org_code,
        ethnic_group,
        age_band: r.age_band === null ? null : Number(r.age_band),
        sex: r.sex,
        spells: r.spells,
      });
  }
  return [...summed.values()];
}

/**
 * Spells by planned-care group × quarter × ICB (and England) × age band × sex in the most deprived two
 * fifths (deciles 1–4, `imd_quintile` 1) and the least deprived two (deciles 7–10, `imd_quintile` 5):
 * the tracker's series. Two fifths, not one, so that an ICB with few residents in a national fifth
 * still has a gap.
 */
export interface QuarterStratum {
  group_id: string;
  quarter: string;
  level: string;
  org_code: string;
  imd_quintile: number;
  age_band: number;
  sex: string;
  spells: number;
}

export function quarterStrata(
  connection: DuckDBConnection,
  groupIds: readonly string[],
): Promise<QuarterStratum[]> {
  if (groupIds.length === 0) return Promise.resolve([]);
  return allOn<QuarterStratum>(
    connection,
    `WITH q AS (
       SELECT group_id, strftime(quarter, '%Y-%m-%d') AS quarter, sub_icb, CASE WHEN imd_decile <= 4 THEN 1 ELSE 5 END AS imd_quintile,
              age_band, sex, spells
       FROM pc_cube
       WHERE group_id IN (${groupIds.map(quoteLiteral).join(", ")}) AND imd_decile IS NOT NULL AND age_band IS NOT NULL
         AND sex IN ('1', '2') AND (imd_decile <= 4 OR imd_decile >= 7)
     )
     SELECT level, org_code, group_id, quarter, imd_quintile, age_band, sex, value::BIGINT AS spells
     FROM (${rollUpSql("q", ["group_id", "quarter", "imd_quintile", "age_band", "sex"], "spells", ["england", "icb"])})
     ORDER BY ALL`,
    undefined,
    "planned care: quarterly series",
  );
}

/** Population of a mid-year by commissioner × IMD decile × age band × sex: the spine's roll-up, shared with EBI. */
export type PopulationStratum = PopulationCount;

/** Population of a mid-year (the nearest loaded) at every commissioner level, sub-ICB locations included. */
export const populationOf = populationStrata;

/** England, the regions, the ICBs and the sub-ICB locations, with names and parents. */
export function commissioners(
  connection: DuckDBConnection,
): Promise<{ level: string; org_code: string; name: string; parent_code: string | null }[]> {
  return allOn(
    connection,
    `SELECT 'england' AS level, 'ENG' AS org_code, 'England' AS name, NULL AS parent_code
     UNION ALL
     SELECT level, code, name, CASE WHEN level = 'region' THEN 'ENG' ELSE parent_code END
     FROM ref_organisations WHERE level IN ('region', 'icb', 'sub_icb')
     ORDER BY 1, 2`,
  );
}

import type { DuckDBConnection } from "@duckdb/node-api";
import type { Database } from "../db/index.ts";
import { allOn, quoteIdentifier, runOn } from "../db/index.ts";
import {
  cancerInEpisodeSql,
  interventionSql,
  requiredByEvery,
  requiredCodes,
  requiredCodesSql,
} from "./compileCondition.ts";
import { type CountingUnit, defaultCountingUnit } from "./countingUnit.ts";
import type { ResolvedRuleSet } from "./loadRuleSets.ts";
import type { Condition } from "./schema.ts";

export interface FlagOptions {
  apcTable?: string;
  opTable?: string;
  /** What one count is (default: the programme's, spells on their dominant procedure). */
  unit?: CountingUnit;
  /** The table created (replaced) with one row per episode × intervention matched. */
  target?: string;
  /**
   * Only the spells (and appointments) whose id hashes to `index` of `of` parts. The parts' union is
   * the whole classification; see `classificationParts`.
   */
  partition?: { index: number; of: number };
  /** One setting only (default: both). */
  setting?: "apc" | "op";
  /**
   * The admitted table holds only the episodes of candidate spells (`candidateEpisodesSql`), so the
   * spells need not be found again.
   */
  candidateSpellsOnly?: boolean;
}

/** Admitted episodes per part of the classification: a national year's, which one statement holds. */
const episodesPerPart = 25_000_000;

/**
 * How many statements the admitted classification of `apcRows` episodes is split into. A spell's
 * episodes are gathered into one list per spell, and DuckDB cannot spill a list aggregate to disk:
 * eight national years (180 million episodes, 10 million of them in candidate spells) ran out of a
 * 4 GB limit in one statement. Split by spell, each part holds about a national year's spells.
 */
export function classificationParts(apcRows: number): number {
  return Math.max(1, Math.ceil(apcRows / episodesPerPart));
}

/** SQL true for the rows whose `column` hashes into the part, or undefined for the whole. */
function partSql(column: string, partition: FlagOptions["partition"]): string | undefined {
  if (!partition || partition.of <= 1) return undefined;
  const { index, of } = partition;
  if (!Number.isInteger(index) || !Number.isInteger(of) || index < 0 || index >= of)
    throw new Error(`bad classification part ${index} of ${of}`);
  return `hash(${column}) % ${of} = ${index}`;
}

/** `WHERE` over the tests given, or nothing when there are none. */
const whereAll = (...tests: (string | undefined)[]) => {
  const kept = tests.filter((t): t is string => t !== undefined);
  if (kept.length === 0) return "";
  return `WHERE ${kept.length === 1 ? kept[0] : kept.map((t) => `(${t})`).join(" AND ")}`;
};

/** The matched-intervention list of one setting: `[CASE WHEN … THEN 'id' END, …]` without NULLs. */
function matchList(ruleSets: readonly ResolvedRuleSet[], setting: "apc" | "op"): string | undefined {
  const cases: string[] = [];
  for (const set of ruleSets) {
    for (const intervention of set.interventions) {
      const sql = interventionSql(intervention.rule, setting);
      if (!sql) continue;
      if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(intervention.intervention_id))
        throw new Error(`unexpected intervention id ${intervention.intervention_id}`);
      cases.push(`CASE WHEN ${sql}\n  THEN '${intervention.intervention_id}' END`);
    }
  }
  return cases.length > 0 ? `list_filter([${cases.join(",\n")}], x -> x IS NOT NULL)` : undefined;
}

/**
 * SQL true for the rows of `setting` that some intervention could match: those holding a code one of
 * the rules needs. Most episodes hold none, and this one test is far cheaper than every rule. Undefined
 * (no filter) when some rule can match without a code.
 */
function candidateSql(ruleSets: readonly ResolvedRuleSet[], setting: "apc" | "op"): string | undefined {
  const counted = ruleSets.flatMap((set) =>
    set.interventions.filter(({ rule }) => interventionSql(rule, setting) !== undefined),
  );
  // No rule counted in this setting: nothing can match, which the (empty) rule list already says.
  if (counted.length === 0) return undefined;
  const required = requiredByEvery(counted.map(({ rule }) => requiredCodes(rule.match as Condition)));
  return required ? requiredCodesSql(required) : undefined;
}

/** The admitted columns the classification reads: the rules' own, the keys and the episode order. */
const classifiedApcColumns = [
  "load_id",
  "source_row",
  "epikey",
  "spell_id",
  "epistart",
  "admimeth",
  "age",
  "sex",
  "diag",
  "opertn",
] as const;

/**
 * Every episode (the classified columns) of the spells holding a candidate episode: all the
 * admitted classification reads, a twentieth of a national store, copied once so that the parts
 * of a split classification read it rather than the whole store each.
 */
export function candidateEpisodesSql(
  ruleSets: readonly ResolvedRuleSet[],
  apcTable = "apc_episodes",
): string {
  const apc = quoteIdentifier(apcTable);
  const candidates = candidateSql(ruleSets, "apc");
  return `SELECT ${classifiedApcColumns.join(", ")} FROM ${apc}
  ${whereAll(candidates && `spell_id IN (SELECT spell_id FROM ${apc} WHERE ${candidates})`)}`;
}

/**
 * Spells as rows of the episode table's shape, over the spells holding a candidate episode: codes of
 * the whole spell, the dominant episode's (its first episode with a procedure) first, so position 1
 * is the spell's dominant procedure; the first episode's diagnoses first, so position 1 is the
 * spell's primary diagnosis. Age, sex and admission method are the first episode's (the admission);
 * keys are the dominant episode's, so a count points at the episode that carried it.
 */
function spellRowsSql(apc: string, candidates: string | undefined, part: string | undefined): string {
  // One list per spell, sorted twice in memory, rather than ordered aggregates: DuckDB sorts the
  // whole input for each ORDER BY inside an aggregate, and most spells hold a single episode.
  // A struct sorts by its fields in order: no procedure last, then episode start, then key.
  return `SELECT spell_id, by_dominance[1].load_id AS load_id, by_dominance[1].source_row AS source_row,
    by_dominance[1].epikey AS epikey, by_start[1].age AS age, by_start[1].sex AS sex,
    by_start[1].admimeth AS admimeth,
    flatten(list_transform(by_start, x -> x.diag)) AS diag,
    flatten(list_transform(by_dominance, x -> x.opertn)) AS opertn
  FROM (
    SELECT spell_id, list_sort(episodes) AS by_dominance,
      list_sort(list_transform(episodes, x -> {'epistart': x.epistart, 'epikey': x.epikey, 'age': x.age,
        'sex': x.sex, 'admimeth': x.admimeth, 'diag': x.diag})) AS by_start
    FROM (
      SELECT spell_id, list({'no_procedure': coalesce(len(opertn), 0) = 0, 'epistart': epistart, 'epikey': epikey,
        'load_id': load_id, 'source_row': source_row, 'age': age, 'sex': sex, 'admimeth': admimeth,
        'diag': coalesce(diag, []), 'opertn': coalesce(opertn, [])}) AS episodes
      FROM ${apc}
      ${whereAll(part, candidates && `spell_id IN (SELECT spell_id FROM ${apc} ${whereAll(part, candidates)})`)}
      GROUP BY spell_id
    )
  )`;
}

/**
 * The classification as one SQL statement: every admitted spell (or episode) and outpatient
 * appointment against every measurable intervention, the cancer exclusion taken over the whole
 * spell. `count_key` is what one count is: the spell, or the episode.
 */
export function classificationSql(ruleSets: readonly ResolvedRuleSet[], options: FlagOptions = {}): string {
  const apc = quoteIdentifier(options.apcTable ?? "apc_episodes");
  const op = quoteIdentifier(options.opTable ?? "op_appointments");
  const unit = options.unit ?? defaultCountingUnit;
  const parts: string[] = [];
  const where = (setting: "apc" | "op") =>
    whereAll(
      partSql(setting === "apc" ? "spell_id" : "attendkey", options.partition),
      candidateSql(ruleSets, setting),
    );
  const apcList = options.setting === "op" ? undefined : matchList(ruleSets, "apc");
  if (apcList && unit === "episode") {
    // The cancer exclusion looks at every episode of the spell, candidate or not.
    parts.push(`SELECT 'apc' AS setting, epikey AS record_key, load_id, source_row, spell_id, epikey AS count_key, unnest(${apcList}) AS intervention_id
FROM (
  SELECT *, spell_id IN (SELECT spell_id FROM ${apc} WHERE ${cancerInEpisodeSql}) AS cancer_in_spell
  FROM ${apc} ${where("apc")}
)`);
  } else if (apcList) {
    // A spell row holds every diagnosis of the spell, so the cancer test on it covers the spell.
    parts.push(`SELECT 'apc' AS setting, epikey AS record_key, load_id, source_row, spell_id, spell_id AS count_key, unnest(${apcList}) AS intervention_id
FROM (
  SELECT *, ${cancerInEpisodeSql} AS cancer_in_spell
  FROM (${spellRowsSql(apc, options.candidateSpellsOnly ? undefined : candidateSql(ruleSets, "apc"), partSql("spell_id", options.partition))})
)`);
  }
  const opList = options.setting === "apc" ? undefined : matchList(ruleSets, "op");
  if (opList) {
    parts.push(`SELECT 'op' AS setting, attendkey AS record_key, load_id, source_row, attendkey AS spell_id, attendkey AS count_key, unnest(${opList}) AS intervention_id
FROM (SELECT *, ${cancerInEpisodeSql} AS cancer_in_spell FROM ${op} ${where("op")})`);
  }
  if (parts.length === 0)
    return "SELECT NULL::VARCHAR AS setting, NULL::VARCHAR AS record_key, NULL::VARCHAR AS load_id, NULL::BIGINT AS source_row, NULL::VARCHAR AS spell_id, NULL::VARCHAR AS count_key, NULL::VARCHAR AS intervention_id WHERE false";
  return parts.join("\nUNION ALL\n");
}

/**
 * Creates (replacing) `target` on one connection: one row per counted spell or episode (or attended
 * appointment) × intervention matched. Up to a national year of admitted episodes (`apcRows`) it is
 * one statement; past it, the candidate spells' episodes are copied once, classified in
 * `classificationParts(apcRows)` parts by spell, and the outpatients in one statement of their own
 * (nothing of theirs is gathered into lists). Returns its rows and how many admitted parts made them.
 */
export async function createFlagsTable(
  connection: DuckDBConnection,
  ruleSets: readonly ResolvedRuleSet[],
  options: FlagOptions & { target: string; temporary?: boolean; apcRows: number },
): Promise<{ rows: number; parts: number }> {
  const target = quoteIdentifier(options.target);
  const create = `CREATE OR REPLACE ${options.temporary ? "TEMP " : ""}TABLE ${target} AS`;
  const of = classificationParts(options.apcRows);
  if (of === 1) {
    await runOn(connection, `${create} ${classificationSql(ruleSets, options)}`, undefined, "classify");
  } else {
    const { partition: _whole, ...rest } = options;
    const episodes = `${options.target}_candidate_episodes`;
    await runOn(
      connection,
      `CREATE OR REPLACE TEMP TABLE ${quoteIdentifier(episodes)} AS ${candidateEpisodesSql(ruleSets, options.apcTable)}`,
      undefined,
      "classify (candidate spells' episodes)",
    );
    try {
      await runOn(
        connection,
        `${create} ${classificationSql(ruleSets, { ...rest, setting: "op" })}`,
        undefined,
        "classify (outpatients)",
      );
      for (let index = 0; index < of; index++) {
        const sql = classificationSql(ruleSets, {
          ...rest,
          apcTable: episodes,
          candidateSpellsOnly: true,
          setting: "apc",
          partition: { index, of },
        });
        await runOn(
          connection,
          `INSERT INTO ${target} ${sql}`,
          undefined,
          `classify (part ${index + 1} of ${of})`,
        );
      }
    } finally {
      await runOn(connection, `DROP TABLE IF EXISTS ${quoteIdentifier(episodes)}`);
    }
  }
  const [count] = await allOn<{ n: number }>(connection, `SELECT count(*) AS n FROM ${target}`);
  return { rows: count?.n ?? 0, parts: of };
}

/** Creates (replacing) `target`: one row per counted spell or episode (or attended appointment) × intervention matched. */
export async function writeEpisodeFlags(
  db: Database,
  ruleSets: readonly ResolvedRuleSet[],
  options: FlagOptions = {},
): Promise<{ rows: number }> {
  return db.withConnection(async (connection) => {
    const apc = quoteIdentifier(options.apcTable ?? "apc_episodes");
    const [loaded] = await allOn<{ n: number }>(connection, `SELECT count(*) AS n FROM ${apc}`);
    const { rows } = await createFlagsTable(connection, ruleSets, {
      ...options,
      target: options.target ?? "episode_flags",
      apcRows: loaded?.n ?? 0,
    });
    return { rows };
  });
}

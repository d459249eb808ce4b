import { closeSync, openSync, readSync } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import { type ActivityKind, inputFields, stageActivityFile } from "../activity/index.ts";
import { allOn, quoteIdentifier, quoteLiteral, runOn } from "../db/index.ts";
import { classificationSql, type ResolvedRuleSet } from "../rules/index.ts";
import { storeSchema } from "../store/index.ts";
import { approvalFields, columnKey } from "./approvalFields.ts";

/** A patient identifier as compared: upper case, spaces removed. */
export const patientKeySql = (x: string) => `nullif(upper(replace(trim(${x}), ' ', '')), '')`;

/**
 * One row per restricted spell × intervention from classified episodes (`episodes` joined to the
 * classification on load and row): the spell's patient keys, first admission date and provider, and
 * the fields the audit breaks down by. `extraKeys` (record_key, patient_key) adds identifiers beyond
 * `patient_id`, for an extract carrying both `hesid` and a pseudonymised NHS number.
 */
export function restrictedSpellsSql(
  kind: ActivityKind,
  options: { episodes: string; flags: string; extraKeys?: string },
): string {
  const episodes = quoteIdentifier(options.episodes);
  const key = kind === "apc" ? "epikey" : "attendkey";
  const start = kind === "apc" ? "e.epistart" : "e.apptdate";
  const admission = kind === "apc" ? "coalesce(e.admidate, e.epistart)" : "e.apptdate";
  const spell = kind === "apc" ? "e.spell_id" : "e.attendkey";
  const extra = options.extraKeys
    ? `LEFT JOIN (SELECT record_key, list(patient_key) AS keys FROM ${quoteIdentifier(options.extraKeys)} GROUP BY record_key) x
       ON x.record_key = e.${key}`
    : "";
  const keys = `list_filter([${patientKeySql("e.patient_id")}], k -> k IS NOT NULL)${options.extraKeys ? " || coalesce(x.keys, [])" : ""}`;
  return `SELECT ${spell} AS spell_id, f.intervention_id,
  min(e.patient_id) AS patient_id,
  list_sort(list_distinct(flatten(list(${keys})))) AS patient_keys,
  min(${admission}) AS admission_date,
  arg_min(e.procode, ${start}) AS provider_code,
  arg_min(e.sub_icb, ${start}) AS sub_icb,
  arg_min(e.age, ${start}) AS age, arg_min(e.sex, ${start}) AS sex,
  arg_min(e.ethnos, ${start}) AS ethnos, arg_min(e.imd_decile, ${start}) AS imd_decile
FROM (${options.flags}) f
JOIN ${episodes} e ON e.load_id = f.load_id AND e.source_row = f.source_row
${extra}
GROUP BY ${spell}, f.intervention_id`;
}

/** Column names that hold a patient identifier in an extract: the activity's and the approvals'. */
function identifierNames(): string[] {
  const hesid = inputFields.find((f) => f.name === "hesid");
  const approvals = approvalFields.find((f) => f.name === "patient_id");
  return [...new Set([...(hesid ? [hesid.name, ...hesid.aliases] : []), ...(approvals?.aliases ?? [])])].map(
    columnKey,
  );
}

/**
 * Classifies an activity file exactly as `ebi classify` does and leaves `restricted_spells`
 * (see `restrictedSpellsSql`, with `patient_keys`) on the connection. Returns the counts.
 */
export async function stageRestrictedSpells(
  connection: DuckDBConnection,
  options: { kind: ActivityKind; file: string; ruleSets: readonly ResolvedRuleSet[] },
): Promise<{ episodes: number; quarantined: number; spells: number }> {
  const { kind, file } = options;
  for (const statement of storeSchema) await runOn(connection, statement);
  const staged = await stageActivityFile(connection, { kind, file, table: "staged" });
  // The staged rows stand in for the store's table, so the same compiled SQL runs on them.
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE input AS SELECT 'input' AS load_id, * EXCLUDE (problems, quarantined) FROM staged WHERE NOT quarantined`,
  );
  // Every restricted procedure in a spell needs its approval, not only the spell's dominant one, so
  // the match reads each episode's flags (`restrictedSpellsSql` folds them to spell × intervention).
  const flags = classificationSql(
    options.ruleSets,
    kind === "apc"
      ? { apcTable: "input", opTable: "op_appointments", unit: "episode" }
      : { apcTable: "apc_episodes", opTable: "input", unit: "episode" },
  );
  const extraKeys = await stageExtraPatientKeys(connection, kind, file, staged.columns.hesid);
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE restricted_spells AS
     ${restrictedSpellsSql(kind, { episodes: "input", flags, extraKeys })}`,
    undefined,
    `classify ${file}`,
  );
  const [counts] = await allOn<{ episodes: number; quarantined: number; spells: number }>(
    connection,
    `SELECT (SELECT count(*) FROM staged WHERE NOT quarantined) AS episodes,
            (SELECT count(*) FROM staged WHERE quarantined) AS quarantined,
            (SELECT count(*) FROM restricted_spells) AS spells`,
  );
  return counts ?? { episodes: 0, quarantined: 0, spells: 0 };
}

/**
 * When an extract holds more than one patient identifier column (`hesid` and a pseudonymised NHS
 * number), the others are read as further keys an approval may match. Returns the table's name, or
 * undefined when the file has only the one.
 */
async function stageExtraPatientKeys(
  connection: DuckDBConnection,
  kind: ActivityKind,
  file: string,
  used: string | undefined,
): Promise<string | undefined> {
  const fd = openSync(file, "r");
  const magic = Buffer.alloc(4);
  try {
    readSync(fd, magic, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  const parquet = magic.toString("latin1") === "PAR1";
  const from = parquet
    ? `read_parquet(${quoteLiteral(file)})`
    : `read_csv(${quoteLiteral(file)}, header = true, all_varchar = true, sample_size = 20480)`;
  const columns = (await allOn<{ column_name: string }>(connection, `DESCRIBE SELECT * FROM ${from}`)).map(
    (c) => c.column_name,
  );
  const names = identifierNames();
  const others = columns.filter((c) => names.includes(columnKey(c)) && c !== used);
  const keyField = inputFields.find((f) => f.name === (kind === "apc" ? "epikey" : "attendkey"));
  const keyNames = keyField ? [keyField.name, ...keyField.aliases].map((n) => n.toLowerCase()) : [];
  const keyColumn = columns.find((c) => keyNames.includes(c.toLowerCase()));
  if (others.length === 0 || !keyColumn) return undefined;
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE extra_patient_keys AS
     SELECT DISTINCT record_key, patient_key FROM (
       ${others
         .map(
           (c) =>
             `SELECT nullif(trim(CAST(${quoteIdentifier(keyColumn, columns)} AS VARCHAR)), '') AS record_key, ${patientKeySql(`CAST(${quoteIdentifier(c, columns)} AS VARCHAR)`)} AS patient_key FROM ${from}`,
         )
         .join(" UNION ALL ")}
     ) WHERE record_key IS NOT NULL AND patient_key IS NOT NULL`,
    undefined,
    `read patient identifiers of ${file}`,
  );
  return "extra_patient_keys";
}

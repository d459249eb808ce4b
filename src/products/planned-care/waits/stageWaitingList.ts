import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteIdentifier, runOn } from "../../../db/index.ts";
import { EbiError } from "../../../errors/index.ts";
import { readCsvHeader, textCsv } from "../csvHeader.ts";
import { waitingListFields } from "./waitingListFields.ts";

/** A row of the extract that could not be used, and why. */
export interface WaitingListProblem {
  row: number;
  field: string;
  value: string | null;
  reason: string;
}

/**
 * Reads a waiting-list extract (CSV, WLMDS clock-stop layout) into `pc_waits`: dates checked, codes
 * normalised, the IMD decile from the LSOA and the ICB from the commissioner. A missing required
 * column stops the load naming the file and the columns; a row with a bad date, a stop before its
 * start or no pathway id is quarantined with its row number, field, value and reason.
 */
export async function stageWaitingList(
  connection: DuckDBConnection,
  file: string,
): Promise<{ rows: number; accepted: number; problems: WaitingListProblem[] }> {
  const source = textCsv(file);
  const header = await readCsvHeader(connection, file, "EBI_WAITING_LIST_INVALID");
  const upper = new Map(header.map((h) => [h.trim().toUpperCase(), h]));
  const column = new Map<string, string>();
  for (const f of waitingListFields) {
    const found = [f.name, ...f.aliases].map((n) => upper.get(n)).find((h) => h !== undefined);
    if (found) column.set(f.name, found);
  }
  const missing = waitingListFields.filter((f) => f.required && !column.has(f.name)).map((f) => f.name);
  if (missing.length > 0)
    throw new EbiError(
      "EBI_WAITING_LIST_INVALID",
      `${file} lacks the column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (found ${header.join(", ")}).`,
      { file, field: missing[0], expected: missing.join(", ") },
    );
  const col = (name: string) => {
    const c = column.get(name);
    return c ? `nullif(trim(${quoteIdentifier(c)}), '')` : "NULL::VARCHAR";
  };
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE pc_waits_raw AS
     SELECT row_number() OVER () + 1 AS source_row,
       ${col("PATIENT_PATHWAY_IDENTIFIER")} AS pathway_id,
       upper(${col("ORGANISATION_IDENTIFIER_CODE_OF_COMMISSIONER")}) AS commissioner,
       ${col("REFERRAL_TO_TREATMENT_PERIOD_START_DATE")} AS start_text,
       ${col("REFERRAL_TO_TREATMENT_PERIOD_END_DATE")} AS end_text,
       upper(${col("DER_LSOA2021")}) AS lsoa,
       upper(${col("ETHNIC_CATEGORY")}) AS ethnos,
       upper(${col("PERSON_STATED_GENDER_CODE")}) AS sex,
       regexp_replace(upper(coalesce(${col("PROCEDURE_CODE_OPCS")}, '')), '[^A-Z0-9]', '', 'g') AS procedure_code
     FROM ${source}`,
    undefined,
    "waiting list: read",
  );
  const problems = await allOn<WaitingListProblem>(
    connection,
    `SELECT source_row::BIGINT AS row, field, value, reason FROM (
       SELECT source_row, 'PATIENT_PATHWAY_IDENTIFIER' AS field, pathway_id AS value, 'missing pathway identifier' AS reason FROM pc_waits_raw WHERE pathway_id IS NULL
       UNION ALL SELECT source_row, 'REFERRAL_TO_TREATMENT_PERIOD_START_DATE', start_text, 'not a date YYYY-MM-DD' FROM pc_waits_raw WHERE try_strptime(start_text, '%Y-%m-%d') IS NULL
       UNION ALL SELECT source_row, 'REFERRAL_TO_TREATMENT_PERIOD_END_DATE', end_text, 'not a date YYYY-MM-DD' FROM pc_waits_raw WHERE try_strptime(end_text, '%Y-%m-%d') IS NULL
       UNION ALL SELECT source_row, 'REFERRAL_TO_TREATMENT_PERIOD_END_DATE', end_text, 'clock stop before clock start' FROM pc_waits_raw
         WHERE try_strptime(end_text, '%Y-%m-%d') < try_strptime(start_text, '%Y-%m-%d')
       UNION ALL SELECT source_row, 'ORGANISATION_IDENTIFIER_CODE_OF_COMMISSIONER', commissioner, 'missing commissioner' FROM pc_waits_raw WHERE commissioner IS NULL
     ) ORDER BY row, field`,
    undefined,
    "waiting list: checks",
  );
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE pc_waits AS
     WITH imd AS (SELECT lsoa, imd_decile FROM ref_imd WHERE vintage = (SELECT max(vintage) FROM ref_imd))
     SELECT w.source_row, w.pathway_id, w.commissioner AS sub_icb,
       strptime(w.start_text, '%Y-%m-%d')::DATE AS rtt_start, strptime(w.end_text, '%Y-%m-%d')::DATE AS rtt_end,
       (strptime(w.end_text, '%Y-%m-%d')::DATE - strptime(w.start_text, '%Y-%m-%d')::DATE) / 7.0 AS weeks,
       i.imd_decile, w.ethnos, CASE WHEN w.sex IN ('1', '2') THEN w.sex ELSE NULL END AS sex,
       CASE WHEN w.procedure_code SIMILAR TO '[A-Z][0-9]{2}[0-9]?' THEN [w.procedure_code] ELSE []::VARCHAR[] END AS opertn,
       []::VARCHAR[] AS diag, NULL::INTEGER AS age
     FROM pc_waits_raw w LEFT JOIN imd i ON i.lsoa = w.lsoa
     WHERE w.pathway_id IS NOT NULL AND w.commissioner IS NOT NULL
       AND try_strptime(w.start_text, '%Y-%m-%d') IS NOT NULL AND try_strptime(w.end_text, '%Y-%m-%d') IS NOT NULL
       AND try_strptime(w.end_text, '%Y-%m-%d') >= try_strptime(w.start_text, '%Y-%m-%d')`,
    undefined,
    "waiting list: stage",
  );
  const [counts] = await allOn<{ rows: number; accepted: number }>(
    connection,
    "SELECT (SELECT count(*) FROM pc_waits_raw) AS rows, (SELECT count(*) FROM pc_waits) AS accepted",
  );
  return { rows: counts?.rows ?? 0, accepted: counts?.accepted ?? 0, problems };
}

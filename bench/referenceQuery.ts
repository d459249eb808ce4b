import { layoutFor } from "../src/activity/inputLayouts.ts";
import type { Database } from "../src/db/index.ts";

/**
 * The hand-written reference for the classification benchmark: one DuckDB query over the raw HES
 * files that reads the columns the rules read and classifies two List 1 interventions (knee
 * arthroscopy for osteoarthritis, C; carpal tunnel release, M) with the global rules, then counts
 * spells by month and sub-ICB. Written the way an analyst would for speed: column by column (the
 * file's diag_01…diag_20 and opertn_01…opertn_24), each code tidied once (upper case, no dots), the
 * cancer exclusion as category ranges. It is a floor for speed, not a second implementation.
 */
export function referenceQuerySql(parquetGlob: string): string {
  const source = `read_parquet('${parquetGlob.replaceAll("'", "''")}')`;
  const columns = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `${prefix}_${String(i + 1).padStart(2, "0")}`);
  const diag = columns("diag", 20);
  const opertn = columns("opertn", 24);
  const tidy = [...diag, ...opertn].map((c) => `upper(replace(${c}, '.', '')) AS ${c}`).join(", ");
  const anyOf = (cols: string[], test: (c: string) => string) => `(${cols.map(test).join(" OR ")})`;
  const cancer = (c: string) =>
    `coalesce((${c} >= 'C00' AND ${c} < 'C98') OR (${c} >= 'D00' AND ${c} < 'D10') OR (${c} >= 'D37' AND ${c} < 'D49'), false)`;
  return `
WITH episodes AS (
  SELECT susspellid AS spell, sub_icb,
         date_trunc('month', TRY_CAST(admidate AS DATE)) AS month,
         TRY_CAST(startage AS INTEGER) AS age, admimeth, ${tidy}
  FROM ${source}
), flagged AS (
  SELECT spell, sub_icb, month,
    (left(opertn_01, 4) IN ('W851', 'W852')
      OR (left(opertn_01, 4) = 'W802'
        AND ${anyOf(opertn.slice(1), (c) => `coalesce(left(${c}, 4) = 'Y767', false)`)}
        AND ${anyOf(opertn.slice(1), (c) => `coalesce(left(${c}, 4) = 'Z846', false)`)}))
      AND left(diag_01, 3) IN ('M15', 'M17')
      AND NOT ${anyOf(diag.slice(1), (c) => `coalesce(left(${c}, 4) = 'M238', false)`)}
      AND age >= 19 AS knee,
    left(opertn_01, 4) IN ('A651', 'A659') AND left(diag_01, 4) = 'G560' AND age >= 19 AS carpal,
    coalesce(admimeth LIKE '2%', false) OR ${anyOf(diag, cancer)} AS excluded
  FROM episodes
)
SELECT month, sub_icb,
  count(DISTINCT spell) FILTER (WHERE knee AND NOT excluded) AS knee,
  count(DISTINCT spell) FILTER (WHERE carpal AND NOT excluded) AS carpal
FROM flagged GROUP BY ALL`;
}

/**
 * The same reference written over the loaded store instead of the files: the episode table's
 * tidied code lists (`diag`, `opertn`, primary first), so it reads what the product's step reads.
 * The cancer exclusion is per episode here; the product's is per spell, which costs it more.
 */
export const referenceStoreSql = `
WITH flagged AS (
  SELECT spell_id, sub_icb, date_trunc('month', coalesce(admidate, epistart)) AS month,
    (list_extract(opertn, 1) IN ('W851', 'W852')
      OR (list_extract(opertn, 1) = 'W802' AND list_contains(opertn[2:], 'Y767') AND list_contains(opertn[2:], 'Z846')))
      AND left(list_extract(diag, 1), 3) IN ('M15', 'M17')
      AND NOT coalesce(list_contains(diag[2:], 'M238'), false)
      AND age >= 19 AS knee,
    list_extract(opertn, 1) IN ('A651', 'A659') AND list_extract(diag, 1) = 'G560' AND age >= 19 AS carpal,
    coalesce(admimeth LIKE '2%', false)
      OR coalesce(len(list_filter(diag, x -> (x >= 'C00' AND x < 'C98') OR (x >= 'D00' AND x < 'D10') OR (x >= 'D37' AND x < 'D49'))) > 0, false) AS excluded
  FROM apc_episodes
)
SELECT month, sub_icb,
  count(DISTINCT spell_id) FILTER (WHERE knee AND NOT excluded) AS knee,
  count(DISTINCT spell_id) FILTER (WHERE carpal AND NOT excluded) AS carpal
FROM flagged GROUP BY ALL`;

/** A bare scan: reads every column the rules read and does nothing else. */
export function bareScanSql(parquetGlob: string): string {
  const source = `read_parquet('${parquetGlob.replaceAll("'", "''")}')`;
  const cols = [
    "susspellid",
    "sub_icb",
    "admidate",
    "startage",
    "admimeth",
    ...Array.from({ length: 20 }, (_, i) => `diag_${String(i + 1).padStart(2, "0")}`),
    ...Array.from({ length: 24 }, (_, i) => `opertn_${String(i + 1).padStart(2, "0")}`),
  ];
  return `SELECT ${cols.map((c) => `sum(length(${c}))`).join(" + ")} AS bytes FROM ${source}`;
}

/**
 * A bare scan of every column an ingest keeps: each field of the layout the file holds, read as
 * text and summed in length, and nothing else. From a CSV file it is DuckDB's own read of the file
 * (every column text, header given), the floor the CSV ingest is held to.
 */
export async function keptScanSql(
  db: Database,
  kind: "apc" | "op",
  glob: string,
  format: "csv" | "parquet",
): Promise<string> {
  const file = `'${glob.replaceAll("'", "''")}'`;
  const source =
    format === "csv" ? `read_csv(${file}, header = true, all_varchar = true)` : `read_parquet(${file})`;
  const columns = new Set(
    (await db.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${source}`)).map((c) =>
      c.column_name.toLowerCase(),
    ),
  );
  const fields = layoutFor(kind)
    .fields.map((f) => [f.name, ...f.aliases].find((n) => columns.has(n.toLowerCase())))
    .filter((c): c is string => c !== undefined);
  return `SELECT ${fields.map((c) => `sum(length(CAST("${c}" AS VARCHAR)))`).join(" + ")} AS bytes FROM ${source}`;
}

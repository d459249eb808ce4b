/**
 * The hand-written reference for the classification benchmark: one DuckDB query over the raw HES
 * files that reads the columns the rules read and classifies two List 1 interventions (knee
 * arthroscopy for osteoarthritis, C; carpal tunnel release, M) with the global rules, then counts
 * spells by month and sub-ICB. No normalisation beyond upper-casing and dropping dots, which is what
 * the demo's clean rows need; it is a floor for speed, not a second implementation.
 */
export function referenceQuerySql(parquetGlob: string): string {
  const source = `read_parquet('${parquetGlob.replaceAll("'", "''")}')`;
  const list = (prefix: string, n: number) =>
    `list_filter([${Array.from({ length: n }, (_, i) => `upper(replace(${prefix}_${String(i + 1).padStart(2, "0")}, '.', ''))`).join(", ")}], x -> x IS NOT NULL AND x <> '')`;
  return `
WITH episodes AS (
  SELECT susspellid AS spell, sub_icb,
         date_trunc('month', TRY_CAST(admidate AS DATE)) AS month,
         TRY_CAST(startage AS INTEGER) AS age, admimeth,
         ${list("diag", 20)} AS diag, ${list("opertn", 24)} AS opertn
  FROM ${source}
), flagged AS (
  SELECT spell, sub_icb, month,
    (left(opertn[1], 4) IN ('W851','W852') OR (left(opertn[1], 4) = 'W802' AND list_contains(opertn[2:], 'Y767') AND list_contains(opertn[2:], 'Z846')))
      AND (left(diag[1], 3) IN ('M15','M17')) AND NOT list_contains(diag[2:], 'M238') AND age >= 19 AS knee,
    left(opertn[1], 4) IN ('A651','A659') AND left(diag[1], 4) = 'G560' AND age >= 19 AS carpal,
    admimeth LIKE '2%' OR len(list_filter(diag, d -> regexp_matches(d, '^(C[0-8][0-9]|C9[0-7]|D0[0-9]|D3[7-9]|D4[0-8])'))) > 0 AS excluded
  FROM episodes
)
SELECT month, sub_icb,
  count(DISTINCT spell) FILTER (WHERE knee AND NOT excluded) AS knee,
  count(DISTINCT spell) FILTER (WHERE carpal AND NOT excluded) AS carpal
FROM flagged GROUP BY ALL`;
}

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

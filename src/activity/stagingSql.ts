/**
 * The one staging step, compiled from an input layout (`inputLayouts.ts`) to SQL: read every field
 * as text, normalise it once, check it, and record each problem with its field, value and reason.
 * Pure: strings in, SQL out, so each layout's SQL can be read and pinned on its own.
 */
import { quoteIdentifier } from "../db/index.ts";
import { problemReasons } from "./fields.ts";
import type { InputLayout, LayoutCheck } from "./inputLayouts.ts";

/** Reasons the CSV reader gives a row it cannot split into the header's columns (see `stageActivityFile`). */
export const readerRejectReasons: readonly string[] = ["row-ragged", "row-too-long", "row-unreadable"];

/** The reasons found by checking a row's values that make it unusable (quarantined), from the one reason table. */
export const quarantineReasons: readonly string[] = Object.entries(problemReasons)
  .filter(([reason, r]) => r.severity === "quarantine" && !readerRejectReasons.includes(reason))
  .map(([reason]) => reason);

/** `'a', 'b'` for an SQL IN list of fixed words. */
export const sqlWords = (words: readonly string[]) =>
  words.map((w) => `'${w.replaceAll("'", "''")}'`).join(", ");

/** NHS ethnic category codes (A–H, J–N, P, R, S, Z) and 99, not stated. */
export const ethnicCodes = [
  "A",
  "B",
  "C",
  "D",
  "E",
  "F",
  "G",
  "H",
  "J",
  "K",
  "L",
  "M",
  "N",
  "P",
  "R",
  "S",
  "Z",
  "99",
];

const nn = (i: number) => String(i).padStart(2, "0");

/** The diagnosis and procedure columns of a layout, in position order. */
export function codeColumns(layout: InputLayout): { diag: string[]; opertn: string[] } {
  return {
    diag: Array.from({ length: layout.positions.diag }, (_, i) => `diag_${nn(i + 1)}`),
    opertn: Array.from({ length: layout.positions.opertn }, (_, i) => `opertn_${nn(i + 1)}`),
  };
}

/**
 * A date only when the whole value is one. ISO `YYYY-MM-DD` is tested without a regular expression
 * (digits in place, dashes at 5 and 8), as nearly every value of a national extract is one; ISO
 * with a time (a Parquet TIMESTAMP read as text) takes the regular expression.
 */
function isoDate(x: string): string {
  const t = `trim(${x})`;
  return `CASE WHEN length(${t}) = 10 AND ${t}[5] = '-' AND ${t}[8] = '-' AND translate(${t}, '0123456789', '') = '--'
      THEN TRY_CAST(${t} AS DATE)
    WHEN regexp_full_match(${t}, '[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?)?')
      THEN TRY_CAST(left(${t}, 10) AS DATE) END`;
}

/** The other forms a HES date comes in (warned about as `date-format`): DD/MM/YYYY and YYYYMMDD. */
function otherDate(x: string): string {
  const t = `trim(${x})`;
  return `coalesce(
    CASE WHEN regexp_full_match(${t}, '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}') THEN try_strptime(${t}, '%d/%m/%Y')::DATE END,
    CASE WHEN regexp_full_match(${t}, '[0-9]{8}') THEN try_strptime(${t}, '%Y%m%d')::DATE END)`;
}

/** A code of the shape ICD-10 and OPCS-4 codes have: a letter and 2 or 3 digits (no regular expression). */
function codeShape(c: string): string {
  return `(length(${c}) IN (3, 4) AND ${c}[1] BETWEEN 'A' AND 'Z' AND translate(${c}[2:], '0123456789', '') = '')`;
}

/** Age in whole years: HES infant codes 7001–7007 are 0; 0–120 kept; anything else unknown. */
function age(x: string): string {
  const n = `TRY_CAST(trim(${x}) AS INTEGER)`;
  return `CASE WHEN ${n} BETWEEN 7001 AND 7007 THEN 0 WHEN ${n} BETWEEN 0 AND 120 THEN ${n} END`;
}

/** Positions kept as a list: blank positions stay NULL, invalid secondary codes are dropped, trailing blanks cut. */
function codeList(cols: string[]): string {
  const kept = cols.map((c, i) => (i === 0 ? `c_${c}` : `CASE WHEN ok_${c} THEN c_${c} END`));
  // A CASE over the columns rather than a lambda, which is much cheaper per row.
  const last = `CASE ${kept
    .map((k, i) => ({ k, i }))
    .reverse()
    .map(({ k, i }) => `WHEN ${k} IS NOT NULL THEN ${i + 1}`)
    .join(" ")} ELSE 0 END`;
  return `list_slice([${kept.join(", ")}], 1, ${last})`;
}

/** Every check of a prepared row, in the order problems are listed: shared ones with the layout's own. */
export function layoutChecks(layout: InputLayout): LayoutCheck[] {
  const { diag, opertn } = codeColumns(layout);
  const [startField = layout.key] = layout.start;
  const startValue = layout.start.length > 1 ? `coalesce(${layout.start.join(", ")})` : startField;
  const codes: LayoutCheck[] = [...diag, ...opertn].flatMap((c, index) => [
    {
      when: `c_${c} IS NOT NULL AND NOT ok_${c}`,
      field: c,
      value: c,
      reason: index === 0 || index === diag.length ? "code-invalid" : "code-invalid-dropped",
    },
    // Normalised beyond HES's own X filler: dots, dashes, spaces, lower case, 5th/6th characters.
    {
      when: `ok_${c} AND ${c} <> c_${c} AND ${c} <> c_${c} || 'X'`,
      field: c,
      value: c,
      reason: "code-normalised",
    },
  ]);
  const bad = (d: string) => `(${d} IS NOT NULL AND trim(${d}) <> '' AND d_${d} IS NULL)`;
  return [
    { when: "key_n IS NULL", field: layout.key, value: layout.key, reason: "missing-key" },
    { when: "key_n IS NOT NULL AND duplicate", field: layout.key, value: layout.key, reason: "duplicate" },
    { when: "start_n IS NULL", field: startField, value: startValue, reason: "date-invalid" },
    ...codes,
    ...layout.dates.map((d) => ({
      when: `i_${d} IS NULL AND d_${d} IS NOT NULL`,
      field: d,
      value: d,
      reason: "date-format",
    })),
    // A start field that is not a date, where another one stands in for it.
    ...(layout.start.length > 1
      ? layout.start.map((d) => ({
          when: `start_n IS NOT NULL AND ${bad(d)}`,
          field: d,
          value: d,
          reason: "date-replaced",
        }))
      : []),
    ...layout.optionalDates.map((d) => ({
      when: bad(d),
      field: d,
      value: d,
      reason: "date-invalid-dropped",
    })),
    { when: "age_n IS NULL", field: layout.age, value: layout.age, reason: "age-unknown" },
    {
      when: "sex IS NULL OR trim(sex) NOT IN ('0', '1', '2', '9')",
      field: "sex",
      value: "sex",
      reason: "sex-unknown",
    },
    {
      when: `nullif(trim(ethnos), '') IS NOT NULL AND ethnos_n IS NULL`,
      field: "ethnos",
      value: "ethnos",
      reason: "ethnos-unknown",
    },
    ...layout.checks,
    { when: "lsoa_n IS NULL", field: "lsoa", value: "lsoa", reason: "lsoa-missing" },
    { when: "lsoa_n IS NOT NULL AND imd_n IS NULL", field: "lsoa", value: "lsoa", reason: "lsoa-unknown" },
    {
      when: "procode_n IS NOT NULL AND NOT provider_known",
      field: "procode",
      value: "procode",
      reason: "provider-unknown",
    },
    {
      when: "sub_icb_o IS NOT NULL AND NOT commissioner_known",
      field: "sub_icb",
      value: "sub_icb",
      reason: "commissioner-unknown",
    },
  ];
}

/** Problems found in a row's codes (they come from the side table of rows with such codes). */
const codeReasons = ["code-invalid", "code-invalid-dropped", "code-normalised"];

/**
 * The shape every code of a row has when the row needs nothing but HES's X filler cut: a letter, 2
 * digits, and a third digit or an X (ICD-10's three-character codes are filled to four with X, so
 * about one row in six of an extract has one).
 */
const cleanCode = "[A-Z][0-9]{2}[0-9X]?";

/** A code of the clean shape in the store's form: the X filler cut (the shape puts an X only fourth). */
const unfilled = (c: string) => `CASE WHEN ends_with(${c}, 'X') THEN left(${c}, 3) ELSE ${c} END`;

/**
 * The list of `items` up to the last column that is not blank, trailing blank positions cut: one
 * list of each length under a CASE on the columns, several times cheaper per row than slicing one
 * list (or a lambda).
 */
function upToLastPresent(items: string[], cols: string[]): string {
  const lists = cols
    .map((c, i) => `WHEN ${c} IS NOT NULL THEN [${items.slice(0, i + 1).join(", ")}]`)
    .reverse()
    .join(" ");
  return `CASE ${lists} ELSE []::VARCHAR[] END`;
}

/** `{field, value, reason}` when the check holds, else NULL. */
const problem = (c: LayoutCheck) =>
  `CASE WHEN ${c.when} THEN {'field': '${c.field}', 'value': ${c.value}, 'reason': '${c.reason}'} END`;
/** The checks' problems as a list, the ones that do not hold left out. */
const problemList = (checks: LayoutCheck[]) =>
  checks.length === 0
    ? "[]::STRUCT(field VARCHAR, value VARCHAR, reason VARCHAR)[]"
    : `list_filter([${checks.map(problem).join(",\n      ")}], p -> p IS NOT NULL)`;
const anyOf = (checks: LayoutCheck[]) =>
  checks.length === 0 ? "false" : checks.map((c) => `coalesce(${c.when}, false)`).join(" OR ");

/**
 * The statements that stage every row of `raw` (a view with `source_row` and every field of the
 * layout as text) by the layout: the store's columns, the row's `problems` ({field, value, reason})
 * and whether it is `quarantined`. `$today` bounds dates. Run in order:
 *
 * - `duplicates`: keys seen earlier in the file or already in the store, on the key column alone,
 *   so the wide rows are never hashed or sorted;
 * - `codeRows`, then `codes`: the few rows whose codes are not all in the store's form already but
 *   for an X filler (dots, lower case, 5th and 6th characters, impossible shapes), copied out first
 *   and then normalised and checked column by column into a side table;
 * - then either `stage` (every row with its problems, into `table`; `select` is its query alone),
 *   or, for a load, `candidates`, `problems` and `accepted`: the rows any check could fault copied
 *   out, their problems found, and the rows not quarantined written straight to the store table
 *   (`$load_id`), where staging every row first and copying it again would cost the load twice.
 *
 * A row's codes are taken as they are (X filler cut) unless the side table holds it: per-code work
 * on every row of a national extract would cost several times the reading. Work on a few rows runs
 * on their own copy, as a filter leaves near-empty batches that each still pay for every expression.
 */
export function stagingSql(
  layout: InputLayout,
  names: { raw: string; table: string; duplicates: string; codes: string },
): {
  duplicates: string;
  codeRows: string;
  codes: string;
  stage: string;
  select: string;
  candidates: string;
  problems: string;
  accepted: string;
} {
  const raw = quoteIdentifier(names.raw);
  const duplicates = quoteIdentifier(names.duplicates);
  const sideTable = quoteIdentifier(names.codes);
  const sideRows = quoteIdentifier(`${names.codes}_rows`);
  const candidates = quoteIdentifier(`${names.table}_candidates`);
  const problemRows = quoteIdentifier(`${names.table}_problems`);
  const { diag, opertn } = codeColumns(layout);
  const codes = [...diag, ...opertn];
  const keyOf = `nullif(trim(${layout.key}), '')`;
  const checks = layoutChecks(layout);
  const firstCode = checks.findIndex((c) => codeReasons.includes(c.reason));
  const codeChecks = checks.filter((c) => codeReasons.includes(c.reason));
  const before = checks.slice(0, firstCode).filter((c) => !codeReasons.includes(c.reason));
  const after = checks.slice(firstCode).filter((c) => !codeReasons.includes(c.reason));
  const quarantining = (list: LayoutCheck[]) => list.filter((c) => quarantineReasons.includes(c.reason));
  const clean = `coalesce(regexp_full_match(concat_ws(',', ${codes.join(", ")}), '(${cleanCode}(,${cleanCode})*)?'), false)`;
  const cleaned = codes.map(
    (c) =>
      `left(upper(replace(replace(replace(replace(trim(${c}), '.', ''), '-', ''), ' ', ''), '&', '')), 4) AS t_${c}`,
  );
  const normalised = codes.map(
    (c) =>
      `nullif(CASE WHEN length(t_${c}) = 4 AND t_${c}[4] = 'X' THEN left(t_${c}, 3) ELSE t_${c} END, '') AS c_${c}`,
  );
  const asIs = (cols: string[]) => upToLastPresent(cols.map(unfilled), cols);
  const isoDates = layout.dates.map((d) => `${isoDate(d)} AS i_${d}`);
  const dates = layout.dates.map((d) => `coalesce(i_${d}, ${otherDate(d)}) AS d_${d}`);
  const start = `coalesce(${layout.start.map((d) => `d_${d}`).join(", ")})`;
  const columns = Object.entries(layout.columns).map(([column, sql]) => `${sql} AS ${column}`);
  const statements = {
    // One aggregate finds the keys seen more than once and their first row; only those keys' rows
    // are joined back, where numbering every row of the file by key would sort them all.
    duplicates: `CREATE OR REPLACE TABLE ${duplicates} AS
WITH keyed AS (
  SELECT ${keyOf} AS k, source_row FROM ${raw} WHERE ${keyOf} IS NOT NULL
), repeated AS (
  SELECT k, min(source_row) AS first FROM keyed GROUP BY k HAVING count(*) > 1
)
SELECT keyed.source_row FROM keyed JOIN repeated ON repeated.k = keyed.k WHERE keyed.source_row > repeated.first
UNION
SELECT keyed.source_row FROM keyed SEMI JOIN ${layout.table} s ON s.${layout.key} = keyed.k`,
    codeRows: `CREATE OR REPLACE TABLE ${sideRows} AS
SELECT source_row, ${codes.join(", ")} FROM ${raw} WHERE NOT ${clean}`,
    codes: `CREATE OR REPLACE TABLE ${sideTable} AS
WITH cleaned AS (
  SELECT source_row, ${codes.join(", ")}, ${cleaned.join(", ")} FROM ${sideRows}
), normalised AS (
  SELECT *, ${normalised.join(", ")} FROM cleaned
), shaped AS (
  SELECT *, ${codes.map((c) => `${codeShape(`c_${c}`)} AS ok_${c}`).join(", ")} FROM normalised
)
SELECT source_row, ${codeList(diag)} AS diag, ${codeList(opertn)} AS opertn,
  ${problemList(codeChecks)} AS problems, ${anyOf(quarantining(codeChecks))} AS quarantined
FROM shaped`,
    // Every join below has a small table (reference data, the few duplicates, the few rows with
    // codes to normalise) on its build side, so the wide rows stream through: memory stays within
    // DuckDB's limit at a national year.
    stage: "",
    select: "",
    candidates: "",
    problems: "",
    accepted: "",
  };
  // Writing rows already checked needs none of the checks' joins (duplicates, known codes).
  const chain = (from: string, checks = true) => `WITH imd AS (
  SELECT lsoa, imd_decile FROM ref_imd WHERE vintage = (SELECT max(vintage) FROM ref_imd)
), successors AS (
  -- follow chains of mergers (A → B → C) to the current code
  SELECT s1.old_code, coalesce(s3.new_code, s2.new_code, s1.new_code) AS new_code
  FROM ref_successors s1
  LEFT JOIN ref_successors s2 ON s2.old_code = s1.new_code
  LEFT JOIN ref_successors s3 ON s3.old_code = s2.new_code
)${
    checks
      ? `, commissioners AS (
  SELECT code FROM ref_organisations WHERE level = 'sub_icb' UNION SELECT old_code FROM ref_successors
), providers AS (
  SELECT code FROM ref_organisations WHERE level = 'provider'
)`
      : ""
  }, dated AS (
  SELECT *, ${isoDates.join(",\n    ")} FROM ${from}
), normalised AS (
  SELECT *, ${dates.join(",\n    ")} FROM dated
), base AS (
  SELECT *,
    ${keyOf} AS key_n,
    CASE WHEN ${start} BETWEEN DATE '1990-01-01' AND $today::DATE THEN ${start} END AS start_n,
    ${age(layout.age)} AS age_n,
    CASE WHEN trim(sex) IN ('0', '1', '2', '9') THEN trim(sex) ELSE '0' END AS sex_n,
    CASE WHEN upper(trim(ethnos)) IN (${sqlWords(ethnicCodes)}) THEN upper(trim(ethnos)) END AS ethnos_n,
    nullif(upper(trim(lsoa)), '') AS lsoa_n,
    nullif(upper(trim(procode)), '') AS procode_n,
    nullif(upper(trim(sub_icb)), '') AS sub_icb_o
  FROM normalised
), joined AS (
  SELECT b.*, imd.imd_decile AS imd_n, s.new_code AS successor,${
    checks
      ? `
    -- Unknown only against loaded reference data: with none loaded there is nothing to check against.
    (b.procode_n IN (SELECT code FROM providers) OR NOT EXISTS (SELECT 1 FROM providers)) AS provider_known,
    (b.sub_icb_o IN (SELECT code FROM commissioners) OR NOT EXISTS (SELECT 1 FROM commissioners)) AS commissioner_known,
    d.source_row IS NOT NULL AS duplicate,`
      : ""
  }
    k.source_row IS NULL AS codes_clean, k.diag AS k_diag, k.opertn AS k_opertn,
    k.problems AS k_problems, coalesce(k.quarantined, false) AS k_quarantined
  FROM base b${checks ? `\n  LEFT JOIN ${duplicates} d ON d.source_row = b.source_row` : ""}
  LEFT JOIN ${sideTable} k ON k.source_row = b.source_row
  LEFT JOIN imd ON imd.lsoa = b.lsoa_n
  LEFT JOIN successors s ON s.old_code = b.sub_icb_o
), listed AS (
  SELECT *, CASE WHEN codes_clean THEN ${asIs(diag)} ELSE k_diag END AS diag,
    CASE WHEN codes_clean THEN ${asIs(opertn)} ELSE k_opertn END AS opertn
  FROM joined
)${
    checks
      ? `, checked AS (
  SELECT *,
    CASE WHEN NOT codes_clean OR ${anyOf([...before, ...after])}
      THEN list_concat(${problemList(before)}, coalesce(k_problems, []), ${problemList(after)})
      ELSE [] END AS problems,
    ${anyOf(quarantining([...before, ...after]))} OR k_quarantined AS quarantined
  FROM listed
)`
      : ""
  }`;
  const staged = (from: string) => `${chain(from)}
SELECT source_row, ${columns.join(",\n  ")}, problems, quarantined
FROM checked`;
  statements.select = staged(raw);
  statements.stage = `CREATE OR REPLACE TABLE ${quoteIdentifier(names.table)} AS\n${statements.select}`;
  // A row no check faults and whose codes are clean has no problems: the rest are copied out whole
  // (every field as read), so the same steps find their problems on a few dense rows.
  statements.candidates = `CREATE OR REPLACE TABLE ${candidates} AS
${chain(raw)}
SELECT source_row, ${layout.fields.map((f) => f.name).join(", ")} FROM joined
WHERE NOT codes_clean OR ${anyOf([...before, ...after])}`;
  statements.problems = `CREATE OR REPLACE TABLE ${problemRows} AS
${staged(candidates)}
WHERE len(problems) > 0`;
  statements.accepted = `INSERT INTO ${quoteIdentifier(layout.table)} (load_id, source_row, ${Object.keys(layout.columns).join(", ")})
${chain(raw, false)}
SELECT $load_id, source_row, ${columns.join(",\n  ")}
FROM listed
WHERE source_row NOT IN (SELECT source_row FROM ${problemRows} WHERE quarantined)`;
  return statements;
}

import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteLiteral, runOn } from "../db/index.ts";
import { EbiError } from "../errors/index.ts";
import { normalCritical, wilsonInterval } from "../stats/index.ts";

/**
 * Spells to review to estimate a proportion to ± `precision` (a fraction, e.g. 0.05) at
 * `confidence` (default 0.95), from a stratum of `population` spells: n₀ = z²·p(1−p)/e², then the
 * finite population correction n = n₀ / (1 + (n₀ − 1)/N), rounded up. `expected` is the anticipated
 * proportion (default 0.5, the largest sample).
 */
export function sampleSize(
  population: number,
  opts: { precision: number; confidence?: number; expected?: number },
): number {
  const { precision, expected = 0.5 } = opts;
  if (!(precision > 0 && precision < 1))
    throw new EbiError(
      "EBI_INVALID_ARGUMENT",
      `precision must be a fraction between 0 and 1, not ${precision}.`,
    );
  if (!(expected > 0 && expected < 1))
    throw new EbiError(
      "EBI_INVALID_ARGUMENT",
      `expected must be a fraction between 0 and 1, not ${expected}.`,
    );
  if (population <= 0) return 0;
  const z = normalCritical(opts.confidence ?? 0.95);
  const n0 = (z * z * expected * (1 - expected)) / (precision * precision);
  return Math.min(population, Math.ceil(n0 / (1 + (n0 - 1) / population)));
}

/**
 * Leaves `case_note_sample`: per provider, the `sampleSize` of its restricted spells in
 * `audit_matches`, chosen by the order of md5(seed | spell | intervention), so the same seed and data
 * give the same sample on any machine. Returns the strata (provider, population, sample).
 */
export async function drawCaseNoteSample(
  connection: DuckDBConnection,
  options: { seed: string; precision: number; confidence?: number; expected?: number },
): Promise<{ provider_code: string; population: number; sample: number }[]> {
  const strata = await allOn<{ provider_code: string; population: number }>(
    connection,
    `SELECT coalesce(provider_code, '?') AS provider_code, count(*) AS population FROM audit_matches
     WHERE spell_id IS NOT NULL GROUP BY ALL ORDER BY provider_code`,
  );
  const sized = strata.map((s) => ({ ...s, sample: sampleSize(s.population, options) }));
  await runOn(
    connection,
    "CREATE OR REPLACE TEMP TABLE case_note_strata (provider_code VARCHAR, population BIGINT, sample BIGINT)",
  );
  for (const s of sized)
    await runOn(connection, "INSERT INTO case_note_strata VALUES ($p, $n, $s)", {
      p: s.provider_code,
      n: s.population,
      s: s.sample,
    });
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE case_note_sample AS
     SELECT provider_code || '-' || lpad(CAST(nth AS VARCHAR), 4, '0') AS sample_id, * EXCLUDE (nth) FROM (
       SELECT m.provider_code, st.population AS stratum_size, st.sample AS stratum_sample,
         m.spell_id, m.patient_id, m.intervention_id, m.official_id, m.admission_date, m.status, m.approval_ref,
         NULL::VARCHAR AS finding, NULL::VARCHAR AS reviewer, NULL::VARCHAR AS notes,
         row_number() OVER (PARTITION BY coalesce(m.provider_code, '?')
           ORDER BY md5(${quoteLiteral(options.seed)} || '|' || m.spell_id || '|' || m.intervention_id)) AS nth
       FROM audit_matches m JOIN case_note_strata st ON st.provider_code = coalesce(m.provider_code, '?')
       WHERE m.spell_id IS NOT NULL
     ) WHERE nth <= stratum_sample ORDER BY provider_code, sample_id`,
  );
  return sized;
}

/** One reviewed stratum: its size, the spells reviewed and those found compliant. */
export interface ReviewedStratum {
  stratum: string;
  population: number;
  reviewed: number;
  compliant: number;
}

export interface ComplianceEstimate {
  strata: (ReviewedStratum & { rate: number; lower: number; upper: number })[];
  /** Σ W_h·p_h, W_h = N_h / N over the reviewed strata. */
  rate: number;
  lower: number;
  upper: number;
  reviewed: number;
  population: number;
}

/**
 * The stratified estimate of compliance from case-note findings: p = Σ W_h·p_h with variance
 * Σ W_h²·(1 − n_h/N_h)·p_h(1 − p_h)/(n_h − 1), a normal interval clipped to [0, 1]. Each stratum also
 * gets its own Wilson interval.
 */
export function estimateCompliance(
  strata: readonly ReviewedStratum[],
  opts: { confidence?: number } = {},
): ComplianceEstimate {
  const reviewed = strata.filter((s) => s.reviewed > 0);
  const population = reviewed.reduce((t, s) => t + s.population, 0);
  if (population === 0)
    throw new EbiError("EBI_INVALID_ARGUMENT", "No reviewed spells: fill in the findings first.");
  const z = normalCritical(opts.confidence ?? 0.95);
  let rate = 0;
  let variance = 0;
  for (const s of reviewed) {
    const w = s.population / population;
    const p = s.compliant / s.reviewed;
    rate += w * p;
    if (s.reviewed > 1)
      variance += (w * w * (1 - s.reviewed / s.population) * p * (1 - p)) / (s.reviewed - 1);
  }
  const half = z * Math.sqrt(variance);
  return {
    strata: strata.map((s) => ({
      ...s,
      ...(s.reviewed > 0 ? wilsonInterval(s.compliant, s.reviewed, opts) : { value: 0, lower: 0, upper: 1 }),
      rate: s.reviewed > 0 ? s.compliant / s.reviewed : 0,
    })),
    rate,
    lower: Math.max(0, rate - half),
    upper: Math.min(1, rate + half),
    reviewed: reviewed.reduce((t, s) => t + s.reviewed, 0),
    population,
  };
}

/** A finding as reviewers may write it → compliant (true), not compliant (false); blank = not reviewed. */
const findingSql = `CASE WHEN nullif(trim(finding), '') IS NULL THEN NULL
  WHEN lower(trim(finding)) IN ('compliant', 'yes', 'y', 'met', 'true', '1') THEN 'compliant'
  WHEN lower(trim(finding)) IN ('not_compliant', 'not compliant', 'non-compliant', 'no', 'n', 'not met', 'false', '0') THEN 'not_compliant'
  ELSE 'invalid' END`;

/**
 * Reads a filled-in sample (the exported CSV with `finding` completed) into reviewed strata and the
 * rows whose finding cannot be read (row, field, value, reason), which are left out of the estimate.
 */
export async function readFindings(
  connection: DuckDBConnection,
  file: string,
): Promise<{
  strata: ReviewedStratum[];
  problems: { row: number; field: string; value: string; reason: string }[];
}> {
  const from = `(SELECT row_number() OVER () AS row, * FROM read_csv(${quoteLiteral(file)}, header = true, all_varchar = true))`;
  let rows: {
    row: number;
    provider_code: string;
    stratum_size: string;
    finding: string | null;
    value: string | null;
  }[];
  try {
    rows = await allOn(
      connection,
      `SELECT row, provider_code, stratum_size, ${findingSql} AS finding, finding AS value FROM ${from} ORDER BY row`,
    );
  } catch (error) {
    throw new EbiError(
      "EBI_FILE_COLUMNS",
      `${file}: a findings file needs provider_code, stratum_size and finding columns (${(error as Error).message.split("\n")[0]}).`,
      { file },
    );
  }
  const strata = new Map<string, ReviewedStratum>();
  const problems: { row: number; field: string; value: string; reason: string }[] = [];
  for (const r of rows) {
    const population = Number(r.stratum_size);
    if (!Number.isInteger(population) || population <= 0) {
      problems.push({
        row: r.row,
        field: "stratum_size",
        value: String(r.stratum_size),
        reason: "stratum-size-invalid",
      });
      continue;
    }
    if (r.finding === "invalid") {
      problems.push({ row: r.row, field: "finding", value: String(r.value), reason: "finding-unknown" });
      continue;
    }
    const s = strata.get(r.provider_code) ?? {
      stratum: r.provider_code,
      population,
      reviewed: 0,
      compliant: 0,
    };
    if (r.finding) {
      s.reviewed += 1;
      if (r.finding === "compliant") s.compliant += 1;
    }
    strata.set(r.provider_code, s);
  }
  return { strata: [...strata.values()], problems };
}

import type { DuckDBConnection } from "@duckdb/node-api";
import { runOn } from "../db/index.ts";
import { sqlInt } from "./country.ts";
import {
  backgroundDiagnoses,
  backgroundProcedures,
  cancerDiagnoses,
  type DemoProfile,
  demoProfiles,
} from "./profiles.ts";

/** Admitted episodes a year in England (scale 1) and outpatient appointments the demo writes a year. */
export const ENGLAND_APC_EPISODES = 20_000_000;
export const DEMO_OP_APPOINTMENTS = 5_000_000;

/**
 * England's outpatient year (`--national-outpatients`): 124.9 million appointments in 2019-20, 77.2%
 * attended, 6.2% not attended without notice and 16.2% cancelled by the patient or the hospital
 * (NHS Digital, Hospital Outpatient Activity 2019-20, Summary Report - Attendances). The split of
 * cancellations between patient and hospital (about 45:55) and of attended into on time and late
 * (97:3) are the demo's own assumptions.
 */
export const ENGLAND_OP_APPOINTMENTS = 124_900_000;
/** Cumulative shares of HES ATTENDED codes for background appointments: 5, 6, 3, 2, 4 (then 7). */
const nationalAttended = { onTime: 0.749, late: 0.772, dna: 0.834, patient: 0.907, hospital: 0.996 };

/** The kinds of near-miss a profile gets: each is a spell a correct rule must not count. */
export function nearMissKinds(profile: DemoProfile): string[] {
  // A procedure in position 2 still counts where the rule looks at any position.
  const position = anyPositionProfiles.has(profile.key) ? [] : ["wrong-position"];
  const kinds = ["cancer", ...position];
  if (profile.setting === "op") return ["not-attended", ...kinds];
  if (profile.key !== "appendicectomy") kinds.push("emergency");
  if (!profile.primaryDiag.includes(profile.wrongDiag)) kinds.push("wrong-diagnosis");
  if (profile.excludingDiag) kinds.push("excluding-diagnosis");
  if (profile.age !== "all") kinds.push("wrong-age");
  if (profile.femaleShare === 0 || profile.femaleShare === 1) kinds.push("wrong-sex");
  return kinds;
}

const anyPositionProfiles = new Set([
  "dc-hmb",
  "breast-reduction",
  "skin-lesion",
  "skin-lesion-op",
  "tonsillectomy",
  "hysterectomy-hmb",
  "chalazia",
  "chalazia-op",
]);

const json = (value: unknown) => JSON.stringify(value);

/** Loads the profiles (and the two background profiles) into demo_profiles. */
async function createProfiles(
  connection: DuckDBConnection,
  scale: number,
  nationalOutpatients: boolean,
): Promise<void> {
  await runOn(
    connection,
    `CREATE OR REPLACE TABLE demo_profiles (p_idx INTEGER, key VARCHAR, annual DOUBLE, list INTEGER, setting VARCHAR,
      primary_opertn VARCHAR[], secondary_opertn VARCHAR[], primary_diag VARCHAR[], excluding_diag VARCHAR,
      wrong_diag VARCHAR, age VARCHAR, peak_age DOUBLE, age_spread DOUBLE, female_share DOUBLE, gradient DOUBLE,
      trend DOUBLE, tretspef VARCHAR, day_case DOUBLE, variation DOUBLE, near_miss VARCHAR[])`,
  );
  const apcTotal = demoProfiles.filter((p) => p.setting === "apc").reduce((s, p) => s + p.annual, 0);
  const background: DemoProfile[] = [
    {
      key: "background",
      annual: ENGLAND_APC_EPISODES - apcTotal,
      list: 0,
      setting: "apc",
      primaryOpertn: backgroundProcedures,
      primaryDiag: backgroundDiagnoses,
      wrongDiag: "R69X",
      age: "all",
      peakAge: 60,
      ageSpread: 30,
      femaleShare: 0.53,
      gradient: -0.15,
      trend: 0.01,
      tretspef: "300",
      dayCase: 0.4,
    },
    {
      key: "background-op",
      annual: nationalOutpatients
        ? ENGLAND_OP_APPOINTMENTS -
          demoProfiles.filter((p) => p.setting === "op").reduce((s, p) => s + p.annual, 0)
        : DEMO_OP_APPOINTMENTS,
      list: 0,
      setting: "op",
      primaryOpertn: backgroundProcedures,
      primaryDiag: backgroundDiagnoses,
      wrongDiag: "R69X",
      age: "all",
      peakAge: 55,
      ageSpread: 30,
      femaleShare: 0.55,
      gradient: 0,
      trend: 0.01,
      tretspef: "300",
      dayCase: 1,
    },
  ];
  const all = [...demoProfiles, ...background];
  for (const [index, p] of all.entries()) {
    await runOn(
      connection,
      `INSERT INTO demo_profiles VALUES ($p_idx, $key, $annual, $list, $setting,
        from_json($po, '["VARCHAR"]'), from_json($so, '["VARCHAR"]'), from_json($pd, '["VARCHAR"]'), $ed, $wd,
        $age, $peak, $spread, $female, $gradient, $trend, $tretspef, $day_case, $variation, from_json($nm, '["VARCHAR"]'))`,
      {
        p_idx: index,
        key: p.key,
        annual: p.annual * scale,
        list: p.list,
        setting: p.setting,
        po: json(p.primaryOpertn),
        so: json(p.secondaryOpertn ?? []),
        pd: json(p.primaryDiag),
        ed: p.excludingDiag ?? null,
        wd: p.wrongDiag,
        age: p.age,
        peak: p.peakAge,
        spread: p.ageSpread,
        female: p.femaleShare,
        gradient: p.gradient,
        trend: p.trend,
        tretspef: p.tretspef,
        day_case: p.dayCase,
        variation: p.list === 0 ? 0.08 : 0.35,
        nm: json(p.list === 0 ? [] : nearMissKinds(p)),
      },
      "load demo profiles",
    );
  }
}

/**
 * Creates demo_apc and demo_op: HES-layout rows, every column text, in a fixed order.
 * Seasonality, the programme's start (April 2019), the pandemic (spring 2020) and recovery, a
 * deprivation gradient per procedure, variation between commissioners, multi-episode spells,
 * near-misses for every procedure, background activity, and a small share of dirty rows.
 */
export async function createActivity(
  connection: DuckDBConnection,
  options: {
    scale: number;
    start: string;
    end: string;
    populationYear: number;
    /** England's outpatient volume and attendance shares for background appointments. */
    nationalOutpatients?: boolean;
  },
): Promise<void> {
  const run = (sql: string, params?: Record<string, string | number>) =>
    runOn(connection, sql, params, "generate demo activity");
  await createProfiles(connection, options.scale, options.nationalOutpatients ?? false);

  await run(
    `CREATE OR REPLACE TABLE demo_months AS
     SELECT row_number() OVER (ORDER BY m) - 1 AS m_idx, m::DATE AS month,
            date_diff('day', m, m + INTERVAL 1 MONTH) AS days,
            [0.97, 1.03, 1.02, 1.04, 0.9, 1.03, 1.05, 1.03, 0.86, 1.0, 1.0, 1.07][month(m)] AS season,
            CASE strftime(m, '%Y-%m')
              WHEN '2020-03' THEN 0.7 WHEN '2020-04' THEN 0.22 WHEN '2020-05' THEN 0.3 WHEN '2020-06' THEN 0.45
              WHEN '2020-07' THEN 0.6 WHEN '2020-08' THEN 0.68 WHEN '2020-09' THEN 0.78 WHEN '2020-10' THEN 0.8
              WHEN '2020-11' THEN 0.75 WHEN '2020-12' THEN 0.74 WHEN '2021-01' THEN 0.55 WHEN '2021-02' THEN 0.65
              WHEN '2021-03' THEN 0.8 ELSE CASE WHEN m >= DATE '2021-04-01' AND m < DATE '2022-04-01' THEN 0.9 ELSE 1.0 END
            END AS pandemic
     FROM range(date_trunc('month', $start::DATE), $end::DATE + INTERVAL 1 DAY, INTERVAL 1 MONTH) t(m)`,
    { start: options.start, end: options.end },
  );

  // Cells to draw patients from: sub-ICB × IMD decile × 5-year band × sex, weighted per profile.
  await run(`CREATE OR REPLACE TABLE demo_cells AS
    WITH pop AS (
      SELECT l.sub_idx, l.imd_decile, least(p.age // 5 * 5, 90) AS band, p.sex, sum(p.population) AS population
      FROM demo_population p JOIN demo_lsoas l USING (lsoa_idx)
      WHERE p.year = ${sqlInt(options.populationYear)} GROUP BY ALL
    ), weighted AS (
      SELECT f.p_idx, c.sub_idx, c.imd_decile, c.band, c.sex,
        c.population
        * exp(-0.5 * pow((CASE WHEN c.band = 90 THEN 92 ELSE c.band + 2.5 END - f.peak_age) / f.age_spread, 2))
        * CASE WHEN f.age = 'adult' AND c.band < 15 THEN 0 WHEN f.age = 'adult' AND c.band = 15 THEN 0.2
               WHEN f.age = 'child' AND c.band >= 20 THEN 0 WHEN f.age = 'child' AND c.band = 15 THEN 0.8 ELSE 1 END
        * CASE WHEN c.sex = '2' THEN f.female_share ELSE 1 - f.female_share END
        * exp(f.gradient * (c.imd_decile - 5.5) / 4.5)
        * exp(f.variation * z(f.p_idx * 1000 + c.sub_idx, 22)) AS weight
      FROM pop c CROSS JOIN demo_profiles f
    )
    SELECT p_idx, sub_idx, imd_decile, band, sex,
      coalesce(sum(weight) OVER (PARTITION BY p_idx ORDER BY sub_idx, imd_decile, band, sex
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
        / sum(weight) OVER (PARTITION BY p_idx) AS cum_lo
    FROM weighted WHERE weight > 0`);
  await run(`CREATE OR REPLACE TABLE demo_lsoa_pick AS
    WITH pop AS (
      SELECT l.lsoa_idx, l.sub_idx, l.imd_decile, sum(p.population) AS population
      FROM demo_population p JOIN demo_lsoas l USING (lsoa_idx) WHERE p.year = ${sqlInt(options.populationYear)} GROUP BY ALL
    )
    SELECT sub_idx, imd_decile, lsoa_idx,
      coalesce(sum(population) OVER (PARTITION BY sub_idx, imd_decile ORDER BY lsoa_idx
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
        / sum(population) OVER (PARTITION BY sub_idx, imd_decile) AS cum_lo
    FROM pop WHERE population > 0`);

  // How many spells per profile and month (stochastic rounding keeps small scales unbiased).
  await run(`CREATE OR REPLACE TABLE demo_plan AS
    WITH expected AS (
      SELECT f.p_idx, 'positive' AS kind, m.m_idx,
        f.annual / 12 * m.season * m.pandemic
        * CASE
            WHEN f.list IN (1, 2) AND m.month >= DATE '2019-04-01'
              THEN greatest(0.35, pow(1 + f.trend, date_diff('month', DATE '2019-04-01', m.month) / 12.0))
            WHEN f.list = 3 AND m.month >= DATE '2020-04-01'
              THEN greatest(0.5, pow(1 + f.trend, date_diff('month', DATE '2020-04-01', m.month) / 12.0))
            WHEN f.list = 0 THEN pow(1 + f.trend, date_diff('month', DATE '2017-04-01', m.month) / 12.0)
            ELSE 1 END AS n
      FROM demo_profiles f CROSS JOIN demo_months m
    )
    SELECT p_idx, kind, m_idx, floor(n + u(p_idx * 10000 + m_idx, 23))::BIGINT AS n FROM expected
    UNION ALL
    -- Near-misses: about 2% of a year's spells per kind, at least 3 of each over the period.
    SELECT f.p_idx, k.kind, NULL, greatest(3, round(f.annual * (SELECT count(*) FROM demo_months) / 12 * 0.02))::BIGINT
    FROM demo_profiles f, unnest(f.near_miss) k(kind)`);

  await run(`CREATE OR REPLACE TABLE demo_rows AS
    WITH expanded AS (
      SELECT p_idx, kind, m_idx, unnest(range(n)) AS k FROM demo_plan WHERE n > 0
    ), numbered AS (
      SELECT row_number() OVER (ORDER BY p_idx, kind, m_idx NULLS LAST, k) AS id, p_idx, kind,
             coalesce(m_idx, floor(u(p_idx * 100 + k, 24) * (SELECT count(*) FROM demo_months)))::INTEGER AS m_idx
      FROM expanded
    )
    SELECT *, u(id, 1) AS u_cell, u(id, 2) AS u_lsoa FROM numbered`);

  await run(`CREATE OR REPLACE TABLE demo_spells AS
    SELECT r.id, r.p_idx, r.kind, f.setting, f.key, m.month, m.days, c.band, c.sex, c.imd_decile, c.sub_idx, pick.lsoa_idx
    FROM demo_rows r
    JOIN demo_profiles f USING (p_idx)
    JOIN demo_months m USING (m_idx)
    ASOF JOIN demo_cells c ON r.p_idx = c.p_idx AND r.u_cell >= c.cum_lo
    ASOF JOIN demo_lsoa_pick pick ON c.sub_idx = pick.sub_idx AND c.imd_decile = pick.imd_decile AND r.u_lsoa >= pick.cum_lo`);

  await createEpisodes(connection, options.nationalOutpatients ?? false);
}

const codeList = (codes: readonly string[]) =>
  `[${codes.map((c) => `'${c.replace(/[^A-Z0-9]/g, "")}'`).join(", ")}]`;

/** Background appointments attended, not attended and cancelled in England's shares. */
const nationalAttendedSql = `WHEN f.list = 0 THEN CASE WHEN u(s.id, 14) < ${nationalAttended.onTime} THEN '5'
  WHEN u(s.id, 14) < ${nationalAttended.late} THEN '6' WHEN u(s.id, 14) < ${nationalAttended.dna} THEN '3'
  WHEN u(s.id, 14) < ${nationalAttended.patient} THEN '2' WHEN u(s.id, 14) < ${nationalAttended.hospital} THEN '4' ELSE '7' END`;

/** Fills in every field of each spell's episodes (and appointments), with the near-miss twist. */
async function createEpisodes(connection: DuckDBConnection, nationalOutpatients: boolean): Promise<void> {
  const run = (sql: string) => runOn(connection, sql, undefined, "generate demo episodes");
  const pick = (list: string, stream: number) =>
    `${list}[1 + floor(u(s.id, ${stream}) * len(${list}))::INTEGER]`;
  await run(`CREATE OR REPLACE TABLE demo_detail AS
    SELECT s.*, f.age AS age_rule, f.tretspef, f.excluding_diag, f.wrong_diag,
      -- age in whole years from the band, held inside the profile's age rule; near-misses step outside it
      CASE
        WHEN s.kind = 'wrong-age' AND f.age = 'adult' THEN 8 + floor(u(s.id, 3) * 10)
        WHEN s.kind = 'wrong-age' AND f.age = 'child' THEN 30 + floor(u(s.id, 3) * 30)
        WHEN f.age = 'adult' THEN greatest(19, s.band + floor(u(s.id, 3) * CASE WHEN s.band = 90 THEN 10 ELSE 5 END))
        WHEN f.age = 'child' THEN least(18, s.band + floor(u(s.id, 3) * 5))
        ELSE s.band + floor(u(s.id, 3) * CASE WHEN s.band = 90 THEN 10 ELSE 5 END)
      END::INTEGER AS age,
      CASE WHEN s.kind = 'wrong-sex' THEN CASE s.sex WHEN '1' THEN '2' ELSE '1' END ELSE s.sex END AS patient_sex,
      s.month + floor(u(s.id, 4) * s.days)::INTEGER AS admidate,
      CASE WHEN u(s.id, 5) < f.day_case THEN 0 ELSE 1 + floor(u(s.id, 6) * 4)::INTEGER END AS los,
      CASE
        WHEN s.kind = 'emergency' THEN '21'
        WHEN f.key = 'appendicectomy' AND u(s.id, 7) < 0.85 THEN '21'
        WHEN f.list = 0 AND u(s.id, 7) < 0.4 THEN ['21', '22', '28'][1 + floor(u(s.id, 8) * 3)::INTEGER]
        ELSE ['11', '11', '12', '13'][1 + floor(u(s.id, 8) * 4)::INTEGER]
      END AS admimeth,
      -- procedures in position order
      CASE
        WHEN f.list = 0 AND u(s.id, 9) < 0.55 THEN []::VARCHAR[]
        WHEN s.kind = 'wrong-position' THEN list_concat(['${backgroundProcedures[0]}'], [${pick("f.primary_opertn", 10)}], f.secondary_opertn)
        ELSE list_concat([${pick("f.primary_opertn", 10)}], f.secondary_opertn)
      END AS opertn,
      CASE
        WHEN s.kind = 'wrong-diagnosis' THEN [f.wrong_diag]
        WHEN s.kind = 'excluding-diagnosis' THEN [${pick("f.primary_diag", 11)}, f.excluding_diag]
        WHEN s.kind = 'cancer' THEN [${pick("f.primary_diag", 11)}, ${pick(codeList(cancerDiagnoses), 12)}]
        WHEN f.list = 0 AND u(s.id, 13) < 0.05 THEN [${pick(codeList(cancerDiagnoses), 12)}]
        ELSE [${pick("f.primary_diag", 11)}]
      END AS diag,
      CASE WHEN s.kind = 'not-attended' THEN ['2', '3', '4', '7'][1 + floor(u(s.id, 14) * 4)::INTEGER]
           ${nationalOutpatients ? nationalAttendedSql : ""}
           WHEN u(s.id, 14) < 0.9 THEN '5' WHEN u(s.id, 14) < 0.93 THEN '6'
           ELSE ['2', '3', '4', '7'][1 + floor(u(s.id, 15) * 4)::INTEGER] END AS attended,
      u(s.id, 16) AS u_provider, u(s.id, 17) AS u_ethnic, u(s.id, 18) AS u_dirt, u(s.id, 19) AS u_second
    FROM demo_spells s JOIN demo_profiles f USING (p_idx)`);
}

const ethnicWeights = {
  // NHS ethnic category codes; areas of higher deprivation are more diverse, as in England's cities.
  codes: ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "Z", "99"],
  usual: [
    0.78, 0.02, 0.04, 0.005, 0.005, 0.008, 0.007, 0.02, 0.015, 0.005, 0.01, 0.008, 0.01, 0.003, 0.004, 0.01,
    0.03, 0.01,
  ],
  diverse: [
    0.58, 0.02, 0.05, 0.01, 0.01, 0.015, 0.01, 0.06, 0.06, 0.03, 0.02, 0.03, 0.04, 0.01, 0.01, 0.02, 0.02,
    0.01,
  ],
};

/** The final HES tables: demo_apc (episodes) and demo_op (appointments), every column text. */
export async function createHesTables(connection: DuckDBConnection): Promise<void> {
  const run = (sql: string) => runOn(connection, sql, undefined, "write demo HES rows");
  const cumulative = (weights: number[]) => {
    const total = weights.reduce((a, b) => a + b, 0);
    let sum = 0;
    return weights.map((w) => {
      const lo = sum / total;
      sum += w;
      return lo;
    });
  };
  const ethnicRows = (["usual", "diverse"] as const).flatMap((kind) =>
    cumulative(ethnicWeights[kind]).map(
      (lo, i) => `(${kind === "diverse"}, '${ethnicWeights.codes[i]}', ${lo})`,
    ),
  );
  await run(`CREATE OR REPLACE TABLE demo_ethnic (diverse BOOLEAN, code VARCHAR, cum_lo DOUBLE)`);
  await run(`INSERT INTO demo_ethnic VALUES ${ethnicRows.join(", ")}`);
  await run(`CREATE OR REPLACE TABLE demo_trust_choice AS
    SELECT i.icb_idx, main.code AS main_code, coalesce(second.code, main.code) AS second_code,
           neighbour.code AS neighbour_code, indep.code AS independent_code
    FROM demo_icbs i
    JOIN demo_trusts main ON main.icb_idx = i.icb_idx AND main.rank_in_icb = 0
    LEFT JOIN demo_trusts second ON second.icb_idx = i.icb_idx AND second.rank_in_icb = 1
    JOIN demo_trusts neighbour ON neighbour.icb_idx = (i.icb_idx + 1) % (SELECT count(*) FROM demo_icbs) AND neighbour.rank_in_icb = 0
    JOIN demo_trusts indep ON indep.independent AND indep.region_idx = i.region_idx`);
  await run(`CREATE OR REPLACE TABLE demo_people AS
    SELECT d.*, l.code AS lsoa_code, l.icb_idx,
      CASE WHEN l.old_sub_icb IS NOT NULL AND d.admidate < DATE '2022-04-01' THEN l.old_sub_icb ELSE sub.code END AS sub_icb,
      CASE WHEN d.u_provider < 0.75 THEN t.main_code WHEN d.u_provider < 0.9 THEN t.second_code
           WHEN d.u_provider < 0.96 THEN t.neighbour_code ELSE t.independent_code END AS procode3,
      e.code AS ethnos,
      'P' || lpad(((l.lsoa_idx % 40) + sub.sub_idx * 40)::VARCHAR, 5, '0') AS gpprac
    FROM demo_detail d
    JOIN demo_lsoas l USING (lsoa_idx)
    JOIN demo_sub_icbs sub ON sub.sub_idx = l.sub_idx
    JOIN demo_trust_choice t ON t.icb_idx = l.icb_idx
    ASOF JOIN demo_ethnic e ON e.diverse = (l.imd_decile <= 3) AND d.u_ethnic >= e.cum_lo`);

  // Episodes: a second episode for about 7% of admitted spells (half repeat the procedure).
  await run(`CREATE OR REPLACE TABLE demo_episodes AS
    SELECT * FROM (
      SELECT *, 1 AS epiorder, admidate AS epistart,
             admidate + CASE WHEN u_second < 0.07 THEN least(los, 1) ELSE los END AS epiend
      FROM demo_people WHERE setting = 'apc'
      UNION ALL
      SELECT * REPLACE (CASE WHEN u_second < 0.035 THEN opertn ELSE []::VARCHAR[] END AS opertn,
                        CASE WHEN u_second < 0.035 THEN diag ELSE ['R69X'] END AS diag),
             2 AS epiorder, admidate + least(los, 1) AS epistart, admidate + los AS epiend
      FROM demo_people WHERE setting = 'apc' AND u_second < 0.07
    ) ORDER BY id, epiorder`);

  const diagColumns = (n: number, source: string) =>
    Array.from({ length: n }, (_, i) => `${source}[${i + 1}] AS diag_${String(i + 1).padStart(2, "0")}`).join(
      ", ",
    );
  const opertnColumns = (source: string) =>
    Array.from(
      { length: 24 },
      (_, i) => `${source}[${i + 1}] AS opertn_${String(i + 1).padStart(2, "0")}`,
    ).join(", ");
  // Dirty rows at about half a percent: codes with dots, lower case, 5 characters; UK dates; unknown
  // age; missing LSOA; a code that cannot exist. Infants always carry the HES codes 7001–7007.
  const dirtyDiag = `CASE WHEN u_dirt < 0.001 AND len(diag) > 0 THEN list_concat([left(diag[1], 3) || '.' || substr(diag[1], 4)], diag[2:])
      WHEN u_dirt >= 0.006 AND u_dirt < 0.007 AND len(diag) > 0 THEN list_concat([diag[1] || '1'], diag[2:]) ELSE diag END`;
  const dirtyOpertn = `CASE WHEN u_dirt >= 0.001 AND u_dirt < 0.0015 AND len(opertn) > 0 THEN list_concat([lower(opertn[1])], opertn[2:])
      WHEN u_dirt >= 0.0045 AND u_dirt < 0.005 THEN list_concat(['Q9Q9'], opertn[2:]) ELSE opertn END`;
  const ukDate = (column: string) =>
    `CASE WHEN u_dirt >= 0.0015 AND u_dirt < 0.0025 THEN strftime(${column}, '%d/%m/%Y') ELSE strftime(${column}, '%Y-%m-%d') END`;
  const age = `CASE WHEN u_dirt >= 0.0025 AND u_dirt < 0.003 THEN '999' WHEN age = 0 THEN (7001 + floor(u_second * 7)::INTEGER)::VARCHAR ELSE age::VARCHAR END`;
  const lsoa = `CASE WHEN u_dirt >= 0.003 AND u_dirt < 0.0045 THEN NULL ELSE lsoa_code END`;

  // Rows come out in (spell, episode) order because demo_episodes was written in that order.
  await run(`CREATE OR REPLACE TABLE demo_apc AS
    WITH dirty AS (
      SELECT * REPLACE (${dirtyDiag} AS diag, ${dirtyOpertn} AS opertn),
        -- an exact duplicate of about one row in 2,000, as extracts sometimes hold
        unnest(CASE WHEN hash(id, epiorder, 'duplicate') % 2000 = 0 THEN [1, 2] ELSE [1] END) AS copy
      FROM demo_episodes
    )
    SELECT lpad((id * 10 + epiorder)::VARCHAR, 12, '0') AS epikey, 'S' || lpad(id::VARCHAR, 11, '0') AS susspellid,
      'P' || lpad((hash(id, 'patient') % 10000000000)::VARCHAR, 10, '0') AS hesid,
      ${ukDate("admidate")} AS admidate, ${ukDate("epistart")} AS epistart,
      strftime(epiend, '%Y-%m-%d') AS epiend, strftime(admidate + los, '%Y-%m-%d') AS disdate,
      admimeth, CASE WHEN los = 0 THEN '2' ELSE '1' END AS classpat, ${age} AS startage,
      patient_sex AS sex, ethnos, ${lsoa} AS lsoa21, gpprac, procode3, procode3 || '01' AS sitetret,
      sub_icb, tretspef, tretspef AS mainspef, ${diagColumns(20, "diag")}, ${opertnColumns("opertn")}
    FROM dirty`);

  await run(`CREATE OR REPLACE TABLE demo_op AS
    WITH dirty AS (
      SELECT * REPLACE (${dirtyDiag} AS diag, ${dirtyOpertn} AS opertn) FROM demo_people WHERE setting = 'op' ORDER BY id
    )
    SELECT lpad(id::VARCHAR, 12, '0') AS attendkey,
      'P' || lpad((hash(id, 'patient') % 10000000000)::VARCHAR, 10, '0') AS hesid,
      ${ukDate("admidate")} AS apptdate, attended, CASE WHEN u_second < 0.4 THEN '1' ELSE '2' END AS firstatt,
      ${age} AS apptage, patient_sex AS sex, ethnos, ${lsoa} AS lsoa21, gpprac, procode3, sub_icb, tretspef,
      ${diagColumns(12, "diag")}, ${opertnColumns("opertn")}
    FROM dirty`);
}

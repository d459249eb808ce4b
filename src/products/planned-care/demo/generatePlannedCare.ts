import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { allOn, type Database, quoteLiteral, runOn } from "../../../db/index.ts";
import type { Effects } from "../../../effects/index.ts";
import { EbiError } from "../../../errors/index.ts";

/** The demo's strategy: which approach, where, for which groups, from when. */
export interface DemoStrategy {
  icb: string;
  strategy_id: string;
  group_ids: string[];
  population: string;
  started_on: string;
}

/** The approach the demo ICB starts, and when. */
export const demoStrategyStart = "2023-04-01";
export const demoStrategyId = "case-finding";
/** Share of its ICB's deprivation gradient the demo's strategy closes, reached a year after the start. */
export const demoStrategyCloses = 0.8;
/**
 * The demo country is about a fiftieth of England at its usual scale, so its ICBs have about a tenth
 * of a real ICB's residents. Its counts vary as those of a population this many times larger, so
 * that one ICB's quarterly gap is as noisy as a real ICB's.
 */
const noiseScale = 10;
export const demoStrategyGroups = [
  "planned-care/all-planned",
  "planned-care/hip-replacement",
  "planned-care/knee-replacement",
];

/**
 * Procedures the demo draws, with a primary OPCS-4 code, a diagnosis, a day-case share, a yearly
 * rate per 100,000 at ages 65–79 and the shape over age ("joint", "eye", "adult", "flat").
 * Rates are of the order HES shows for England; "other" stands for the rest of planned care.
 */
const procedures: [string, string, string, number, number, string, string | null][] = [
  ["hip", "W371", "M161", 0.05, 520, "joint", null],
  ["knee", "W401", "M171", 0.05, 560, "joint", null],
  ["cataract", "C751", "H259", 0.97, 2600, "eye", null],
  ["hernia", "T202", "K409", 0.7, 260, "adult", "1"],
  ["gallbladder", "J183", "K802", 0.6, 200, "adult", null],
  ["prostate", "M651", "N40X", 0.1, 240, "joint", "1"],
  ["coronary", "K751", "I251", 0.4, 260, "joint", null],
  ["hysterectomy", "Q073", "N800", 0.05, 80, "adult", "2"],
  ["other", "H221", "K573", 0.8, 3000, "flat", null],
];

/**
 * Census 2021's 20 ethnic-group categories (TS021 codes and labels), each with its display group and
 * the share of that group the demo gives it. The groups' shares follow the demo's own draw of ethnic
 * category letters by IMD decile (`ethnosSql`), so the population and the admissions agree.
 */
const censusCategories: [number, string, string, number][] = [
  [-8, "Does not apply", "", 0],
  [1, "Asian, Asian British or Asian Welsh: Bangladeshi", "asian", 0.15],
  [2, "Asian, Asian British or Asian Welsh: Chinese", "other", 0],
  [3, "Asian, Asian British or Asian Welsh: Indian", "asian", 0.4],
  [4, "Asian, Asian British or Asian Welsh: Pakistani", "asian", 0.3],
  [5, "Asian, Asian British or Asian Welsh: Other Asian", "asian", 0.15],
  [6, "Black, Black British, Black Welsh, Caribbean or African: African", "black", 0.6],
  [7, "Black, Black British, Black Welsh, Caribbean or African: Caribbean", "black", 0.3],
  [8, "Black, Black British, Black Welsh, Caribbean or African: Other Black", "black", 0.1],
  [9, "Mixed or Multiple ethnic groups: White and Asian", "mixed", 0.25],
  [10, "Mixed or Multiple ethnic groups: White and Black African", "mixed", 0.25],
  [11, "Mixed or Multiple ethnic groups: White and Black Caribbean", "mixed", 0.25],
  [12, "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups", "mixed", 0.25],
  [13, "White: English, Welsh, Scottish, Northern Irish or British", "white", 0.9],
  [14, "White: Irish", "white", 0.02],
  [15, "White: Gypsy or Irish Traveller", "white", 0],
  [16, "White: Roma", "white", 0],
  [17, "White: Other White", "white", 0.08],
  [18, "Other ethnic group: Arab", "other", 0],
  [19, "Other ethnic group: Any other ethnic group", "other", 0],
];

/**
 * How much more common than on average the demo's Asian, Black and Mixed groups are at an age: they
 * are younger than the White group, as in England, so their crude rates of procedures of older age
 * fall well below their age-sex standardised ones.
 */
const youngerSql = (a: string) =>
  `(CASE WHEN ${a} < 20 THEN 1.5 WHEN ${a} < 40 THEN 1.3 WHEN ${a} < 60 THEN 0.9 WHEN ${a} < 75 THEN 0.5 ELSE 0.3 END)`;

/** Each display group's share of the people of IMD decile `d` and age band `a` with a stated group (the letters' draw below, less the 3% not stated). */
const groupShareSql = (d: string, a: string) => `CASE g
  WHEN 'white' THEN 0.97 - ${youngerSql(a)} * (0.23 - 0.015 * ${d})
  WHEN 'asian' THEN ${youngerSql(a)} * (0.12 - 0.007 * ${d})
  WHEN 'black' THEN ${youngerSql(a)} * (0.07 - 0.004 * ${d})
  WHEN 'mixed' THEN ${youngerSql(a)} * (0.04 - 0.004 * ${d})
  ELSE 0 END / 0.97`;

const ageShape = (shape: string) => `CASE ${shape}
  WHEN 'joint' THEN CASE WHEN age_band < 40 THEN 0.02 WHEN age_band < 55 THEN 0.25 WHEN age_band < 65 THEN 0.6 WHEN age_band < 80 THEN 1.0 ELSE 0.7 END
  WHEN 'eye' THEN CASE WHEN age_band < 40 THEN 0.01 WHEN age_band < 55 THEN 0.08 WHEN age_band < 65 THEN 0.3 WHEN age_band < 80 THEN 1.0 ELSE 1.4 END
  WHEN 'adult' THEN CASE WHEN age_band < 20 THEN 0.1 WHEN age_band < 40 THEN 0.4 WHEN age_band < 65 THEN 0.8 ELSE 1.0 END
  ELSE CASE WHEN age_band < 20 THEN 0.3 WHEN age_band < 50 THEN 0.6 ELSE 1.0 END END`;

/**
 * Writes the demo country's planned care as a HES APC extract (Parquet) and a WLMDS clock-stop
 * extract (CSV) into `outDir`, from the reference data already in the store: rates by age and sex,
 * a deprivation gradient (the most deprived decile gets 65% of the least deprived's rate for the
 * same age and sex), the pandemic's fall in 2020/21, and in the first ICB (by code) a case-finding
 * strategy from April 2023 that closes `demoStrategyCloses` of its gradient over a year, and a Census 2021 population
 * by ethnic group (TS021 layout, CSV) with the same people by sub-ICB location, ethnic group, sex and
 * age band, both agreeing with the ethnic categories the admissions carry (younger minority groups).
 * Each ICB, IMD decile, sex, age band and quarter's count varies about its expected value as that
 * of a population `noiseScale` times larger would, and is shared among its LSOAs and procedures by
 * systematic rounding; the draws are seeded, so the same seed gives the same files.
 */
export async function generatePlannedCare(
  store: Database,
  outDir: string,
  effects: Effects,
  options: {
    seed?: number;
    start?: string;
    end?: string;
    /** Share of the strategy ICB's gradient the strategy closes (0 switches it off). */
    strategyCloses?: number;
  } = {},
): Promise<{
  apc: string;
  waitingList: string;
  ethnicPopulation: string;
  /** The same people by sub-ICB location, ethnic group, sex and 5-year age band (`ethnicAgeSexColumns`). */
  ethnicAgeSexPopulation: string;
  rows: number;
  strategy: DemoStrategy;
}> {
  const seed = options.seed ?? 20230401;
  const start = options.start ?? "2017-04-01";
  const end = options.end ?? "2025-03-31";
  mkdirSync(outDir, { recursive: true });
  const apc = join(outDir, "apc-planned-care.parquet");
  const waitingList = join(outDir, "wlmds-clock-stops.csv");
  const ethnicPopulation = join(outDir, "census2021-ts021-ethnic-group-lsoa.csv");
  const ethnicAgeSexPopulation = join(outDir, "ethnic-group-sex-age-sub-icb.csv");
  effects.progress.start("demo: planned care");
  const result = await store.withConnection(async (c) => {
    const [icb] = await allOn<{ code: string | null }>(
      c,
      "SELECT min(code) AS code FROM ref_organisations WHERE level = 'icb'",
    );
    if (!icb?.code)
      throw new EbiError(
        "EBI_NOT_FOUND",
        "The store has no ICBs: load the demo reference data first (`ebi demo load`).",
      );
    const s = String(Math.trunc(seed));
    await runOn(c, `CREATE OR REPLACE TEMP MACRO pu(a, b) AS hash(${s}, a, b) / 18446744073709551616.0`);
    await runOn(
      c,
      `CREATE OR REPLACE TEMP TABLE pcd_procs AS SELECT * FROM (VALUES ${procedures
        .map(
          ([k, code, diag, dayCase, rate, shape, sex]) =>
            `(${quoteLiteral(k)}, ${quoteLiteral(code)}, ${quoteLiteral(diag)}, ${dayCase}, ${rate}, ${quoteLiteral(shape)}, ${sex === null ? "NULL" : quoteLiteral(sex)})`,
        )
        .join(", ")}) AS t(proc, code, diag, day_case, rate, shape, only_sex)`,
    );
    await runOn(
      c,
      `CREATE OR REPLACE TEMP TABLE pcd_people AS
       WITH imd AS (SELECT lsoa, imd_decile FROM ref_imd WHERE vintage = (SELECT max(vintage) FROM ref_imd)),
       year AS (SELECT year FROM ref_population GROUP BY year ORDER BY abs(year - 2019) LIMIT 1)
       SELECT p.lsoa, p.sex, p.age_band, p.population, l.sub_icb, s.parent_code AS icb, coalesce(i.imd_decile, 5) AS imd_decile
       FROM ref_population p JOIN year y ON y.year = p.year JOIN ref_lsoa_sub_icb l ON l.lsoa = p.lsoa
       JOIN ref_organisations s ON s.level = 'sub_icb' AND s.code = l.sub_icb LEFT JOIN imd i ON i.lsoa = p.lsoa
       WHERE p.population > 0`,
    );
    await runOn(
      c,
      `CREATE OR REPLACE TEMP TABLE pcd_providers AS
       SELECT code, row_number() OVER (ORDER BY code) - 1 AS n FROM ref_organisations WHERE level = 'provider'`,
    );
    await runOn(
      c,
      `CREATE OR REPLACE TEMP TABLE pcd_spells AS
       WITH quarters AS (
         SELECT q::DATE AS quarter FROM range(date_trunc('quarter', $start::DATE), $end::DATE, INTERVAL 3 MONTH) t(q)
       ), expected AS (
         SELECT p.*, r.proc, r.code, r.diag, r.day_case, q.quarter,
           p.population * r.rate / 100000.0 / 4 * (${ageShape("r.shape")})
             * CASE WHEN p.sex = '2' AND r.proc IN ('hip', 'knee') THEN 1.3 ELSE 1.0 END
             * CASE WHEN q.quarter BETWEEN DATE '2020-04-01' AND DATE '2020-12-31' THEN 0.35
                    WHEN q.quarter BETWEEN DATE '2021-01-01' AND DATE '2021-03-31' THEN 0.6
                    WHEN q.quarter BETWEEN DATE '2021-04-01' AND DATE '2022-03-31' THEN 0.85 ELSE 1.0 END
             * (0.65 + 0.35 * (p.imd_decile - 1) / 9.0
                + CASE WHEN p.icb = $icb AND q.quarter >= $strategy::DATE
                       THEN (0.35 - 0.35 * (p.imd_decile - 1) / 9.0) * $closes
                            * least(1.0, (datediff('month', $strategy::DATE, q.quarter) + 3) / 12.0)
                       ELSE 0 END) AS expected_n
         FROM pcd_people p CROSS JOIN pcd_procs r CROSS JOIN quarters q
         WHERE r.only_sex IS NULL OR r.only_sex = p.sex
       ), noisy AS (
         -- Each ICB, IMD decile, sex, age band and quarter's total varies as a real ICB's would: its
         -- expected value E times f = 1 + z / √(${noiseScale} × E), z standard normal, a variance of E ÷ ${noiseScale}.
         SELECT *, greatest(0.0, 1 + sqrt(-2 * ln(greatest(pu(icb || imd_decile || sex || age_band, quarter::VARCHAR || 'z1'), 1e-12)))
                 * cos(2 * pi() * pu(icb || imd_decile || sex || age_band, quarter::VARCHAR || 'z2'))
                 / sqrt(${noiseScale} * greatest(sum(expected_n) OVER g, 1e-9))) AS f,
           sum(expected_n) OVER (PARTITION BY icb, imd_decile, sex, age_band, quarter ORDER BY lsoa, proc ROWS UNBOUNDED PRECEDING) AS upto,
           pu(icb || imd_decile || sex || age_band, quarter::VARCHAR) AS offset_u
         FROM expected WINDOW g AS (PARTITION BY icb, imd_decile, sex, age_band, quarter)
       ), drawn AS (
         -- Systematic rounding across that total's LSOAs and procedures: their counts sum to the
         -- total rounded up or down, and each gets its expected share.
         SELECT *, (floor(f * upto + offset_u) - floor(f * (upto - expected_n) + offset_u))::INTEGER AS n
         FROM noisy
       )
       SELECT d.*, k.k FROM drawn d, range(d.n) k(k) WHERE d.n > 0`,
      {
        start,
        end,
        icb: icb.code,
        strategy: demoStrategyStart,
        closes: options.strategyCloses ?? demoStrategyCloses,
      },
    );
    await runOn(
      c,
      `CREATE OR REPLACE TEMP TABLE pcd_rows AS
       SELECT row_number() OVER (ORDER BY quarter, lsoa, sex, age_band, proc, k) AS id, s.*,
         (quarter + (floor(pu(lsoa || proc || k, quarter::VARCHAR || 'd') * 90))::INTEGER)::DATE AS admidate,
         least(age_band + floor(pu(lsoa || proc || k, quarter::VARCHAR || 'a') * CASE WHEN age_band = 90 THEN 10 ELSE 5 END)::INTEGER, 104) AS age,
         CASE WHEN pu(lsoa || proc || k, quarter::VARCHAR || 'c') < day_case THEN '2' ELSE '1' END AS classpat,
         CASE WHEN pu(lsoa || proc || k, quarter::VARCHAR || 'm') < 0.85 THEN '11' ELSE '12' END AS admimeth,
         CASE WHEN pu(lsoa || proc || k, quarter::VARCHAR || 'e') < 0.97 - ${youngerSql("age_band")} * (0.23 - 0.015 * imd_decile) THEN 'A'
              WHEN pu(lsoa || proc || k, quarter::VARCHAR || 'e') < 0.97 - ${youngerSql("age_band")} * (0.11 - 0.008 * imd_decile) THEN 'H'
              WHEN pu(lsoa || proc || k, quarter::VARCHAR || 'e') < 0.97 - ${youngerSql("age_band")} * (0.04 - 0.004 * imd_decile) THEN 'N'
              WHEN pu(lsoa || proc || k, quarter::VARCHAR || 'e') < 0.97 THEN 'G' ELSE 'Z' END AS ethnos,
         (SELECT code FROM pcd_providers WHERE n = hash(sub_icb) % greatest((SELECT count(*) FROM pcd_providers), 1)) AS procode
       FROM pcd_spells s`,
    );
    await runOn(
      c,
      `COPY (
         SELECT 'PC' || lpad(id::VARCHAR, 10, '0') AS epikey, 'PCS' || lpad(id::VARCHAR, 9, '0') AS susspellid,
           'Q' || lpad((hash(id, 'pc-patient') % 10000000000)::VARCHAR, 10, '0') AS hesid,
           strftime(admidate, '%Y-%m-%d') AS admidate, strftime(admidate, '%Y-%m-%d') AS epistart,
           strftime(admidate + CASE WHEN classpat = '2' THEN 0 ELSE 2 END, '%Y-%m-%d') AS epiend,
           strftime(admidate + CASE WHEN classpat = '2' THEN 0 ELSE 2 END, '%Y-%m-%d') AS disdate,
           admimeth, classpat, age::VARCHAR AS startage, sex, ethnos, lsoa AS lsoa21, procode AS procode3,
           procode || '01' AS sitetret, sub_icb, '100' AS tretspef, '100' AS mainspef, diag AS diag_01, code AS opertn_01
         FROM pcd_rows ORDER BY id
       ) TO ${quoteLiteral(apc)} (FORMAT parquet)`,
    );
    // Clock stops: deprived areas and Asian and Black patients wait longer for the same procedure.
    await runOn(
      c,
      `COPY (
         WITH w AS (
           SELECT *, least(104.0, 10 + 0.9 * (10 - imd_decile) + CASE WHEN ethnos IN ('H', 'N') THEN 2.5 ELSE 0 END
                      - 7 * ln(greatest(pu(id::VARCHAR, 'wait'), 1e-9))) AS weeks
           FROM pcd_rows WHERE proc <> 'other' AND admidate >= DATE '2021-04-01'
         )
         SELECT 'RTT' || lpad(id::VARCHAR, 10, '0') AS PATIENT_PATHWAY_IDENTIFIER,
           procode AS ORGANISATION_IDENTIFIER_CODE_OF_PROVIDER, sub_icb AS ORGANISATION_IDENTIFIER_CODE_OF_COMMISSIONER,
           '100' AS ACTIVITY_TREATMENT_FUNCTION_CODE, 'IRTT' AS WAITING_LIST_TYPE, '1' AS PRIORITY_TYPE_CODE,
           strftime(admidate - (weeks * 7)::INTEGER, '%Y-%m-%d') AS REFERRAL_TO_TREATMENT_PERIOD_START_DATE,
           CASE WHEN hash(id, 'bad-stop') % 20000 = 0 THEN strftime(admidate - (weeks * 7)::INTEGER - 3, '%Y-%m-%d')
                ELSE strftime(admidate, '%Y-%m-%d') END AS REFERRAL_TO_TREATMENT_PERIOD_END_DATE,
           strftime(admidate + ((6 - dayofweek(admidate)) % 7)::INTEGER, '%Y-%m-%d') AS WEEK_ENDING_DATE,
           lsoa AS DER_LSOA2021, ethnos AS ETHNIC_CATEGORY, sex AS PERSON_STATED_GENDER_CODE, code AS PROCEDURE_CODE_OPCS
         FROM w ORDER BY id
       ) TO ${quoteLiteral(waitingList)} (FORMAT csv, HEADER true)`,
    );
    // The population by ethnic group, sex and age from the same people, each LSOA × sex × age band ×
    // category rounded up or down at random (seeded) to whole people; the TS021 file (by LSOA, all
    // ages) and the file by sub-ICB location, sex and age are both sums of these same whole numbers.
    await runOn(
      c,
      `CREATE OR REPLACE TEMP TABLE pcd_ethnic AS
       WITH cats AS (SELECT * FROM (VALUES ${censusCategories
         .map(([code, label, g, share]) => `(${code}, ${quoteLiteral(label)}, ${quoteLiteral(g)}, ${share})`)
         .join(", ")}) AS t(code, label, g, share))
       SELECT p.lsoa, p.sub_icb, p.sex, p.age_band, c.code, c.label,
         floor(p.population * c.share * (${groupShareSql("p.imd_decile", "p.age_band")})
               + pu(p.lsoa || p.sex || p.age_band, c.code::VARCHAR || 'pop'))::BIGINT AS n
       FROM pcd_people p CROSS JOIN cats c`,
    );
    await runOn(
      c,
      `COPY (
         SELECT lsoa AS "Lower layer Super Output Areas Code", lsoa AS "Lower layer Super Output Areas",
           code AS "Ethnic group (20 categories) Code", label AS "Ethnic group (20 categories)", sum(n)::BIGINT AS "Observation"
         FROM pcd_ethnic GROUP BY ALL ORDER BY lsoa, code
       ) TO ${quoteLiteral(ethnicPopulation)} (FORMAT csv, HEADER true)`,
    );
    await runOn(
      c,
      `COPY (
         SELECT sub_icb AS "Area code", label AS "Ethnic group (20 categories)",
           CASE sex WHEN '1' THEN 'Male' ELSE 'Female' END AS "Sex (2 categories)",
           CASE WHEN age_band >= 90 THEN '90+' ELSE age_band || '-' || (age_band + 4) END AS "Age band",
           sum(n)::BIGINT AS "Observation"
         FROM pcd_ethnic WHERE code > 0 GROUP BY sub_icb, code, label, sex, age_band
         ORDER BY sub_icb, code, sex, age_band
       ) TO ${quoteLiteral(ethnicAgeSexPopulation)} (FORMAT csv, HEADER true)`,
    );
    const [n] = await allOn<{ n: number }>(c, "SELECT count(*) AS n FROM pcd_rows");
    return { rows: n?.n ?? 0, icb: icb.code };
  });
  effects.progress.finish(`${result.rows.toLocaleString("en-GB")} planned admissions`);
  return {
    apc,
    waitingList,
    ethnicPopulation,
    ethnicAgeSexPopulation,
    rows: result.rows,
    strategy: {
      icb: result.icb,
      strategy_id: demoStrategyId,
      group_ids: demoStrategyGroups,
      population: "imd-quintiles-1-2",
      started_on: demoStrategyStart,
    },
  };
}

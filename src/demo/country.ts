import type { DuckDBConnection } from "@duckdb/node-api";
import { runOn } from "../db/index.ts";

/** Sizes of the demo country at a scale (1 = England: 7 regions, 42 ICBs, 106 sub-ICB locations). */
export interface CountrySize {
  regions: number;
  icbs: number;
  subIcbs: number;
  lsoas: number;
  trusts: number;
}

const clamp = (value: number, low: number, high: number) => Math.max(low, Math.min(high, Math.round(value)));

/** How many organisations and LSOAs a country of `scale` × England's population has. */
export function countrySize(scale: number): CountrySize {
  const icbs = clamp(42 * scale ** 0.4, 6, 42);
  const subIcbs = clamp(106 * scale ** 0.45, Math.max(12, icbs + 2), 106);
  return {
    regions: clamp(7 * scale ** 0.25, 3, 7),
    icbs,
    subIcbs,
    // About 1,700 people per LSOA and 57 million people at scale 1.
    lsoas: Math.max(subIcbs * 4, Math.round((57_000_000 * scale) / 1_700)),
    trusts: clamp(icbs * 3, 8, 130),
  };
}

/** A checked integer for SQL text (never user text). */
export function sqlInt(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
  return String(value);
}

/** Deterministic random numbers: `u(a, b)` uniform in [0, 1), `z(a, b)` standard normal, from the seed. */
export async function createRandomMacros(connection: DuckDBConnection, seed: number): Promise<void> {
  const s = sqlInt(seed);
  await runOn(connection, `CREATE OR REPLACE MACRO u(a, b) AS hash(${s}, a, b) / 18446744073709551616.0`);
  await runOn(
    connection,
    `CREATE OR REPLACE MACRO z(a, b) AS sqrt(-2 * ln(greatest(u(a, b), 1e-12))) * cos(2 * pi() * u(a, b + 7919))`,
  );
}

const places = [
  "Ashmere",
  "Brackenholm",
  "Caldermoor",
  "Dunmarsh",
  "Eastwold",
  "Fellbridge",
  "Greyhaven",
  "Harrowdale",
  "Ivybank",
  "Jarrowfield",
  "Kestrel Vale",
  "Larkhill",
  "Marlow Fen",
  "Northcombe",
  "Oakridge",
  "Pennington",
  "Quarrybrook",
  "Ravensby",
  "Saltmarsh",
  "Thornbury Cross",
  "Upperton",
  "Valeford",
  "Westerleigh",
  "Yarrowby",
];

/**
 * Creates the country's tables: demo_regions, demo_icbs, demo_sub_icbs (with one merged pair),
 * demo_lsoas (with IMD), demo_population (LSOA × year × sex × single year of age) and demo_trusts.
 */
export async function createCountry(
  connection: DuckDBConnection,
  size: CountrySize,
  years: { first: number; last: number },
): Promise<void> {
  const run = (sql: string) => runOn(connection, sql, undefined, "generate the demo country");
  const placeList = `[${places.map((p) => `'${p}'`).join(", ")}]`;
  await run(`CREATE OR REPLACE MACRO place(i) AS ${placeList}[(i % ${places.length}) + 1]`);
  await run(`CREATE OR REPLACE TABLE demo_regions AS
    SELECT r AS region_idx, 'Y7' || r AS code, 'E4000' || lpad((r + 101)::VARCHAR, 4, '0') AS ons,
           'NHS ' || ['North of Albion', 'Midlands and Fens', 'East and Wolds', 'London and Thames', 'South Downs',
                      'South West Moors', 'Western Marches'][r + 1] || ' Region' AS name,
           z(r, 11) AS effect
    FROM range(${sqlInt(size.regions)}) t(r)`);
  await run(`CREATE OR REPLACE TABLE demo_icbs AS
    SELECT i AS icb_idx, (i * ${sqlInt(size.regions)}) // ${sqlInt(size.icbs)} AS region_idx,
           'Q' || chr((65 + (i // 10))::INTEGER) || (i % 10) AS code, 'E5400' || lpad((i + 101)::VARCHAR, 4, '0') AS ons,
           'NHS ' || place(i) || ' Integrated Care Board' AS name, z(i, 12) AS effect
    FROM range(${sqlInt(size.icbs)}) t(i)`);
  // Sub-ICB locations; the last of ICB 0 is the successor of two predecessors merged in April 2022.
  await run(`CREATE OR REPLACE TABLE demo_sub_icbs AS
    SELECT s AS sub_idx, (s * ${sqlInt(size.icbs)}) // ${sqlInt(size.subIcbs)} AS icb_idx,
           ((s % 90) + 10)::VARCHAR || chr((65 + s // 90)::INTEGER) AS code,
           'E3800' || lpad((s + 101)::VARCHAR, 4, '0') AS ons, z(s, 13) AS effect
    FROM range(${sqlInt(size.subIcbs)}) t(s)`);
  await run(`ALTER TABLE demo_sub_icbs ADD COLUMN name VARCHAR`);
  await run(`UPDATE demo_sub_icbs SET name = (SELECT i.name FROM demo_icbs i WHERE i.icb_idx = demo_sub_icbs.icb_idx)
             || ' - ' || code`);
  await run(`CREATE OR REPLACE TABLE demo_mergers AS
    SELECT max(sub_idx) AS sub_idx, '98X' AS old_a, '99X' AS old_b, DATE '2022-04-01' AS effective
    FROM demo_sub_icbs WHERE icb_idx = 0`);

  // LSOAs in contiguous blocks per sub-ICB; deprivation clusters by region, ICB and place.
  await run(`CREATE OR REPLACE TABLE demo_lsoas AS
    WITH base AS (
      SELECT l AS lsoa_idx, (l * ${sqlInt(size.subIcbs)}) // ${sqlInt(size.lsoas)} AS sub_idx FROM range(${sqlInt(size.lsoas)}) t(l)
    ), scored AS (
      SELECT b.lsoa_idx, b.sub_idx, s.icb_idx, i.region_idx,
             1.0 * r.effect + 0.6 * i.effect + 0.5 * s.effect + 0.9 * z(b.lsoa_idx, 14) AS latent
      FROM base b JOIN demo_sub_icbs s USING (sub_idx) JOIN demo_icbs i USING (icb_idx) JOIN demo_regions r USING (region_idx)
    )
    SELECT lsoa_idx, sub_idx, icb_idx, region_idx,
           'E0' || lpad((1000001 + lsoa_idx)::VARCHAR, 7, '0') AS code,
           place(sub_idx) || ' ' || lpad((lsoa_idx % 1000)::VARCHAR, 3, '0') || chr((65 + (lsoa_idx % 5))::INTEGER) AS name,
           'E0700' || lpad((sub_idx + 101)::VARCHAR, 4, '0') AS lad_code, place(sub_idx) AS lad_name,
           round(greatest(0.5, 21 + 9 * latent), 3) AS imd_score,
           row_number() OVER (ORDER BY latent DESC, lsoa_idx) AS imd_rank,
           0.8 + 0.4 * u(lsoa_idx, 15) AS size_factor
    FROM scored`);
  await run(`ALTER TABLE demo_lsoas ADD COLUMN imd_decile INTEGER`);
  await run(`UPDATE demo_lsoas SET imd_decile = ((imd_rank - 1) * 10) // ${sqlInt(size.lsoas)} + 1`);
  // Which predecessor each LSOA of the merged sub-ICB belonged to.
  await run(`ALTER TABLE demo_lsoas ADD COLUMN old_sub_icb VARCHAR`);
  await run(`UPDATE demo_lsoas SET old_sub_icb = CASE WHEN lsoa_idx % 2 = 0 THEN m.old_a ELSE m.old_b END
             FROM demo_mergers m WHERE demo_lsoas.sub_idx = m.sub_idx`);

  // Population: an England-like pyramid, younger where more deprived, more women at older ages.
  await run(`CREATE OR REPLACE TABLE demo_population AS
    WITH shape AS (
      SELECT a AS age,
             CASE WHEN a <= 50 THEN 1.0 WHEN a <= 70 THEN 1.0 - 0.012 * (a - 50)
                  WHEN a < 90 THEN 0.76 * exp(-0.09 * (a - 70)) ELSE 0.76 * exp(-1.8) * 4.5 END AS weight
      FROM range(91) t(a)
    ), total AS (SELECT sum(weight) AS w FROM shape)
    SELECT l.lsoa_idx, y AS year, sx.sex, s.age,
           round(1700 * l.size_factor * (1 + 0.006 * (y - 2017))
                 * s.weight / t.w * (1 + 0.004 * (40 - least(s.age, 80)) * (5.5 - l.imd_decile) / 4.5)
                 * CASE WHEN sx.sex = '1' THEN 0.505 - greatest(0, s.age - 60) * 0.004
                        ELSE 0.495 + greatest(0, s.age - 60) * 0.004 END)::INTEGER AS population
    FROM demo_lsoas l CROSS JOIN shape s CROSS JOIN total t
    CROSS JOIN (VALUES ('1'), ('2')) sx(sex) CROSS JOIN range(${sqlInt(years.first)}, ${sqlInt(years.last + 1)}) yr(y)`);

  // Trusts: a few per ICB, the first the main acute trust; plus independent-sector providers per region.
  await run(`CREATE OR REPLACE TABLE demo_trusts AS
    SELECT t AS trust_idx, t % ${sqlInt(size.icbs)} AS icb_idx, t // ${sqlInt(size.icbs)} AS rank_in_icb,
           'R' || chr((65 + (t // 10) % 26)::INTEGER) || (t % 10) AS code,
           place(t % ${sqlInt(size.icbs)} + t // ${sqlInt(size.icbs)} * 7) ||
             CASE WHEN t // ${sqlInt(size.icbs)} = 0 THEN ' Hospitals NHS Foundation Trust' ELSE ' Community Healthcare NHS Trust' END AS name,
           false AS independent
    FROM range(${sqlInt(size.trusts)}) x(t)
    UNION ALL
    SELECT 1000 + r, NULL, 9, 'NV' || chr((65 + r)::INTEGER), place(r + 3) || ' Independent Hospital', true FROM range(${sqlInt(size.regions)}) x(r)`);
  await run(`ALTER TABLE demo_trusts ADD COLUMN region_idx INTEGER`);
  await run(
    `UPDATE demo_trusts SET region_idx = coalesce((SELECT i.region_idx FROM demo_icbs i WHERE i.icb_idx = demo_trusts.icb_idx), trust_idx - 1000)`,
  );
}

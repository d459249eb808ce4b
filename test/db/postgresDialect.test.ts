import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../../src/db/index.ts";
import { duckdbEngine, postgresEngine, type SqlEngine } from "../../src/db/SqlEngine.ts";
import { createCube, createSpells } from "../../src/pipeline/buildTables.ts";
import { freshDatabase } from "../state/stateTargets.ts";

/**
 * The spells and cube stages, written once through the dialect layer, run on DuckDB and on
 * PostgreSQL (PGlite, embedded, so this always runs) over the same hand-made rows.
 *
 * Spell S1 has two matching episodes: its first (earlier admission) decides age band 50 and
 * sub-ICB A; S2's two episodes start the same day, so the smaller record key (e3) decides.
 * An outpatient appointment counts on its own. Age 93 falls in the top band (90); NULL age stays NULL.
 */
const tables = [
  `CREATE TABLE episode_flags (setting VARCHAR, record_key VARCHAR, load_id VARCHAR, source_row BIGINT,
     spell_id VARCHAR, count_key VARCHAR, intervention_id VARCHAR)`,
  `CREATE TABLE apc_episodes (load_id VARCHAR, source_row BIGINT, epistart DATE, admidate DATE, age INTEGER,
     sex VARCHAR, ethnos VARCHAR, imd_decile INTEGER, procode VARCHAR, sub_icb VARCHAR)`,
  `CREATE TABLE op_appointments (load_id VARCHAR, source_row BIGINT, apptdate DATE, age INTEGER,
     sex VARCHAR, ethnos VARCHAR, imd_decile INTEGER, procode VARCHAR, sub_icb VARCHAR)`,
  `INSERT INTO apc_episodes VALUES
     ('l', 1, '2018-05-20', '2018-05-02', 57, '1', 'A', 3, 'P1', 'A'),
     ('l', 2, '2018-04-30', '2018-04-30', 61, '1', 'A', 3, 'P1', 'B'),
     ('l', 3, '2018-06-01', NULL, 93, '2', 'B', 7, 'P2', 'A'),
     ('l', 4, '2018-06-01', NULL, 12, '2', 'B', 7, 'P2', 'B'),
     ('l', 5, '2018-06-09', NULL, NULL, '1', NULL, NULL, 'P2', 'A')`,
  `INSERT INTO op_appointments VALUES ('l', 1, '2018-07-14', 40, '2', 'C', 1, 'P1', 'B')`,
  `INSERT INTO episode_flags VALUES
     ('apc', 'e1', 'l', 1, 'S1', 'S1', 'x/knee'), ('apc', 'e2', 'l', 2, 'S1', 'S1', 'x/knee'),
     ('apc', 'e4', 'l', 4, 'S2', 'S2', 'x/knee'), ('apc', 'e3', 'l', 3, 'S2', 'S2', 'x/knee'),
     ('apc', 'e5', 'l', 5, 'S3', 'S3', 'x/grommets'), ('op', 'o1', 'l', 1, 'o1', 'o1', 'x/knee')`,
];

async function stagesOn(engine: SqlEngine) {
  for (const sql of tables) await engine.run(sql);
  const spells = await createSpells(engine);
  await createCube(engine);
  // Sorted here, not in SQL: the engines' text collations may order differently.
  const read = async (sql: string) =>
    (await engine.read<Record<string, unknown>>(sql)).sort((a, b) => {
      const x = JSON.stringify(a);
      const y = JSON.stringify(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  return {
    spells,
    spellRows: await read(`SELECT intervention_id, setting, spell_id, CAST(month AS VARCHAR) AS month,
      age_band, sex, ethnos, imd_decile, provider, sub_icb FROM spells`),
    cube: await read(`SELECT intervention_id, CAST(month AS VARCHAR) AS month, provider, sub_icb, setting,
      age_band, sex, imd_decile, ethnos, CAST(spells AS INTEGER) AS spells FROM cube
`),
  };
}

describe("the spells and cube stages through the dialect layer", () => {
  let duck: Database;
  let pg: PGlite;
  beforeAll(async () => {
    duck = await Database.open(":memory:");
    pg = await PGlite.create();
  });
  afterAll(async () => {
    duck?.close();
    await pg?.close();
  });

  it("give PostgreSQL the same spells and cube as DuckDB", async () => {
    const fromDuck = await duck.withConnection((c) => stagesOn(duckdbEngine(c)));
    const fromPg = await stagesOn(postgresEngine(pg));
    expect(fromDuck.spells).toBe(4);
    expect(fromDuck.spellRows.map((r) => [r.spell_id, r.month, r.age_band, r.sub_icb])).toEqual([
      ["S3", "2018-06-01", null, "A"],
      ["S1", "2018-04-01", 60, "B"],
      ["S2", "2018-06-01", 90, "A"],
      ["o1", "2018-07-01", 40, "B"],
    ]);
    expect(fromDuck.cube.reduce((n, r) => n + Number(r.spells), 0)).toBe(4);
    expect(fromPg).toEqual(fromDuck);
  });
});

/** A PostgreSQL server when DATABASE_URL is set (CI sets it; `.ci/start-postgres` prints one). */
const url = process.env.DATABASE_URL;
if (process.env.CI && !url)
  throw new Error("CI must export DATABASE_URL (see .ci/run) so the stages also run on a PostgreSQL server.");
if (!url) console.warn("DATABASE_URL is unset: the PostgreSQL server run of the build stages is skipped.");

describe.skipIf(!url)("the spells and cube stages on a PostgreSQL server", () => {
  it("give the server row for row what DuckDB gives", async () => {
    const fresh = await freshDatabase(url ?? "");
    const client = new pg.Client({ connectionString: fresh });
    await client.connect();
    const duck = await Database.open(":memory:");
    try {
      // The server's own types: counts as int8 come back as text from pg, read as numbers here.
      const fromPg = await stagesOn(postgresEngine(client));
      const fromDuck = await duck.withConnection((c) => stagesOn(duckdbEngine(c)));
      const [{ server_version } = { server_version: "" }] = (await client.query("SHOW server_version"))
        .rows as { server_version: string }[];
      expect(server_version).toMatch(/^[0-9]+/);
      expect(Number(fromPg.spells)).toBe(4);
      expect(fromPg.spellRows).toEqual(fromDuck.spellRows);
      expect(fromPg.cube).toEqual(fromDuck.cube);
    } finally {
      duck.close();
      await client.end();
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${new URL(fresh).pathname.slice(1)}`);
      await admin.end();
    }
  });
});

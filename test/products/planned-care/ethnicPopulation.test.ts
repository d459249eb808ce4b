import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Database, runOn } from "../../../src/db/index.ts";
import { createOrgMap } from "../../../src/pipeline/buildTables.ts";
import {
  ethnicPopulationStrata,
  stageEthnicPopulation,
} from "../../../src/products/planned-care/ethnicPopulation.ts";

const fixture = new URL("../../fixtures/planned-care/ethnic-population.csv", import.meta.url).pathname;

/** Two sub-ICB locations (S1: LSOAs 1 and 2; S2: LSOA 3) of one ICB in one region. */
async function withStore<T>(run: (db: Database) => Promise<T>): Promise<T> {
  const db = await Database.open(":memory:");
  try {
    await db.withConnection(async (c) => {
      await runOn(
        c,
        "CREATE TABLE ref_organisations (code VARCHAR, level VARCHAR, name VARCHAR, parent_code VARCHAR)",
      );
      await runOn(
        c,
        `INSERT INTO ref_organisations VALUES ('R1', 'region', 'Region', 'ENG'), ('I1', 'icb', 'ICB', 'R1'),
         ('S1', 'sub_icb', 'Place 1', 'I1'), ('S2', 'sub_icb', 'Place 2', 'I1')`,
      );
      await runOn(c, "CREATE TABLE ref_lsoa_sub_icb (lsoa VARCHAR, sub_icb VARCHAR)");
      await runOn(
        c,
        "INSERT INTO ref_lsoa_sub_icb VALUES ('E01000001', 'S1'), ('E01000002', 'S1'), ('E01000003', 'S2')",
      );
    });
    return await run(db);
  } finally {
    db.close();
  }
}

describe("stageEthnicPopulation", () => {
  it("maps Census 2021 categories to the NHS letters' groups and rolls them up to every commissioner", async () => {
    await withStore((db) =>
      db.withConnection(async (c) => {
        const staged = await stageEthnicPopulation(c, fixture);
        await createOrgMap(c);
        const strata = await ethnicPopulationStrata(c);
        const of = (level: string, org: string, group: string) =>
          strata.find((s) => s.level === level && s.org_code === org && s.ethnic_group === group)?.population;
        // Chinese (letter R) and Arab (under S) are "other"; Roma is White (letter C).
        expect(of("sub_icb", "S1", "other")).toBe(65);
        expect(of("sub_icb", "S1", "white")).toBe(3010);
        expect(of("sub_icb", "S1", "asian")).toBe(500);
        expect(of("sub_icb", "S2", "mixed")).toBe(70);
        expect(of("icb", "I1", "white")).toBe(3010);
        expect(of("england", "ENG", "black")).toBe(150);
        // Each bad row is quarantined with its row, field, value and reason; "Does not apply" is skipped.
        expect(staged.problems).toEqual([
          { row: 11, field: "Observation", value: "many", reason: "not a whole number of people ≥ 0" },
          {
            row: 13,
            field: "Lower layer Super Output Areas Code",
            value: "E09999999",
            reason: "LSOA not in the LSOA to sub-ICB lookup",
          },
          {
            row: 14,
            field: "Ethnic group (20 categories)",
            value: "Martian",
            reason: "not a Census 2021 ethnic group (20 categories)",
          },
        ]);
        expect(staged).toMatchObject({ rows: 13, accepted: 9 });
      }),
    );
  });

  it("stops on a missing column, naming the file and the column", async () => {
    const file = join(tmpdir(), `ethnic-missing-${process.pid}.csv`);
    writeFileSync(
      file,
      "Lower layer Super Output Areas Code,Ethnic group (20 categories),Count\nE01000001,White: Irish,4\n",
    );
    await withStore((db) =>
      db.withConnection(async (c) => {
        await expect(stageEthnicPopulation(c, file)).rejects.toMatchObject({
          code: "EBI_ETHNIC_POPULATION_INVALID",
          message: expect.stringContaining('lacks the column "Observation"'),
        });
      }),
    );
  });
});

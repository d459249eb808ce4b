import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Database, runOn } from "../../../src/db/index.ts";
import { createOrgMap } from "../../../src/pipeline/buildTables.ts";
import {
  espWeightsFor,
  ethnicAgeSexStrata,
  stageEthnicAgeSexPopulation,
} from "../../../src/products/planned-care/ethnicAgeSexPopulation.ts";

const fixture = new URL("../../fixtures/planned-care/ethnic-age-sex-population.csv", import.meta.url)
  .pathname;
const header = "Area code,Ethnic group (20 categories),Sex (2 categories),Age band,Observation";

/** Region R1 with ICB I1 (sub-ICBs S1: LSOAs 1 and 2; S2: LSOA 3) and ICB I2 (sub-ICB S3). */
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
        `INSERT INTO ref_organisations VALUES ('R1', 'region', 'Region', 'ENG'), ('I1', 'icb', 'ICB 1', 'R1'),
         ('I2', 'icb', 'ICB 2', 'R1'), ('S1', 'sub_icb', 'Place 1', 'I1'), ('S2', 'sub_icb', 'Place 2', 'I1'),
         ('S3', 'sub_icb', 'Place 3', 'I2')`,
      );
      await runOn(c, "CREATE TABLE ref_lsoa_sub_icb (lsoa VARCHAR, sub_icb VARCHAR)");
      await runOn(
        c,
        "INSERT INTO ref_lsoa_sub_icb VALUES ('E01000001', 'S1'), ('E01000002', 'S1'), ('E01000003', 'S2'), ('E01000004', 'S3')",
      );
    });
    return await run(db);
  } finally {
    db.close();
  }
}

const tmpFile = (name: string, text: string) => {
  const file = join(tmpdir(), `${name}-${process.pid}.csv`);
  writeFileSync(file, text);
  return file;
};

describe("espWeightsFor", () => {
  it("sums ESP 2013's weights into coarser bands", () => {
    // 0–44: 5,000 + 5,500 × 3 + 6,000 × 2 + 6,500 + 7,000 × 2 = 54,000; the rest of 100,000 is 45+.
    expect(espWeightsFor([0, 45])).toEqual([54_000, 46_000]);
  });
});

describe("stageEthnicAgeSexPopulation", () => {
  it("maps areas to commissioners, rolls up only complete populations and quarantines bad rows", async () => {
    await withStore((db) =>
      db.withConnection(async (c) => {
        const staged = await stageEthnicAgeSexPopulation(c, fixture);
        expect(staged.bands).toEqual([0, 45]);
        expect(staged.problems).toEqual([
          {
            row: 10,
            field: "Area code",
            value: "I1",
            reason: "ICB also covered by LSOA or sub-ICB rows in this file",
          },
          { row: 11, field: "Sex (2 categories)", value: "1", reason: "not Male or Female" },
          {
            row: 12,
            field: "Age band",
            value: "0-43",
            reason: "not an age band of whole 5-year steps (0-4, 5-9 … 90+)",
          },
          {
            row: 13,
            field: "Area code",
            value: "E09999999",
            reason: "not an LSOA in the LSOA to sub-ICB lookup, a sub-ICB location or an ICB",
          },
          {
            row: 14,
            field: "Ethnic group (20 categories)",
            value: "Martian",
            reason: "not a Census 2021 ethnic group (20 categories)",
          },
          { row: 15, field: "Observation", value: "lots", reason: "not a whole number of people ≥ 0" },
        ]);
        expect(staged).toMatchObject({ rows: 15, accepted: 8 });
        await createOrgMap(c);
        const { strata } = await ethnicAgeSexStrata(c, staged.bands);
        const of = (level: string, org: string, group: string, sex: string, band: number) =>
          strata.find(
            (s) =>
              s.level === level &&
              s.org_code === org &&
              s.ethnic_group === group &&
              s.sex === sex &&
              s.age_band === band,
          )?.population;
        // Irish and Roma are both White (NHS letters A–C); "Aged 44 years and under" is 0–44.
        expect(of("sub_icb", "S1", "white", "1", 0)).toBe(30);
        expect(of("sub_icb", "S1", "white", "1", 45)).toBe(7);
        expect(of("sub_icb", "S1", "asian", "2", 0)).toBe(100);
        expect(of("icb", "I1", "mixed", "2", 45)).toBe(5);
        // I2 is given whole: it, its region and England are covered; its sub-ICB S3 is not.
        expect(of("icb", "I2", "black", "1", 45)).toBe(10);
        expect(of("region", "R1", "black", "1", 0)).toBe(40);
        expect(of("england", "ENG", "asian", "2", 45)).toBe(20);
        expect(strata.some((s) => s.org_code === "S3")).toBe(false);
      }),
    );
  });

  it("keeps a commissioner whose population is incomplete without one", async () => {
    const file = tmpFile(
      "eas-partial",
      `${header}\nS1,White: Irish,Male,0-44,30\nS1,White: Irish,Male,45+,7\n`,
    );
    await withStore((db) =>
      db.withConnection(async (c) => {
        const staged = await stageEthnicAgeSexPopulation(c, file);
        await createOrgMap(c);
        const { strata } = await ethnicAgeSexStrata(c, staged.bands);
        // S2 has no rows, so I1, R1 and England would be short of its people: only S1 is kept.
        expect([...new Set(strata.map((s) => `${s.level}|${s.org_code}`))]).toEqual(["sub_icb|S1"]);
      }),
    );
  });

  it("stops on a missing column, naming the file and the column", async () => {
    const file = tmpFile(
      "eas-missing",
      "Area code,Ethnic group (20 categories),Sex (2 categories),Observation\nS1,White: Irish,Male,4\n",
    );
    await withStore((db) =>
      db.withConnection(async (c) => {
        await expect(stageEthnicAgeSexPopulation(c, file)).rejects.toMatchObject({
          code: "EBI_ETHNIC_AGE_SEX_POPULATION_INVALID",
          message: expect.stringContaining('lacks the column "Age band"'),
        });
      }),
    );
  });

  it("stops when the age bands leave a gap", async () => {
    const file = tmpFile("eas-gap", `${header}\nS1,White: Irish,Male,0-44,30\nS1,White: Irish,Male,50+,7\n`);
    await withStore((db) =>
      db.withConnection(async (c) => {
        await expect(stageEthnicAgeSexPopulation(c, file)).rejects.toMatchObject({
          code: "EBI_ETHNIC_AGE_SEX_POPULATION_INVALID",
          message: expect.stringContaining("do not split the ages"),
        });
      }),
    );
  });
});

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Database } from "../../src/db/index.ts";
import { quietEffects } from "../../src/effects/index.ts";
import { InputError } from "../../src/errors/index.ts";
import { loadReferenceFile, type ReferenceFile } from "../../src/reference/loadReferenceFile.ts";
import { openStore } from "../../src/store/index.ts";

const fixture = (name: string) => join(import.meta.dirname, "../fixtures/reference", name);
const load = (db: Database, input: ReferenceFile) => loadReferenceFile(db, input, quietEffects());

describe("loadReferenceFile", () => {
  it("reads the ONS sub-ICB → ICB → region lookup whatever the year digits in its column names", async () => {
    const db = await openStore(":memory:");
    const result = await load(db, { dataset: "hierarchy", file: fixture("sicbl_icb_nhser.csv") });
    expect(result.vintage).toBe("2023");
    const rows = await db.all(
      "SELECT level, code, parent_code, ons_code FROM ref_organisations ORDER BY level, code",
    );
    expect(rows).toEqual([
      { level: "icb", code: "QX1", parent_code: "Y01", ons_code: "E54000001" },
      { level: "icb", code: "QX2", parent_code: "Y02", ons_code: "E54000002" },
      { level: "region", code: "Y01", parent_code: null, ons_code: "E40000001" },
      { level: "region", code: "Y02", parent_code: null, ons_code: "E40000002" },
      { level: "sub_icb", code: "01A", parent_code: "QX1", ons_code: "E38000001" },
      { level: "sub_icb", code: "02B", parent_code: "QX1", ons_code: "E38000002" },
      { level: "sub_icb", code: "03C", parent_code: "QX2", ons_code: "E38000003" },
    ]);
  });

  it("reads the ODS trust file (27 columns, no header) with open and close dates", async () => {
    const db = await openStore(":memory:");
    await load(db, { dataset: "ods_trusts", file: fixture("etr.csv") });
    const rows = await db.all<{ code: string; close_date: Date | null; parent_code: string }>(
      "SELECT code, parent_code, close_date FROM ref_organisations WHERE level = 'provider' ORDER BY code",
    );
    expect(rows.map((r) => [r.code, r.parent_code])).toEqual([
      ["RX1", "QX1"],
      ["RX2", "QX2"],
    ]);
    expect(rows[0]?.close_date).toBeNull();
    expect(rows[1]?.close_date?.toISOString().slice(0, 10)).toBe("2023-03-31");
  });

  it("reads ODS successions, so a merged commissioner maps to its successor", async () => {
    const db = await openStore(":memory:");
    await load(db, { dataset: "ods_successors", file: fixture("succ.csv") });
    const rows = await db.all<{ old_code: string; new_code: string; effective_date: Date }>(
      "SELECT * FROM ref_successors",
    );
    expect(rows[0]?.old_code).toBe("99Z");
    expect(rows[0]?.new_code).toBe("02B");
    expect(rows[0]?.effective_date.toISOString().slice(0, 10)).toBe("2022-04-01");
  });

  it("reads the LSOA → sub-ICB lookup", async () => {
    const db = await openStore(":memory:");
    const result = await load(db, { dataset: "lsoa_sub_icb", file: fixture("lsoa21_sicbl.csv") });
    expect(result.vintage).toBe("2021");
    expect(await db.all("SELECT lsoa, sub_icb FROM ref_lsoa_sub_icb ORDER BY lsoa")).toEqual([
      { lsoa: "E01000001", sub_icb: "01A" },
      { lsoa: "E01000002", sub_icb: "02B" },
      { lsoa: "E01000003", sub_icb: "03C" },
    ]);
  });

  it("reads both IMD vintages side by side and records each", async () => {
    const db = await openStore(":memory:");
    await load(db, { dataset: "imd", file: fixture("imd2019_file7.csv"), vintage: "2019" });
    await load(db, { dataset: "imd", file: fixture("imd2025_file7.csv") });
    expect(
      await db.all("SELECT vintage, count(*) AS n FROM ref_imd GROUP BY vintage ORDER BY vintage"),
    ).toEqual([
      { vintage: "2019", n: 2 },
      { vintage: "2025", n: 3 },
    ]);
    expect(
      await db.all("SELECT imd_decile FROM ref_imd WHERE vintage = '2025' AND lsoa = 'E01000002'"),
    ).toEqual([{ imd_decile: 8 }]);
    const vintages = await db.all<{ dataset: string; vintage: string; file_hash: string }>(
      "SELECT * FROM ref_vintages ORDER BY vintage",
    );
    expect(vintages.map((v) => v.vintage)).toEqual(["2019", "2025"]);
    expect(vintages[0]?.file_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("sums single years of age into 5-year bands, 90 and over in one", async () => {
    const db = await openStore(":memory:");
    await load(db, { dataset: "population", file: fixture("population_mid2020.csv"), year: 2020 });
    const rows = await db.all<{ sex: string; age_band: number; population: number }>(
      "SELECT sex, age_band, population FROM ref_population WHERE lsoa = 'E01000001' AND age_band IN (0, 85, 90) ORDER BY sex, age_band",
    );
    // Women: 10 a year → 50 a band; 90+ is 5. Men: 12 a year → 60; 90+ is 3.
    expect(rows).toEqual([
      { sex: "1", age_band: 0, population: 60 },
      { sex: "1", age_band: 85, population: 60 },
      { sex: "1", age_band: 90, population: 3 },
      { sex: "2", age_band: 0, population: 50 },
      { sex: "2", age_band: 85, population: 50 },
      { sex: "2", age_band: 90, population: 5 },
    ]);
    const [total] = await db.all<{ n: number }>("SELECT sum(population) AS n FROM ref_population");
    expect(total?.n).toBe(90 * 22 + 8 + 91 * 2);
  });

  it("names the file, row, field and value of an impossible decile, and loads nothing", async () => {
    const db = await openStore(":memory:");
    const error = await load(db, {
      dataset: "imd",
      file: fixture("imd_bad_decile.csv"),
      vintage: "2025",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).location).toMatchObject({ row: 2, value: "11" });
    expect((error as InputError).message).toContain("imd_bad_decile.csv");
    expect(await db.all("SELECT * FROM ref_imd")).toEqual([]);
    expect(await db.all("SELECT * FROM ref_vintages")).toEqual([]);
  });

  it("names a missing column", async () => {
    const db = await openStore(":memory:");
    const error = await load(db, { dataset: "hierarchy", file: fixture("imd2025_file7.csv") }).catch(
      (e: unknown) => e,
    );
    expect((error as InputError).code).toBe("EBI_FILE_COLUMNS");
    expect((error as InputError).message).toContain("SICBL");
  });

  it("replaces a dataset and vintage when loaded again rather than adding to it", async () => {
    const db = await openStore(":memory:");
    await load(db, { dataset: "imd", file: fixture("imd2025_file7.csv") });
    await load(db, { dataset: "imd", file: fixture("imd2025_file7.csv") });
    expect(await db.all("SELECT count(*) AS n FROM ref_imd")).toEqual([{ n: 3 }]);
  });
});

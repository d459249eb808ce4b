import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ingestActivity, type LoadSummary } from "../../src/activity/index.ts";
import type { Database } from "../../src/db/index.ts";
import { quietEffects } from "../../src/effects/index.ts";
import { InputError } from "../../src/errors/index.ts";
import { openStore } from "../../src/store/index.ts";

const fixture = (name: string) => join(import.meta.dirname, "../fixtures/activity", name);
const reportsDir = mkdtempSync(join(tmpdir(), "ebi-reports-"));

/** A store with the reference rows the fixture refers to: one IMD LSOA, a merger 99Z → 02B, trust RX1. */
async function storeWithReference(): Promise<Database> {
  const db = await openStore(":memory:");
  await db.run("INSERT INTO ref_imd VALUES ('E01000001', 30.5, 900, 3, '2025')");
  await db.run("INSERT INTO ref_successors VALUES ('99Z', '02B', DATE '2022-04-01', 'Merger')");
  await db.run(`INSERT INTO ref_organisations (code, name, level, parent_code, source) VALUES
    ('RX1', 'Trust', 'provider', NULL, 't'), ('01A', 'Place A', 'sub_icb', 'QX1', 't'), ('02B', 'Place B', 'sub_icb', 'QX1', 't')`);
  return db;
}

const ingest = (db: Database, file: string, extra: { beforeCommit?: () => void } = {}) =>
  ingestActivity(db, { kind: "apc", files: [file], reportsDir, ...extra }, quietEffects());

describe("ingestActivity on a hand-made HES extract with aliases and dirty rows", () => {
  let db: Database;
  let summary: LoadSummary;
  type Episode = {
    epikey: string;
    diag: (string | null)[];
    opertn: string[];
    age: number | null;
    sex: string;
    epistart: Date;
    imd_decile: number | null;
    sub_icb: string;
    sub_icb_original: string;
  };
  const episodes = new Map<string, Episode>();
  beforeAll(async () => {
    db = await storeWithReference();
    [summary] = (await ingest(db, fixture("apc_mixed.csv"))) as [LoadSummary];
    for (const e of await db.all<Episode>("SELECT * FROM apc_episodes")) episodes.set(e.epikey, e);
  });

  it("accounts for every row: accepted + quarantined = read", () => {
    expect(summary.rows_read).toBe(10);
    expect(summary.rows_accepted).toBe(6);
    expect(summary.rows_quarantined).toBe(4);
    expect(summary.rows_accepted + summary.rows_quarantined).toBe(summary.rows_read);
  });

  it("quarantines each unusable row with its file, row number, field, value and reason", async () => {
    const rows = await db.all("SELECT source_row, field, value, reason FROM quarantine ORDER BY source_row");
    expect(rows).toEqual([
      { source_row: 4, field: "epikey", value: "1001", reason: "duplicate" },
      { source_row: 5, field: "epikey", value: null, reason: "missing-key" },
      { source_row: 6, field: "epistart", value: "notadate", reason: "date-invalid" },
      { source_row: 7, field: "opertn_01", value: "Q9Q9", reason: "code-invalid" },
    ]);
    const [file] = await db.all<{ file: string }>("SELECT DISTINCT file FROM quarantine");
    expect(file?.file).toBe(fixture("apc_mixed.csv"));
  });

  it("normalises dotted, lower-case, 5-character and X-filled codes, keeping positions", () => {
    expect(episodes.get("1001")?.diag).toEqual(["M171"]);
    expect(episodes.get("1001")?.opertn).toEqual(["W851", "Z846"]);
    expect(episodes.get("1002")?.diag).toEqual(["K64"]);
    expect(episodes.get("1003")?.diag).toEqual(["M171"]);
    expect(episodes.get("1003")?.opertn).toEqual([]);
    // A blank second diagnosis stays a gap, so the third keeps its position.
    expect(episodes.get("1009")?.diag).toEqual(["R104", null, "I10"]);
    // An impossible secondary code is dropped (with a warning), the row kept.
    expect(episodes.get("1008")?.diag).toEqual(["J189"]);
  });

  it("reads ISO, DD/MM/YYYY and YYYYMMDD dates", () => {
    const day = (key: string) => episodes.get(key)?.epistart.toISOString().slice(0, 10);
    expect(day("1001")).toBe("2019-05-01");
    expect(day("1002")).toBe("2019-06-15");
    expect(day("1010")).toBe("2019-07-01");
  });

  it("turns HES infant ages 7001–7007 into 0 and 999 into unknown; unknown sex becomes 0", () => {
    expect(episodes.get("1002")?.age).toBe(0);
    expect(episodes.get("1003")?.age).toBeNull();
    expect(episodes.get("1003")?.sex).toBe("0");
  });

  it("maps LSOA to IMD decile and a merged commissioner to its successor", () => {
    expect(episodes.get("1001")?.imd_decile).toBe(3);
    expect(episodes.get("1002")?.imd_decile).toBeNull();
    expect(episodes.get("1002")?.sub_icb_original).toBe("99Z");
    expect(episodes.get("1002")?.sub_icb).toBe("02B");
  });

  it("keeps fixable rows with a warning for each problem", async () => {
    const warnings = await db.all<{ source_row: number; reason: string }>(
      "SELECT source_row, reason FROM load_warnings ORDER BY source_row, reason",
    );
    const of = (row: number) => warnings.filter((w) => w.source_row === row).map((w) => w.reason);
    expect(of(1)).toEqual(["code-normalised", "code-normalised"]);
    expect(of(2)).toEqual(["date-format", "date-format", "lsoa-unknown"]);
    expect(of(3)).toEqual(["age-unknown", "code-normalised", "ethnos-unknown", "sex-unknown"]);
    expect(of(8)).toEqual(["code-invalid-dropped", "provider-unknown"]);
    expect(of(10)).toEqual(["date-format", "date-format", "lsoa-missing"]);
  });

  it("writes a data-quality report with field completeness by provider and month", () => {
    expect(summary.report && existsSync(summary.report)).toBe(true);
    const report = JSON.parse(readFileSync(summary.report as string, "utf8"));
    // Warned: 1001, 1002, 1003, 1008 and 1010 (1009's X filler is HES's own form, not a problem).
    expect(report.quality.rows).toEqual({ read: 10, accepted: 6, quarantined: 4, warned: 5 });
    expect(report.quality.byProvider.map((p: { procode: string }) => p.procode).sort()).toEqual([
      "RX1",
      "RX9",
    ]);
    expect(report.quality.byMonth.length).toBeGreaterThan(1);
    expect(report.quality.impossibleCodes).toEqual(
      expect.arrayContaining([{ field: "opertn_01", value: "Q9Q9", rows: 1 }]),
    );
    expect(report.quality.columns.diag_01).toBe("DIAG_4_01");
  });

  it("adds nothing when the same file is loaded again", async () => {
    const [again] = await ingest(db, fixture("apc_mixed.csv"));
    expect(again?.skipped).toBe(true);
    expect(await db.all("SELECT count(*) AS n FROM apc_episodes")).toEqual([{ n: 6 }]);
    expect(await db.all("SELECT count(*) AS n FROM loads")).toEqual([{ n: 1 }]);
  });
});

describe("ingestActivity failures", () => {
  it("leaves the store as it was when a load fails part-way", async () => {
    const db = await storeWithReference();
    await expect(
      ingest(db, fixture("apc_mixed.csv"), {
        beforeCommit: () => {
          throw new Error("disk full");
        },
      }),
    ).rejects.toThrow("disk full");
    for (const table of ["apc_episodes", "quarantine", "load_warnings", "loads"])
      expect(await db.all(`SELECT count(*) AS n FROM ${table}`)).toEqual([{ n: 0 }]);
  });

  it("reads the same extract as Parquet, every column text", async () => {
    const db = await storeWithReference();
    const parquet = join(mkdtempSync(join(tmpdir(), "ebi-")), "apc.parquet");
    await db.run(
      `COPY (SELECT * FROM read_csv('${fixture("apc_mixed.csv")}', all_varchar = true)) TO '${parquet}' (FORMAT parquet)`,
    );
    const [summary] = await ingest(db, parquet);
    expect(summary?.rows_accepted).toBe(6);
    const rows = await db.all<{ source_row: number }>(
      "SELECT source_row FROM quarantine ORDER BY source_row",
    );
    expect(rows.map((r) => r.source_row)).toEqual([4, 5, 6, 7]);
  });

  it.each([
    ["empty.csv", "EBI_FILE_EMPTY"],
    ["header_only.csv", "EBI_FILE_EMPTY"],
    ["binary.csv", "EBI_FILE_UNREADABLE"],
    ["wrong_columns.csv", "EBI_FILE_COLUMNS"],
    ["latin1.csv", "EBI_FILE_ENCODING"],
    ["no_such_file.csv", "EBI_FILE_UNREADABLE"],
  ])("gives %s one clear error naming the file (%s)", async (name, code) => {
    const db = await openStore(":memory:");
    const error = await ingest(db, fixture(name)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe(code);
    expect((error as InputError).message).toContain(name);
    expect(await db.all("SELECT count(*) AS n FROM loads")).toEqual([{ n: 0 }]);
  });
});

describe("ingestActivity reading a CSV through a Parquet copy", () => {
  it("numbers rows in file order and leaves no copy behind, after a load and after a failed one", async () => {
    const home = mkdtempSync(join(tmpdir(), "ebi-csv-copy-"));
    const db = await openStore(join(home, "store.duckdb"));
    try {
      const copies = () =>
        existsSync(join(home, ".spill"))
          ? readdirSync(join(home, ".spill")).filter((f) => f.startsWith("ingest-"))
          : [];
      const [loaded] = (await ingest(db, fixture("apc_mixed.csv"))) as [LoadSummary];
      expect(loaded.rows_read).toBe(10);
      const rows = await db.all<{ source_row: number; epikey: string }>(
        "SELECT source_row, epikey FROM apc_episodes ORDER BY source_row",
      );
      const lines = readFileSync(fixture("apc_mixed.csv"), "utf8").trim().split("\n").slice(1);
      for (const row of rows) expect(lines[row.source_row - 1]?.startsWith(`${row.epikey},`)).toBe(true);
      expect(copies()).toEqual([]);
      await expect(ingest(db, fixture("apc_mixed.csv").replace("apc_mixed", "header_only"))).rejects.toThrow(
        InputError,
      );
      expect(copies()).toEqual([]);
    } finally {
      db.close();
    }
  });
});

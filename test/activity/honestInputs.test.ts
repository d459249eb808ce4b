import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ingestActivity, type LoadSummary } from "../../src/activity/index.ts";
import type { Database } from "../../src/db/index.ts";
import { quietEffects } from "../../src/effects/index.ts";
import { openStore } from "../../src/store/index.ts";

const fixture = (name: string) => join(import.meta.dirname, "../fixtures/activity", name);
const work = mkdtempSync(join(tmpdir(), "ebi-honest-"));
const reportsDir = join(work, "reports");

async function store(): Promise<Database> {
  const db = await openStore(":memory:");
  await db.run(`INSERT INTO ref_organisations (code, name, level, parent_code, source) VALUES
    ('RX1', 'Trust', 'provider', NULL, 't'), ('01A', 'Place A', 'sub_icb', 'QX1', 't')`);
  return db;
}
const ingest = async (db: Database, file: string) =>
  (await ingestActivity(db, { kind: "apc", files: [file], reportsDir }, quietEffects()))[0] as LoadSummary;
const day = (d: Date | null) => d?.toISOString().slice(0, 10) ?? null;

describe("dates that are not dates", () => {
  let db: Database;
  let summary: LoadSummary;
  beforeAll(async () => {
    db = await store();
    summary = await ingest(db, fixture("apc_dates.csv"));
  });

  it("reads a value as a date only when all of it is one: 2019-01-18xyz is not", async () => {
    const rows = await db.all<{ source_row: number; field: string; value: string; reason: string }>(
      "SELECT source_row, field, value, reason FROM quarantine",
    );
    // Row 2 has no admission date to stand in for its start.
    expect(rows).toEqual([
      { source_row: 2, field: "epistart", value: "2019-01-18xyz", reason: "date-invalid" },
    ]);
    expect(summary.rows_accepted).toBe(5);
  });

  it("warns with the value whenever a date is replaced by another or left empty", async () => {
    const warnings = await db.all<{ source_row: number; field: string; value: string; reason: string }>(
      `SELECT source_row, field, value, reason FROM load_warnings
       WHERE reason IN ('date-replaced', 'date-invalid-dropped') ORDER BY source_row, field`,
    );
    expect(warnings).toEqual([
      { source_row: 1, field: "epistart", value: "2019-01-18xyz", reason: "date-replaced" },
      { source_row: 3, field: "disdate", value: "31/02/2019", reason: "date-invalid-dropped" },
      { source_row: 3, field: "epiend", value: "2019-02-3x", reason: "date-invalid-dropped" },
      { source_row: 4, field: "admidate", value: "March 2019", reason: "date-replaced" },
    ]);
    const episodes = await db.all<{
      epikey: string;
      epistart: Date;
      admidate: Date;
      epiend: Date | null;
      disdate: Date | null;
    }>("SELECT epikey, epistart, admidate, epiend, disdate FROM apc_episodes ORDER BY epikey");
    const of = (key: string) => episodes.find((e) => e.epikey === key);
    expect(day(of("3001")?.epistart ?? null)).toBe("2019-01-18");
    expect(of("3003")?.epiend).toBeNull();
    expect(day(of("3004")?.admidate ?? null)).toBe("2019-03-01");
    // ISO with a time, and YYYYMMDD, are dates.
    expect(day(of("3006")?.epistart ?? null)).toBe("2019-04-01");
    expect(day(of("3006")?.epiend ?? null)).toBe("2019-04-01");
    expect(day(of("3006")?.disdate ?? null)).toBe("2019-04-02");
  });

  it("counts replaced and emptied values in the quality report", () => {
    expect(summary.quality?.replaced).toEqual([
      { field: "admidate", reason: "date-replaced", rows: 1 },
      { field: "disdate", reason: "date-invalid-dropped", rows: 1 },
      { field: "epiend", reason: "date-invalid-dropped", rows: 1 },
      { field: "epistart", reason: "date-replaced", rows: 1 },
    ]);
  });
});

describe("one bad row in a CSV", () => {
  const header = "EPIKEY,EPISTART,ADMIMETH,PROCODE3,CCG_RESPONSIBILITY,DIAG_4_01,OPERTN_4_01,TRETSPEF";
  const good = (key: number) => `${key},2019-05-01,11,RX1,01A,M171,W851,110`;
  let db: Database;
  let summary: LoadSummary;
  let lines: string[];
  beforeAll(async () => {
    lines = Array.from({ length: 3000 }, (_, i) => good(i + 1));
    lines[9] = "10,2019-05-01,11,RX1,01A,M171,W851,110,EXTRA"; // one field too many
    lines[19] = "20,2019-05-01,11,RX1"; // too few
    lines[29] = `30,2019-05-01,11,RX1,01A,"${"A".repeat(3 * 1024 * 1024)}",W851,110`; // a field over 2 MB
    lines[39] = '40,2019-05-01,11,RX1,01A,M171,W851,"a note\nover two lines"'; // one row, two lines
    lines[2499] = "2500,2019-05-01,11"; // far beyond any sample
    const file = join(work, "bad_rows.csv");
    writeFileSync(file, `${header}\n${lines.join("\n")}\n`);
    db = await store();
    summary = await ingest(db, file);
  });

  it("quarantines just those rows, each with its own row number, field and reason", async () => {
    const rows = await db.all<{
      source_row: number;
      field: string | null;
      value: string;
      reason: string;
      detail: string;
    }>("SELECT source_row, field, value, reason, detail FROM quarantine ORDER BY source_row");
    expect(rows.map((r) => [r.source_row, r.reason])).toEqual([
      [10, "row-ragged"],
      [20, "row-ragged"],
      [30, "row-too-long"],
      [2500, "row-ragged"],
    ]);
    expect(rows[0]?.value).toBe("10,2019-05-01,11,RX1,01A,M171,W851,110,EXTRA");
    expect(rows[1]?.field).toBe("CCG_RESPONSIBILITY");
    expect(rows[2]?.value.length).toBeLessThan(300);
    expect(rows[2]?.detail).toMatch(/line size/i);
    expect(summary).toMatchObject({ rows_read: 3000, rows_accepted: 2996, rows_quarantined: 4 });
  });

  it("numbers the rows kept by their place in the file, after the rejected ones", async () => {
    const kept = await db.all<{ source_row: number; epikey: string }>(
      "SELECT source_row, epikey FROM apc_episodes ORDER BY source_row",
    );
    expect(kept).toHaveLength(2996);
    for (const row of kept) expect(row.source_row, row.epikey).toBe(Number(row.epikey));
    const quoted = await db.all<{ tretspef: string }>(
      "SELECT tretspef FROM apc_episodes WHERE epikey = '40'",
    );
    expect(quoted[0]?.tretspef).toBe("a note\nover two lines");
  });
});

describe("Parquet columns of the wrong type", () => {
  it.each([
    ["sex as a decimal", "CAST(sex AS DOUBLE) AS sex", "sex", "DOUBLE"],
    ["a struct date", "{'y': 2019, 'm': 5} AS epistart", "epistart", "STRUCT"],
    ["a list of codes", "[diag_4_01] AS diag_4_01", "diag_01", "[]"],
  ])("names %s: file, field and type", async (_name, column, field, type) => {
    const db = await store();
    const file = join(work, `${field}.parquet`);
    await db.run(
      `COPY (SELECT * REPLACE (${column}) FROM (SELECT '1' AS epikey, '2019-05-01' AS epistart, '1' AS sex, 'M171' AS diag_4_01, 'W851' AS opertn_4_01))
       TO '${file}' (FORMAT parquet)`,
    );
    const error = await ingest(db, file).catch((e) => e);
    expect(error.code).toBe("EBI_FILE_COLUMN_TYPE");
    expect(error.location).toMatchObject({ file, field });
    expect(String(error.location.value)).toContain(type);
    db.close();
  });

  it("reads whole numbers and DATE columns as the fields they are", async () => {
    const db = await store();
    const file = join(work, "typed.parquet");
    await db.run(
      `COPY (SELECT 1 AS epikey, DATE '2019-05-01' AS epistart, 2::TINYINT AS sex, 11 AS admimeth, 'M171' AS diag_4_01, 'W851' AS opertn_4_01)
       TO '${file}' (FORMAT parquet)`,
    );
    expect((await ingest(db, file)).rows_accepted).toBe(1);
    const [row] = await db.all<{ sex: string }>("SELECT sex FROM apc_episodes");
    expect(row?.sex).toBe("2");
  });
});

describe("paths that are not extracts", () => {
  it("names a directory given as a file", async () => {
    const db = await store();
    const dir = join(work, "a-folder.csv");
    mkdirSync(dir, { recursive: true });
    const error = await ingest(db, dir).catch((e) => e);
    expect(error.code).toBe("EBI_PATH_IS_DIRECTORY");
    expect(error.message).toContain(dir);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hesApcLayout, type InputLayout, text } from "../../src/activity/inputLayouts.ts";
import { stageActivityFile } from "../../src/activity/stageActivityFile.ts";
import { allOn, runOn } from "../../src/db/index.ts";
import { openStore } from "../../src/store/index.ts";

const file = join(import.meta.dirname, "..", "fixtures", "activity", "apc_mixed.csv");
const clock = { now: () => new Date("2024-06-01T12:00:00Z") };

/** Stages the fixture by `layout` into an empty store table `storeTable` and returns the staged rows. */
async function stage(layout: InputLayout, storeTable: string) {
  const dir = mkdtempSync(join(tmpdir(), "ebi-layout-"));
  const db = await openStore(join(dir, "store.duckdb"));
  try {
    return await db.withConnection(async (connection) => {
      await runOn(connection, storeTable);
      await stageActivityFile(connection, { kind: "apc", file, table: "staged", clock, layout });
      return allOn<Record<string, unknown>>(connection, "SELECT * FROM staged ORDER BY source_row");
    });
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A layout no module ships: the same file keyed by patient, keeping three columns. */
const byPatient: InputLayout = {
  ...hesApcLayout,
  table: "patient_visits",
  key: "hesid",
  checks: [],
  columns: { hesid: "key_n", epistart: "start_n", tretspef: text("tretspef") },
};

const reasonsOf = (row: Record<string, unknown>) =>
  (row.problems as { reason: string; field: string }[]).map((p) => `${p.field}:${p.reason}`);

describe("an input layout described as data", () => {
  it("is staged by the one generic step: its key, columns and quarantine follow the description", async () => {
    const shipped = await stage(hesApcLayout, "SELECT 1");
    // Its store table is what a migration would add: the key column the duplicate check joins on.
    const described = await stage(
      byPatient,
      "CREATE TABLE patient_visits (hesid VARCHAR, epistart DATE, tretspef VARCHAR)",
    );
    expect(Object.keys(described[0] ?? {})).toEqual([
      "source_row",
      "hesid",
      "epistart",
      "tretspef",
      "problems",
      "quarantined",
    ]);
    expect(described).toHaveLength(shipped.length);
    // Row 4 repeats episode 1001 of patient P1; row 5 has a patient but no episode key.
    expect(reasonsOf(shipped[3] ?? {})).toContain("epikey:duplicate");
    expect(reasonsOf(shipped[4] ?? {})).toContain("epikey:missing-key");
    expect(reasonsOf(described[3] ?? {})).toContain("hesid:duplicate");
    expect(described[4]).toMatchObject({ hesid: "P5", tretspef: "110", quarantined: false });
    expect(shipped[4]?.quarantined).toBe(true);
    // The shared checks still run: a start that is not a date is quarantined under either layout.
    expect(reasonsOf(described[5] ?? {})).toContain("epistart:date-invalid");
    expect(described.filter((r) => r.quarantined).map((r) => r.hesid)).toEqual(["P1", "P6", "P7"]);
  });
});

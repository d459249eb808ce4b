import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { allOn, Database, quoteLiteral } from "../../../src/db/index.ts";
import { quietEffects } from "../../../src/effects/index.ts";
import { isEbiError } from "../../../src/errors/index.ts";
import {
  measureFolder,
  measureOnConnection,
  measuresMemoryLimit,
  ttMemoryLimit,
} from "../../../src/products/talking-therapies/measureFolder.ts";

const traps = "test/fixtures/talking-therapies/traps";
const period = { from: "2024-04-01", to: "2025-03-31" };

function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, "utf8").trim().split("\n");
  const columns = (header ?? "").split(",");
  return lines.map((line) => {
    // Only the quarantine's reason column carries quoted commas; measures never do.
    const cells =
      line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((c) => c.replace(/,$/, "").replace(/^"|"$/g, "")) ?? [];
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? ""]));
  });
}

function value(
  rows: Record<string, string>[],
  orgType: string,
  org: string,
  name: string,
  statistic: string,
) {
  const row = rows.find(
    (r) =>
      r.org_type === orgType &&
      r.org_code === org &&
      r.measure_name === name &&
      r.measure_statistic === statistic,
  );
  return row === undefined ? undefined : Number(row.value);
}

describe("measureFolder on the hand-worked trap fixture", () => {
  let dir: string;
  let rows: Record<string, string>[];
  let flags: Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tt-measures-"));
    await measureFolder({ input: traps, ...period, output: join(dir, "out.csv") }, quietEffects());
    rows = readCsv(join(dir, "out.csv"));
    const db = await Database.open(":memory:");
    try {
      flags = await db.withConnection(async (connection) => {
        await measureOnConnection(
          connection,
          { input: traps, ...period, output: join(dir, "again.csv") },
          quietEffects(),
        );
        const all = await allOn<Record<string, unknown>>(
          connection,
          "SELECT * FROM tt_period ORDER BY PathwayID",
        );
        return Object.fromEntries(all.map((r) => [String(r.PathwayID), r]));
      });
    } finally {
      db.close();
    }
  });

  it("writes exactly the national long-format columns", () => {
    const header = readFileSync(join(dir, "out.csv"), "utf8").split("\n")[0];
    expect(header).toBe("org_type,org_code,measure_name,measure_statistic,value,measure_id");
  });

  it("counts England's annual measures as worked by hand", () => {
    const england = (name: string, statistic = "count") => value(rows, "England", "All", name, statistic);
    expect(england("referrals_received")).toBe(11);
    expect(england("finished_course_treatment")).toBe(8);
    expect(england("at_caseness")).toBe(6);
    expect(england("not_at_caseness")).toBe(1);
    expect(england("recovery")).toBe(2);
    expect(england("recovery", "percentage")).toBeCloseTo((100 * 2) / 7, 10);
    expect(england("reliable_recovery", "percentage")).toBeCloseTo((100 * 2) / 7, 10);
    expect(england("improvement")).toBe(3);
    expect(england("improvement", "percentage")).toBe(37.5);
    expect(england("deterioration", "percentage")).toBe(12.5);
    expect(england("no_reliable_change")).toBe(2);
    expect(england("no_reliable_change", "percentage")).toBe(25);
  });

  it("counts each provider and each commissioner on its own", () => {
    expect(value(rows, "Provider", "RMY", "finished_course_treatment", "count")).toBe(6);
    expect(value(rows, "Provider", "RMY", "recovery", "percentage")).toBe(40);
    expect(value(rows, "Provider", "RAT", "improvement", "percentage")).toBe(50);
    expect(value(rows, "Sub-ICB", "06H", "not_at_caseness", "count")).toBe(1);
    expect(value(rows, "Sub-ICB", "26A", "no_reliable_change", "percentage")).toBe(20);
    expect(new Set(rows.map((r) => r.org_code))).toEqual(new Set(["All", "RMY", "RAT", "06H", "26A"]));
  });

  it("keeps a finished referral with no scores in the recovery denominator", () => {
    expect(flags.P3).toMatchObject({
      finished: true,
      at_caseness: false,
      not_at_caseness: false,
      recovery: false,
    });
  });

  it("does not count follow-up appointments as treatment", () => {
    expect(flags.P5).toMatchObject({ treatment_count: 1, finished: false });
  });

  it("does not count appointments the patient did not attend", () => {
    expect(flags.P7).toMatchObject({ treatment_count: 1, finished: false });
  });

  it("treats a second referral of the same person as its own pathway", () => {
    expect(flags.P6).toMatchObject({
      LocalPatientId: "E",
      finished: true,
      deterioration: true,
      recovery: false,
    });
    expect(flags.P5?.finished).toBe(false);
  });

  it("keeps the latest submission of a referral and of a contact", () => {
    // The older P2 record had no discharge and the older C201 was a DNA; the later ones win.
    expect(flags.P2).toMatchObject({ finished: true, treatment_count: 2, no_reliable_change: true });
  });

  it("takes first and last scores by date, not file order", () => {
    expect(flags.P1).toMatchObject({ phq9_first: 18, phq9_last: 6, anxiety_first: 14, anxiety_last: 5 });
    expect(flags.P1).toMatchObject({ recovery: true, improvement: true, reliable_recovery: true });
  });

  it("ignores scores from a follow-up after the discharge", () => {
    // P1 has a follow-up (AppType 06) on 2024-10-01 with PHQ-9 20 and GAD-7 15, after its discharge.
    expect(flags.P1).toMatchObject({ treatment_count: 3, phq9_last: 6, anxiety_last: 5, recovery: true });
  });

  it("counts a drop of exactly the reliable-change value as reliable improvement", () => {
    expect(flags.P9).toMatchObject({
      phq9_first: 20,
      phq9_last: 14,
      improvement: true,
      recovery: false,
      received: false,
    });
  });

  it("needs paired scores on both measures for improvement, deterioration and no change", () => {
    expect(flags.P8).toMatchObject({
      at_caseness: true,
      improvement: false,
      no_reliable_change: false,
      recovery: false,
    });
  });

  it("falls back to GAD-7 when the descriptor's measure is unconfirmed", () => {
    expect(flags.P13).toMatchObject({
      descriptor_group: "Social phobia",
      recommended_tool: "spin",
      anxiety_tool: "gad7",
      reliable_recovery: true,
    });
  });

  it("picks the primary problem descriptor", () => {
    expect(flags.P1?.descriptor_group).toBe("Depression");
  });

  it("quarantines bad rows with file, row, field, value and reason, and their orphans", () => {
    const quarantine = readCsv(join(dir, "out.quarantine.csv"));
    expect(quarantine.map((q) => [q.table, q.row, q.field, q.value])).toEqual([
      ["IDS101Referral", "14", "ReferralRequestReceivedDate", "not-a-date"],
      ["IDS201CareContact", "5", "AttendOrDNACode", "X"],
      ["IDS201CareContact", "31", "PathwayID", "P99"],
      ["IDS607CodedScoreAssessmentAct", "19", "PersScore", "abc"],
    ]);
    expect(quarantine.every((q) => q.file?.endsWith(".csv") && (q.reason ?? "").length > 0)).toBe(true);
  });

  it("records inputs, thresholds and method in the provenance", () => {
    const provenance = JSON.parse(readFileSync(join(dir, "out.provenance.json"), "utf8"));
    expect(provenance.thresholds.version).toBe("2025.1");
    expect(provenance.inputs.find((i: { table: string }) => i.table === "IDS101Referral")).toMatchObject({
      rows: 14,
      accepted: 12,
      quarantined: 1,
      superseded: 1,
    });
  });
});

describe("measureFolder input layouts", () => {
  it("reads Parquet tables and v2.0 and export column names to the same figures", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tt-layouts-"));
    const input = join(dir, "in");
    mkdirSync(input);
    for (const file of readdirSync(traps)) copyFileSync(join(traps, file), join(input, file));
    const db = await Database.open(":memory:");
    try {
      // Referrals as Parquet with v2.0 / export names; contacts renamed too.
      await db.run(
        `COPY (SELECT PathwayID AS Pathway_ID, LocalPatientId AS Person_ID, OrgID_Provider AS OrgIDProv, OrgIDComm,
                      ReferralRequestReceivedDate AS ReferralReceivedDate, SourceOfReferralMH AS SourceOfReferralIAPT,
                      ServDischDate AS DischargeDate, EndCode, ReportingPeriodEndDate
               FROM read_csv(${quoteLiteral(join(traps, "IDS101Referral.csv"))}, all_varchar = true))
         TO ${quoteLiteral(join(input, "IDS101Referral.parquet"))} (FORMAT parquet)`,
      );
      await db.run(
        `COPY (SELECT PathwayID, CareContactId AS CareContactID, CareContDate AS ContactDate, AppType AS AppointmentType,
                      AttendOrDNACode AS ATTENDED, ConsMechanism AS ConsMediumUsed, ReportingPeriodEndDate
               FROM read_csv(${quoteLiteral(join(traps, "IDS201CareContact.csv"))}, all_varchar = true))
         TO ${quoteLiteral(join(input, "IDS201CareContact.csv"))} (HEADER)`,
      );
    } finally {
      db.close();
    }
    const { rmSync } = await import("node:fs");
    rmSync(join(input, "IDS101Referral.csv"));
    await measureFolder({ input, ...period, output: join(dir, "out.csv") }, quietEffects());
    const expected = readFileSync(join(dir, "out.csv"), "utf8");
    const reference = mkdtempSync(join(tmpdir(), "tt-reference-"));
    await measureFolder({ input: traps, ...period, output: join(reference, "out.csv") }, quietEffects());
    expect(expected).toBe(readFileSync(join(reference, "out.csv"), "utf8"));
  });

  it("names a missing required table", async () => {
    const input = mkdtempSync(join(tmpdir(), "tt-missing-"));
    copyFileSync(join(traps, "IDS101Referral.csv"), join(input, "IDS101Referral.csv"));
    const error = await measureFolder(
      { input, ...period, output: join(input, "o.csv") },
      quietEffects(),
    ).catch((e) => e);
    expect(isEbiError(error) && error.code).toBe("EBI_TT_TABLE_MISSING");
    expect(error.message).toContain("IDS201CareContact");
  });

  it("names the missing column and the names it accepts", async () => {
    const input = mkdtempSync(join(tmpdir(), "tt-columns-"));
    copyFileSync(join(traps, "IDS101Referral.csv"), join(input, "IDS101Referral.csv"));
    writeFileSync(
      join(input, "IDS201CareContact.csv"),
      "PathwayID,CareContDate,AppType,AttendOrDNACode\nP1,2024-05-01,02,5\n",
    );
    const error = await measureFolder(
      { input, ...period, output: join(input, "o.csv") },
      quietEffects(),
    ).catch((e) => e);
    expect(isEbiError(error) && error.code).toBe("EBI_FILE_COLUMNS");
    expect(error.message).toMatch(/CareContactId.*CareContactID/);
  });

  it("refuses an empty file and a binary file with typed errors", async () => {
    const input = mkdtempSync(join(tmpdir(), "tt-bad-"));
    copyFileSync(join(traps, "IDS101Referral.csv"), join(input, "IDS101Referral.csv"));
    writeFileSync(join(input, "IDS201CareContact.csv"), "");
    const empty = await measureFolder(
      { input, ...period, output: join(input, "o.csv") },
      quietEffects(),
    ).catch((e) => e);
    expect(isEbiError(empty) && empty.code).toBe("EBI_FILE_EMPTY");
    writeFileSync(join(input, "IDS201CareContact.csv"), Buffer.from([0, 1, 2, 3, 0, 255]));
    const binary = await measureFolder(
      { input, ...period, output: join(input, "o.csv") },
      quietEffects(),
    ).catch((e) => e);
    expect(isEbiError(binary) && binary.code).toBe("EBI_FILE_UNREADABLE");
  });

  it("rejects a period that is not a real date", async () => {
    const error = await measureFolder(
      { input: traps, from: "2024-02-30", to: "2025-03-31", output: "/tmp/x.csv" },
      quietEffects(),
    ).catch((e) => e);
    expect(isEbiError(error) && error.code).toBe("EBI_USAGE");
  });
});

describe("the memory limit talking-therapies commands give DuckDB", () => {
  it("is 2.5 GB, which keeps a national year's process under 4 GB, unless EBI_MEMORY_LIMIT says otherwise", () => {
    const saved = process.env.EBI_MEMORY_LIMIT;
    try {
      delete process.env.EBI_MEMORY_LIMIT;
      expect(ttMemoryLimit()).toBe(measuresMemoryLimit);
      expect(measuresMemoryLimit).toBe("2.5GB");
      process.env.EBI_MEMORY_LIMIT = "1GB";
      expect(ttMemoryLimit()).toBe("1GB");
    } finally {
      if (saved === undefined) delete process.env.EBI_MEMORY_LIMIT;
      else process.env.EBI_MEMORY_LIMIT = saved;
    }
  });
});

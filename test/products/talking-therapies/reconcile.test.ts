import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Database } from "../../../src/db/index.ts";
import { quietEffects } from "../../../src/effects/index.ts";
import { isEbiError } from "../../../src/errors/index.ts";
import { ingestFolder } from "../../../src/products/talking-therapies/ingestFolder.ts";
import { readPublished } from "../../../src/products/talking-therapies/publishedMeasures.ts";
import {
  likelyCause,
  reconcileFigures,
  tolerance,
} from "../../../src/products/talking-therapies/reconcile.ts";

const parquet = "../shared/data/talking-therapies/measures_annual.parquet";
const none = { thinMonths: [], pairedShare: 1, otherProviders: [] };

describe("reconcileFigures", () => {
  const published = (measureName: string, statistic: string, raw: string) => ({
    orgType: "Provider",
    orgCode: "RMY",
    measureName,
    statistic,
    raw,
    value: /^[0-9.]+$/.test(raw) ? Number(raw) : null,
    suppressed: !/^[0-9.]+$/.test(raw),
  });

  it("agrees within rounding to the nearest 5 and differs beyond it", () => {
    const rows = reconcileFigures(
      [
        { measure_name: "finished_course_treatment", measure_statistic: "count", value: 24557 },
        { measure_name: "recovery", measure_statistic: "count", value: 12490 },
      ],
      [published("finished_course_treatment", "count", "24555"), published("recovery", "count", "12480")],
      none,
    );
    expect(rows.map((r) => [r.status, r.difference])).toEqual([
      ["agrees", 2],
      ["differs", 10],
    ]);
  });

  it("keeps a suppressed published value as suppressed", () => {
    const [row] = reconcileFigures(
      [{ measure_name: "not_at_caseness", measure_statistic: "count", value: 3 }],
      [published("not_at_caseness", "count", "*")],
      none,
    );
    expect(row).toMatchObject({ status: "suppressed", published: "*", difference: null });
  });

  it("allows half a unit of the published precision for percentages", () => {
    expect(tolerance("percentage", "53")).toBeCloseTo(0.5);
    expect(tolerance("percentage", "50.5")).toBeCloseTo(0.05);
  });

  it("names the causes the extract shows", () => {
    expect(likelyCause("referrals_received", -500, { ...none, thinMonths: ["2025-01"] })).toContain(
      "records missing for some months",
    );
    expect(likelyCause("recovery", -300, { ...none, pairedShare: 0.8 })).toContain("scores missing");
    expect(
      likelyCause("finished_course_treatment", -150, {
        ...none,
        otherProviders: [{ code: "NR5", pathways: 150 }],
      }),
    ).toContain("pathways counted in another provider (NR5: 150");
    expect(likelyCause("improvement", 40, none)).toBe(
      "differs beyond rounding; no cause visible in the extract",
    );
  });
});

describe("readPublished", () => {
  it("reads RMY 2024-25 from the shared Parquet", async () => {
    const db = await Database.open(":memory:");
    try {
      const rows = await db.withConnection((c) =>
        readPublished(c, { file: parquet, orgCode: "RMY", from: "2024-04-01", to: "2025-03-31" }),
      );
      const finished = rows.find(
        (r) => r.measureName === "finished_course_treatment" && r.statistic === "count",
      );
      expect(finished?.value).toBe(24555);
    } finally {
      db.close();
    }
  });

  it("reads NHS England's wide CSV, keeping * as suppressed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tt-published-"));
    const file = join(dir, "annual.csv");
    writeFileSync(
      file,
      [
        "ReportingPeriodStartDate,ReportingPeriodEndDate,OrgType,OrgCode,OrgName,VariableType,VariableA,Count_FinishedCourseTreatment,Count_NotAtCaseness,Percentage_Recovery",
        "2024-04-01,2025-03-31,Provider,RMY,NSFT,Total,Total,24555,*,53",
        "2024-04-01,2025-03-31,Provider,RMY,NSFT,Gender,Male,9000,300,50",
      ].join("\n"),
    );
    const db = await Database.open(":memory:");
    try {
      const rows = await db.withConnection((c) =>
        readPublished(c, { file, orgCode: "RMY", from: "2024-04-01", to: "2025-03-31" }),
      );
      expect(rows.map((r) => [r.measureName, r.statistic, r.raw, r.suppressed])).toEqual([
        ["finished_course_treatment", "count", "24555", false],
        ["not_at_caseness", "count", "*", true],
        ["recovery", "percentage", "53", false],
      ]);
    } finally {
      db.close();
    }
  });
});

describe("ingestFolder", () => {
  it("leaves the stored tables untouched when a load fails", async () => {
    const home = mkdtempSync(join(tmpdir(), "tt-store-"));
    const db = await Database.open(join(home, "store.duckdb"));
    try {
      const first = await ingestFolder(
        db,
        { dir: "test/fixtures/talking-therapies/traps", reportsDir: join(home, "reports") },
        quietEffects(),
      );
      expect(first.tables.find((t) => t.table === "IDS101Referral")?.accepted).toBe(12);
      const bad = mkdtempSync(join(tmpdir(), "tt-bad-load-"));
      writeFileSync(
        join(bad, "IDS101Referral.csv"),
        "PathwayID,OrgID_Provider,ReferralRequestReceivedDate\nX1,RMY,2024-05-01\n",
      );
      const error = await ingestFolder(
        db,
        { dir: bad, reportsDir: join(home, "reports") },
        quietEffects(new Date("2026-01-02T00:00:00Z")),
      ).catch((e) => e);
      expect(isEbiError(error) && error.code).toBe("EBI_TT_TABLE_MISSING");
      const [count] = await db.all<{ n: number }>("SELECT count(*) AS n FROM tt_IDS101Referral");
      expect(count?.n).toBe(12);
      const loads = await db.all<{ n: number }>("SELECT count(*) AS n FROM tt_loads");
      expect(loads[0]?.n).toBe(1);
    } finally {
      db.close();
    }
  });
});

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Database, quoteLiteral } from "../../../src/db/index.ts";
import { quietEffects } from "../../../src/effects/index.ts";
import { generateService } from "../../../src/products/talking-therapies/demo/generateService.ts";
import {
  outcomeMix,
  rmy202425,
  type ServiceTargets,
} from "../../../src/products/talking-therapies/demo/publishedTargets.ts";
import { reconcileFolder } from "../../../src/products/talking-therapies/reconcileService.ts";

const parquet = "../shared/data/talking-therapies/measures_annual.parquet";
const period = { from: "2024-04-01", to: "2025-03-31" };

describe("publishedTargets", () => {
  it("ships exactly RMY's published 2024-25 totals", async () => {
    const db = await Database.open(":memory:");
    try {
      const rows = await db.all<{ measure_name: string; value: string }>(
        `SELECT measure_name, value FROM ${quoteLiteral(parquet)} WHERE org_code = 'RMY' AND reporting_period = '2024-25'
         AND variable_type = 'Total' AND measure_statistic = 'count'`,
      );
      for (const row of rows)
        expect(rmy202425[row.measure_name as keyof ServiceTargets], row.measure_name).toBe(Number(row.value));
      expect(rows).toHaveLength(9);
    } finally {
      db.close();
    }
  });

  it("splits finished courses into categories that add back to the targets", () => {
    const mix = outcomeMix(rmy202425);
    expect(Object.values(mix).reduce((a, b) => a + b, 0)).toBe(rmy202425.finished_course_treatment);
    expect(mix.recoveredImproved + mix.recoveredNotImproved).toBe(rmy202425.recovery);
    expect(mix.recoveredImproved + mix.improvedNotRecovered).toBe(rmy202425.improvement);
    expect(mix.notCaseness + mix.recoveredNotImproved + mix.noChangeAtCaseness).toBe(
      rmy202425.no_reliable_change,
    );
  });
});

describe("generateService", () => {
  it("reproduces RMY's published figures when generated without the local defects", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "tt-demo-")), "service");
    await generateService({ outDir: dir, defects: false }, quietEffects());
    const rows = await reconcileFolder(
      { input: dir, ...period, provider: "RMY", published: parquet },
      quietEffects(),
    );
    expect(rows.filter((r) => r.status !== "agrees")).toEqual([]);
    expect(rows.find((r) => r.measure_name === "finished_course_treatment")?.difference).toBe(0);
  }, 240_000);

  it("gives a local extract that differs in known ways, each with its cause", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "tt-demo-")), "service");
    await generateService({ outDir: dir }, quietEffects());
    const rows = await reconcileFolder(
      { input: dir, ...period, provider: "RMY", published: parquet },
      quietEffects(),
    );
    const by = (name: string, statistic = "count") =>
      rows.find((r) => r.measure_name === name && r.measure_statistic === statistic);
    expect(by("referrals_received")).toMatchObject({ status: "differs" });
    expect(by("referrals_received")?.cause).toContain(
      "records missing for some months (few referrals received in 2025-01)",
    );
    expect(by("finished_course_treatment")?.cause).toContain("pathways counted in another provider (ZZ001");
    expect(by("recovery", "percentage")?.cause).toContain("scores missing");
  }, 240_000);

  it("writes the same bytes for the same seed", async () => {
    const small: ServiceTargets = {
      ...rmy202425,
      referrals_received: 6447,
      finished_course_treatment: 2455,
      at_caseness: 2358,
      not_at_caseness: 88,
      recovery: 1248,
      reliable_recovery: 1175,
      improvement: 1674,
      deterioration: 128,
      no_reliable_change: 566,
    };
    const a = join(mkdtempSync(join(tmpdir(), "tt-seed-")), "a");
    const b = join(mkdtempSync(join(tmpdir(), "tt-seed-")), "b");
    await generateService({ outDir: a, seed: 7, targets: small }, quietEffects());
    await generateService({ outDir: b, seed: 7, targets: small }, quietEffects());
    for (const table of ["IDS101Referral.csv", "IDS201CareContact.csv", "IDS607CodedScoreAssessmentAct.csv"])
      expect(readFileSync(join(a, table)).equals(readFileSync(join(b, table))), table).toBe(true);
  });
});

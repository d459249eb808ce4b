import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ingestActivity } from "../../src/activity/index.ts";
import { Database } from "../../src/db/index.ts";
import { outpatientProfiles, outpatientShares, writeOutpatientYear } from "../../src/demo/outpatientYear.ts";
import { quietEffects } from "../../src/effects/index.ts";
import { loadRuleSets, writeEpisodeFlags } from "../../src/rules/index.ts";
import { openStore } from "../../src/store/index.ts";

/**
 * The streamed outpatient generator at a small scale (0.0004 of England, about 4,200 appointments
 * a month): one file a month, England's published shares within sampling error (three standard
 * errors at 12,700 rows is under 1.2 points), and files the ingest reads with only the planted
 * dirty rows quarantined.
 */
describe("the streamed outpatient year", () => {
  const dir = mkdtempSync(join(tmpdir(), "ebi-op-year-"));

  it("writes a month a file with England's shares of attended, first and procedure", async () => {
    const db = await Database.open(":memory:");
    const months = await db.withConnection((c) =>
      writeOutpatientYear(c, {
        referenceDir: join(import.meta.dirname, "../fixtures/reference"),
        dir,
        scale: 0.0004,
        start: "2023-04-01",
        end: "2023-06-30",
      }),
    );
    expect(months.map((m) => m.month)).toEqual(["2023-04", "2023-05", "2023-06"]);
    // 124.9 million a year × 0.0004 × 30/365.25 days
    expect(months[0]?.rows).toBe(Math.round((124_900_000 * 0.0004 * 30) / 365.25));
    const files = `read_parquet([${months.map((m) => `'${m.path}'`).join(", ")}], filename = true)`;
    const [shares] = await db.all<Record<string, number>>(
      `SELECT count(*) AS n, count(DISTINCT attendkey) AS keys,
        avg((attended IN ('5', '6'))::INTEGER) AS attended, avg((attended = '3')::INTEGER) AS dna,
        avg((attended IN ('2', '4'))::INTEGER) AS cancelled,
        avg((firstatt = '1')::INTEGER) FILTER (WHERE attended IN ('5', '6')) AS first,
        avg((opertn_01 IS NOT NULL)::INTEGER) FILTER (WHERE attended IN ('5', '6')) AS procedure,
        count(*) FILTER (WHERE opertn_01 IS NOT NULL AND attended NOT IN ('5', '6')) AS procedure_unseen,
        count(*) FILTER (WHERE left(apptdate, 7) <> regexp_extract(filename, 'op-([0-9-]+)', 1) AND apptdate LIKE '2%') AS wrong_month
       FROM ${files}`,
    );
    const n = months.reduce((sum, m) => sum + m.rows, 0);
    expect(shares?.n).toBe(n);
    expect(shares?.keys).toBe(n);
    expect(shares?.attended).toBeCloseTo(outpatientShares.attended, 1);
    expect(Math.abs((shares?.attended ?? 0) - 0.772)).toBeLessThan(0.012);
    expect(Math.abs((shares?.dna ?? 0) - 0.062)).toBeLessThan(0.007);
    expect(Math.abs((shares?.cancelled ?? 0) - 0.162)).toBeLessThan(0.01);
    expect(Math.abs((shares?.first ?? 0) - 0.322)).toBeLessThan(0.015);
    expect(Math.abs((shares?.procedure ?? 0) - outpatientShares.withProcedure)).toBeLessThan(0.015);
    expect(shares?.procedure_unseen).toBe(0);
    expect(shares?.wrong_month).toBe(0);
    db.close();
  });

  it("gives files the ingest reads, quarantining only the planted unreadable dates", async () => {
    const store = await openStore(":memory:");
    const month = join(dir, "op-2023-04.parquet");
    const [summary] = await ingestActivity(
      store,
      { kind: "op", files: [month], reportsDir: join(dir, "reports") },
      quietEffects(),
    );
    const [planted] = await store.all<{ n: number; lower: number }>(
      `SELECT count(*) FILTER (WHERE apptdate = '31/02/20x') AS n,
         count(*) FILTER (WHERE opertn_01 <> upper(opertn_01) AND apptdate <> '31/02/20x') AS lower
       FROM read_parquet('${month}')`,
    );
    expect(planted?.n).toBeGreaterThan(0);
    expect(planted?.lower).toBeGreaterThan(0);
    expect(summary?.rows_quarantined).toBe(planted?.n);
    expect((summary?.rows_accepted ?? 0) + (summary?.rows_quarantined ?? 0)).toBe(summary?.rows_read);
    expect(summary?.quality?.reasons.find((r) => r.reason === "code-normalised")?.rows).toBe(planted?.lower);
    store.close();
  });

  it("carries the programme's outpatient procedures at their yearly volumes, each counted by the rules", async () => {
    const store = await openStore(":memory:");
    const own = mkdtempSync(join(tmpdir(), "ebi-op-programme-"));
    const scale = 0.1;
    const [month] = await store.withConnection((c) =>
      writeOutpatientYear(c, {
        referenceDir: join(import.meta.dirname, "../fixtures/reference"),
        dir: own,
        scale,
        start: "2023-04-01",
        end: "2023-04-30",
      }),
    );
    if (!month) throw new Error("no month written");
    await ingestActivity(
      store,
      { kind: "op", files: [month.path], reportsDir: join(own, "reports") },
      quietEffects(),
    );
    await writeEpisodeFlags(store, await loadRuleSets(["ebi-list-1", "ebi-list-2"]));
    const profiles = outpatientProfiles();
    expect(profiles.map((p) => p.key).sort()).toEqual(["chalazia-op", "skin-lesion-op"]);
    for (const profile of profiles) {
      // Planted: attended, the profile's procedure first and its diagnosis first.
      const [planted] = await store.all<{ n: number; flagged: number }>(
        `SELECT count(*) AS n,
           count(*) FILTER (WHERE attendkey IN (SELECT record_key FROM episode_flags WHERE setting = 'op')) AS flagged
         FROM read_parquet($path)
         WHERE attended IN ('5', '6') AND list_contains(from_json($opertn, '["VARCHAR"]'), opertn_01)
           AND list_contains(from_json($diag, '["VARCHAR"]'), diag_01)`,
        {
          path: month.path,
          opertn: JSON.stringify(profile.primaryOpertn),
          diag: JSON.stringify(profile.primaryDiag),
        },
      );
      // A month's share of the year: 20,000 skin lesions × 0.1 × 30 / 365.25 is 164.3; four
      // standard errors of a Poisson count either side.
      const expected = (profile.annual * scale * 30) / 365.25;
      expect(Math.abs((planted?.n ?? 0) - expected)).toBeLessThan(4 * Math.sqrt(expected));
      expect(planted?.flagged).toBe(planted?.n);
    }
    const [flags] = await store.all<{ n: number }>(
      "SELECT count(*) AS n FROM episode_flags WHERE setting = 'op'",
    );
    expect(flags?.n).toBeGreaterThan(0);
    store.close();
  });
});

import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../src/db/index.ts";
import { hesAnalysisGuidePolicy } from "../../../src/disclosure/index.ts";
import { quietEffects } from "../../../src/effects/index.ts";
import { build } from "../../../src/products/ebi/build.ts";
import { readRelease } from "../../../src/products/ebi/release/readRelease.ts";
import { currentReleaseId } from "../../../src/release/releaseFiles.ts";
import { openStore } from "../../../src/store/index.ts";

/**
 * A hand-made country: one region R1, one ICB I1, sub-ICB locations S1, S2, S3, each with 10,000
 * men and 10,000 women aged 50–54. Knee arthroscopy spells in the List 1 baseline year:
 * S1 20, S2 40, S3 60, half in April 2017 and half in May 2017, men and women equally.
 *
 * Worked by hand (ESP 2013 weight of 50–54 = 7,000 in each sex; total standard 200,000):
 *   DSR = (7000·x♂/10000 + 7000·x♀/10000) / 200000 × 100000 = 0.35 × spells → 7, 14, 21.
 *   25th percentile (type 7) of 7, 14, 21: h = 2 × 0.25 = 0.5 → 7 + 0.5 × 7 = 10.5.
 *   Goals: S1 at or below → 20; S2 40 × 10.5/14 = 30; S3 60 × 10.5/21 = 30.
 *   Opportunity: 0, 10, 30 → ICB and England 40; goal 80 of 120.
 *   Trajectory: England's baseline is half April, half May → S2's April goal 15, June 0.
 *   Money: £1,264 × 10 = £12,640 for S2.
 */
async function handMadeStore(): Promise<Database> {
  const db = await openStore(":memory:");
  await db.run(`INSERT INTO ref_organisations (code, name, level, parent_code, source) VALUES
    ('R1', 'Region One', 'region', NULL, 't'), ('I1', 'ICB One', 'icb', 'R1', 't'),
    ('S1', 'Place One', 'sub_icb', 'I1', 't'), ('S2', 'Place Two', 'sub_icb', 'I1', 't'), ('S3', 'Place Three', 'sub_icb', 'I1', 't'),
    ('P1', 'Trust One', 'provider', 'I1', 't')`);
  await db.run(
    `INSERT INTO ref_lsoa_sub_icb VALUES ('L1', 'l1', 'S1', '2021'), ('L2', 'l2', 'S2', '2021'), ('L3', 'l3', 'S3', '2021')`,
  );
  await db.run(
    `INSERT INTO ref_imd VALUES ('L1', 10, 1, 1, '2025'), ('L2', 20, 2, 5, '2025'), ('L3', 30, 3, 10, '2025')`,
  );
  for (const lsoa of ["L1", "L2", "L3"])
    for (const sex of ["1", "2"])
      await db.run("INSERT INTO ref_population VALUES ($lsoa, 2017, $sex, 50, 10000, 'mid-2017')", {
        lsoa,
        sex,
      });
  let row = 0;
  const spells = { S1: 20, S2: 40, S3: 60 };
  for (const [sub, n] of Object.entries(spells)) {
    const lsoa = `L${sub.slice(1)}`;
    for (let k = 0; k < n; k++) {
      const month = k % 2 === 0 ? "2017-04-10" : "2017-05-10";
      const sex = k % 4 < 2 ? "1" : "2";
      // S1's spells each have a second matching episode: a spell counts once.
      const episodes = sub === "S1" ? 2 : 1;
      for (let e = 0; e < episodes; e++) {
        row++;
        await db.run(
          `INSERT INTO apc_episodes (load_id, source_row, epikey, spell_id, epistart, admidate, admimeth, age, sex, lsoa, imd_decile, procode, sub_icb_original, sub_icb, diag, opertn)
           VALUES ('l', $row, $key, $spell, $date::DATE, $date::DATE, '11', 52, $sex, $lsoa, NULL, 'P1', $sub, $sub, ['M171'], ['W851'])`,
          { row, key: `e${row}`, spell: `${sub}-${k}`, date: month, sex, lsoa, sub },
        );
      }
    }
  }
  // One snoring-surgery spell: a count of 1 that the public side must hide.
  await db.run(`INSERT INTO apc_episodes (load_id, source_row, epikey, spell_id, epistart, admidate, admimeth, age, sex, lsoa, procode, sub_icb, diag, opertn)
    VALUES ('l', 9998, 'snore', 'snore', DATE '2017-06-01', DATE '2017-06-01', '11', 40, '1', 'L1', 'P1', 'S1', ['R065'], ['F324'])`);
  // One unrelated episode in March 2018 closes the data period, so the latest 12 months = the baseline year.
  await db.run(`INSERT INTO apc_episodes (load_id, source_row, epikey, spell_id, epistart, admimeth, age, sex, sub_icb, diag, opertn)
    VALUES ('l', 9999, 'x', 'x', DATE '2018-03-15', '21', 70, '1', 'S1', ['J189'], [])`);
  await db.run(
    `INSERT INTO loads VALUES ('l', 'apc', 'hand-made', 1, 'abc', now()::TIMESTAMP, $n, $n, 0, 0)`,
    { n: row + 2 },
  );
  return db;
}

const knee = "ebi-list-1/knee-arthroscopy-osteoarthritis";

describe("build", () => {
  let releasesDir: string;
  let db: Database;
  beforeAll(async () => {
    db = await handMadeStore();
    releasesDir = mkdtempSync(join(tmpdir(), "ebi-releases-"));
    await build(db, { ruleSetIds: ["ebi-list-1"], releasesDir }, quietEffects());
  });

  it("sets goals with the published method, matching the worked example", async () => {
    const release = await readRelease(releasesDir);
    const row = (org: string, level = "sub_icb") => release.baselineOf.get(`${knee}|${level}|${org}`);
    expect(row("S1")?.dsr).toBeCloseTo(7, 9);
    expect(row("S2")?.dsr).toBeCloseTo(14, 9);
    expect(row("S3")?.dsr).toBeCloseTo(21, 9);
    expect(row("S1")?.goal_spells).toBeCloseTo(20, 9);
    expect(row("S2")?.goal_spells).toBeCloseTo(30, 9);
    expect(row("S3")?.goal_spells).toBeCloseTo(30, 9);
    expect(row("S2")?.goal_rate).toBeCloseTo(10.5, 9);
    expect(row("I1", "icb")?.opportunity_spells).toBeCloseTo(40, 9);
    expect(row("ENG", "england")?.goal_spells).toBeCloseTo(80, 9);
    expect(row("S2")?.opportunity_cost).toBeCloseTo(12_640, 6);
    const variation = release.variation.find((v) => v.intervention_id === knee);
    expect(variation?.p25).toBeCloseTo(10.5, 9);
    expect(variation?.n_fold).toBeCloseTo((14 + 0.8 * 7) / (7 + 0.2 * 7), 9);
  });

  it("counts a spell once when two of its episodes match", async () => {
    const release = await readRelease(releasesDir);
    expect(release.baselineOf.get(`${knee}|sub_icb|S1`)?.baseline_spells).toBe(20);
    expect(release.baselineOf.get(`${knee}|england|ENG`)?.baseline_spells).toBe(120);
  });

  it("spreads the goal over the year with England's baseline seasonal profile", async () => {
    const release = await readRelease(releasesDir);
    const trajectory = release.trajectoryOf.get(`${knee}|sub_icb|S2`) ?? [];
    expect(trajectory.find((t) => t.month === "2017-04-01")?.goal_spells).toBeCloseTo(15, 9);
    expect(trajectory.find((t) => t.month === "2017-06-01")?.goal_spells).toBeCloseTo(0, 9);
  });

  it("writes a manifest naming rule sets, inputs, periods and disclosure settings", async () => {
    const release = await readRelease(releasesDir);
    expect(release.manifest.rule_sets.map((s) => s.id)).toEqual(["ebi-list-1"]);
    expect(release.manifest.rule_sets[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(release.manifest.periods.latest).toEqual({ start: "2017-04-01", end: "2018-03-01" });
    expect(release.manifest.disclosure.threshold).toBe(5);
    expect(release.manifest.inputs[0]?.file).toBe("hand-made");
  });

  it("publishes no count from 1 to 5 on the public side", async () => {
    const release = await readRelease(releasesDir);
    const counts = [
      ...release.monthly.map((m) => m.spells),
      ...release.baselines.flatMap((b) => [b.baseline_spells, b.latest_spells]),
      ...release.equity.map((e) => e.spells),
    ];
    expect(counts.filter((c) => c !== null && c >= 1 && c <= 5)).toEqual([]);
    // The one snoring spell is redacted everywhere it would show (marked, not zeroed), England included.
    const snoring = release.baselineOf.get("ebi-list-1/snoring-surgery|sub_icb|S1");
    expect(snoring?.baseline_spells).toBeNull();
    expect(snoring?.suppressed).toBe("redacted");
    expect(release.baselineOf.get("ebi-list-1/snoring-surgery|england|ENG")?.baseline_spells).toBeNull();
  });

  it("leaves the published release current when a build fails before it is moved into place", async () => {
    const before = currentReleaseId(releasesDir);
    const folders = readdirSync(releasesDir).sort();
    await expect(
      build(
        db,
        { ruleSetIds: ["ebi-list-1"], releasesDir, beforeRename: () => Promise.reject(new Error("killed")) },
        quietEffects(new Date("2026-02-01T00:00:00Z")),
      ),
    ).rejects.toThrow("killed");
    expect(currentReleaseId(releasesDir)).toBe(before);
    expect(readdirSync(releasesDir).sort()).toEqual(folders);
    expect(existsSync(join(releasesDir, before ?? "", "manifest.json"))).toBe(true);
  });

  it("refuses a threshold of 0 for a public side and writes nothing", async () => {
    const folders = readdirSync(releasesDir).sort();
    await expect(
      build(
        db,
        { ruleSetIds: ["ebi-list-1"], releasesDir, threshold: 0 },
        quietEffects(new Date("2026-03-01T00:00:00Z")),
      ),
    ).rejects.toMatchObject({ code: "EBI_DISCLOSURE_UNSAFE" });
    expect(readdirSync(releasesDir).sort()).toEqual(folders);
  });

  it("writes a registered-only release with no public side and does not publish it", async () => {
    const before = currentReleaseId(releasesDir);
    const result = await build(
      db,
      { ruleSetIds: ["ebi-list-1"], releasesDir, threshold: 0, registeredOnly: true },
      quietEffects(new Date("2026-03-02T00:00:00Z")),
    );
    expect(result.published).toBe(false);
    expect(existsSync(join(result.dir, "public"))).toBe(false);
    expect(existsSync(join(result.dir, "registered", "monthly.parquet"))).toBe(true);
    expect(result.manifest.disclosure.registered_only).toBe(true);
    expect(currentReleaseId(releasesDir)).toBe(before);
  });

  it("records the HES Analysis Guide policy and rounds every published count to 5", async () => {
    const result = await build(
      db,
      { ruleSetIds: ["ebi-list-1"], releasesDir, policy: hesAnalysisGuidePolicy, publish: false },
      quietEffects(new Date("2026-03-03T00:00:00Z")),
    );
    expect(result.manifest.disclosure).toMatchObject({
      policy: "hes-analysis-guide",
      threshold: 7,
      rounding: 5,
    });
    expect(result.manifest.disclosure.statement).toContain("rounded to the nearest 5");
    const release = await readRelease(releasesDir, result.releaseId);
    const counts = [
      ...release.monthly.map((m) => m.spells),
      ...release.baselines.flatMap((b) => [b.baseline_spells, b.latest_spells]),
      ...release.equity.map((e) => e.spells),
    ].filter((c): c is number => c !== null);
    expect(counts.length).toBeGreaterThan(0);
    expect(counts.filter((c) => c % 5 !== 0 || (c >= 1 && c <= 7))).toEqual([]);
    // S1's 20, S2's 40 and S3's 60 are already multiples of 5; the ICB's 120 too.
    expect(release.baselineOf.get(`${knee}|sub_icb|S2`)?.baseline_spells).toBe(40);
  });
});

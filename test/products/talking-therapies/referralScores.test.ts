import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { allOn, Database } from "../../../src/db/index.ts";
import { quietEffects } from "../../../src/effects/index.ts";
import { measureFolder, measureOnConnection } from "../../../src/products/talking-therapies/measureFolder.ts";
import { stageTables } from "../../../src/products/talking-therapies/stageTables.ts";

// Three finished courses whose scores come partly or wholly from IDS606 (referral-level scores),
// worked by hand in the comments below.
const fixture = "test/fixtures/talking-therapies/referral-scores";
const period = { from: "2024-04-01", to: "2025-03-31" };

function englandValue(csv: string, name: string, statistic = "count"): number | undefined {
  const line = csv
    .trim()
    .split("\n")
    .find((l) => l.startsWith(`England,All,${name},${statistic},`));
  return line === undefined ? undefined : Number(line.split(",")[4]);
}

describe("referral-level scores (IDS606CodedScoreAssessmentRefer)", () => {
  let dir: string;
  let csv: string;
  let quarantine: string;
  let flags: Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tt-ids606-"));
    await measureFolder({ input: fixture, ...period, output: join(dir, "out.csv") }, quietEffects());
    csv = readFileSync(join(dir, "out.csv"), "utf8");
    quarantine = readFileSync(join(dir, "out.quarantine.csv"), "utf8");
    const db = await Database.open(":memory:");
    try {
      flags = await db.withConnection(async (connection) => {
        await measureOnConnection(
          connection,
          { input: fixture, ...period, output: join(dir, "again.csv") },
          quietEffects(),
        );
        const all = await allOn<Record<string, unknown>>(connection, "SELECT * FROM tt_period");
        return Object.fromEntries(all.map((r) => [String(r.PathwayID), r]));
      });
    } finally {
      db.close();
    }
  });

  it("takes a course's scores from IDS606 alone, keyed by the v2.x ServiceRequestId", () => {
    // R1: PHQ-9 15 → 7, GAD-7 12 → 6, all recorded for the referral: recovered, reliably improved.
    expect(flags.R1).toMatchObject({ phq9_first: 15, phq9_last: 7, anxiety_first: 12, anxiety_last: 6 });
    expect(flags.R1).toMatchObject({ recovery: true, improvement: true, reliable_recovery: true });
  });

  it("keeps the latest submission of a referral-level score", () => {
    // R1's first PHQ-9 was sent as 22 in submission 1 and corrected to 15 in submission 2.
    expect(flags.R1?.phq9_first).toBe(15);
  });

  it("orders referral-level and activity-level scores together by date", () => {
    // R2: first scores from IDS606 before treatment (12, 9), last from IDS607 (11, 9): no change.
    expect(flags.R2).toMatchObject({ phq9_first: 12, phq9_last: 11, anxiety_first: 9, anxiety_last: 9 });
    expect(flags.R2).toMatchObject({ at_caseness: true, recovery: false, no_reliable_change: true });
  });

  it("leaves out referral-level scores dated after the discharge", () => {
    // R3: IDS607 14 → 9 and 10 → 7; the IDS606 follow-up (20, 18) a month after discharge is ignored.
    expect(flags.R3).toMatchObject({ phq9_last: 9, anxiety_last: 7, recovery: true, deterioration: false });
    expect(flags.R3).toMatchObject({
      improvement: false,
      no_reliable_change: true,
      reliable_recovery: false,
    });
  });

  it("counts England's annual measures as worked by hand", () => {
    expect(englandValue(csv, "finished_course_treatment")).toBe(3);
    expect(englandValue(csv, "at_caseness")).toBe(3);
    expect(englandValue(csv, "not_at_caseness")).toBe(0);
    expect(englandValue(csv, "recovery")).toBe(2);
    expect(englandValue(csv, "recovery", "percentage")).toBeCloseTo((100 * 2) / 3, 10);
    expect(englandValue(csv, "reliable_recovery")).toBe(1);
    expect(englandValue(csv, "improvement", "percentage")).toBeCloseTo(100 / 3, 10);
    expect(englandValue(csv, "no_reliable_change")).toBe(2);
    expect(englandValue(csv, "deterioration")).toBe(0);
  });

  it("quarantines a total no PHQ-9 can give instead of letting it decide the outcome", () => {
    // R2's PHQ-9 of 30 on 2024-10-10 would otherwise be its last score, a reliable deterioration.
    expect(quarantine).toMatch(/IDS606CodedScoreAssessmentRefer,[^\n]*,PersScore,30,not a PHQ-9 total/);
    expect(flags.R2).toMatchObject({ phq9_last: 11, deterioration: false });
  });

  it("quarantines an unreadable score and a score for a referral that is not there", () => {
    expect(quarantine).toMatch(/IDS606CodedScoreAssessmentRefer,[^\n]*,PersScore,abc,/);
    expect(quarantine).toMatch(/IDS606CodedScoreAssessmentRefer,[^\n]*,PathwayID,R9,[^\n]*no referral/);
  });

  it("measures a store loaded before referral-level scores were read, as if it had none", async () => {
    const db = await Database.open(":memory:");
    try {
      const finished = await db.withConnection(async (connection) => {
        await stageTables(connection, fixture);
        await connection.run("DROP TABLE tt_IDS606CodedScoreAssessmentRefer");
        await measureOnConnection(connection, { ...period, output: join(dir, "store.csv") }, quietEffects());
        return allOn<{ PathwayID: string; phq9_first: number | null }>(
          connection,
          "SELECT PathwayID, phq9_first FROM tt_period ORDER BY PathwayID",
        );
      });
      // Without IDS606, R1 has no scores at all and R2's first PHQ-9 is its IDS607 one.
      expect(finished).toEqual([
        { PathwayID: "R1", phq9_first: null },
        { PathwayID: "R2", phq9_first: 11 },
        { PathwayID: "R3", phq9_first: 14 },
      ]);
    } finally {
      db.close();
    }
  });
});

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Database } from "../../../../src/db/index.ts";
import { quietEffects } from "../../../../src/effects/index.ts";
import { measureOnConnection } from "../../../../src/products/talking-therapies/measureFolder.ts";
import {
  type AtRiskRow,
  atRiskRows,
  type PractitionerRow,
  practitionerRows,
} from "../../../../src/products/talking-therapies/registered/practitionerDashboards.ts";

const traps = "test/fixtures/talking-therapies/traps";
let rows: PractitionerRow[];
let lastRule: PractitionerRow[];
let atRisk: AtRiskRow[];

beforeAll(async () => {
  const db = await Database.open(":memory:");
  try {
    await db.withConnection(async (c) => {
      const output = join(mkdtempSync(join(tmpdir(), "tt-prac-")), "m.csv");
      await measureOnConnection(
        c,
        { input: traps, from: "2024-04-01", to: "2025-03-31", output },
        quietEffects(),
      );
      rows = await practitionerRows(c, "RMY");
      lastRule = await practitionerRows(c, "RMY", "last-treatment");
      atRisk = await atRiskRows(c, "RMY");
    });
  } finally {
    db.close();
  }
});

const of = (id: string) => rows.find((r) => r.practitioner === id);

describe("practitioner dashboards on the hand-worked fixture", () => {
  it("lists only the provider's practitioners, with their latest qualification", () => {
    // T4 works only for RAT; T3's qualification is blank.
    expect(rows.map((r) => [r.practitioner, r.qualification])).toEqual([
      ["T1", "PWP"],
      ["T2", "CBT therapist"],
      ["T3", "No qualification recorded"],
    ]);
  });

  it("counts appointments, DNAs and treatment contacts per week in the period", () => {
    // T1: C101, C103, C105 (a follow-up, type 06), C401, C402; four are attended treatment.
    expect(of("T1")).toMatchObject({ appointments: 5, dna: 0, dna_rate: 0, treatment_per_week: 0.08 });
    // T2: C201 (resubmitted as attended), C202, C1301, C1302.
    expect(of("T2")).toMatchObject({ appointments: 4, dna: 0, treatment_per_week: 0.08 });
  });

  it("attributes each finished course to the practitioner with the most treatment contacts", () => {
    // T1: P1 (3 treatments) and P4 (2); P1 recovered, P4 started below caseness.
    expect(of("T1")).toMatchObject({
      finished: 2,
      sessions_mean: 2.5,
      at_caseness: 1,
      recovered: 1,
      recovery_rate: 100,
    });
    // T2: P2 (not recovered) and P13 (recovered on GAD-7 caseness).
    expect(of("T2")).toMatchObject({ finished: 2, at_caseness: 2, recovered: 1, recovery_rate: 50 });
    // T3: P6, which started at caseness and reliably deteriorated.
    expect(of("T3")).toMatchObject({
      finished: 1,
      recovered: 0,
      deteriorated: 1,
      deteriorated_below_caseness: 0,
    });
    expect(lastRule.map((r) => r.finished)).toEqual(rows.map((r) => r.finished));
  });

  it("expects recovery from the service's own rate for each course's step and first PHQ-9 band", () => {
    // Low intensity, PHQ-9 15–19: P1 alone, recovered (100%). High intensity, under 15: P2, P13, P6, one recovered.
    expect(of("T1")?.expected_rate).toBeCloseTo(100, 6);
    expect(of("T2")?.expected_rate).toBeCloseTo(100 / 3, 6);
    expect(of("T3")?.expected_rate).toBeCloseTo(100 / 3, 6);
    // 95% limits for T2: 1/3 ± 1.96·√(1/3 · 2/3 / 2).
    const se = Math.sqrt((1 / 3) * (2 / 3) * 0.5);
    expect(of("T2")?.lower95).toBeCloseTo(100 * Math.max(0, 1 / 3 - 1.96 * se), 6);
    expect(of("T2")?.upper95).toBeCloseTo(100 * (1 / 3 + 1.96 * se), 6);
    expect(of("T2")?.funnel).toBe("within");
  });

  it("puts open pathways with missing scores or a long gap on the at-risk list", () => {
    // P11 is open at the period end with two treatments, no scores, the last 30 days before the end.
    expect(atRisk).toEqual([
      {
        PathwayID: "P11",
        practitioner: null,
        commissioner: "26A",
        referral_date: "2025-01-10",
        treatments: 2,
        last_treatment_date: "2025-03-01",
        days_since_last_treatment: 30,
        reasons: "no PHQ-9 score; no anxiety score; no treatment for 30 days",
      },
    ]);
  });
});

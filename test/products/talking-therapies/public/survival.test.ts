import { describe, expect, it } from "vitest";
import { protectedInterval } from "../../../../src/products/talking-therapies/public/protectCount.ts";
import {
  protectedSurvival,
  survivalIntervals,
  survivalTable,
} from "../../../../src/products/talking-therapies/public/survival.ts";

const padded = (counts: [number, number][]) =>
  survivalIntervals.map((_, i) => ({ events: counts[i]?.[0] ?? 0, censored: counts[i]?.[1] ?? 0 }));

describe("protectedSurvival", () => {
  it("multiplies (1 − events ÷ at risk) over intervals from the rounded counts, censored leaving after their interval", () => {
    // Total 78 → 80 at risk. Week 0–1: 20 of 80 → 75%; 30 left the set (20 events + 10 censored).
    // Week 1–2: 30 of 50 → 75% × 40% = 30%. Week 2–3: 6 censored is suppressed, so the curve stops.
    const steps = protectedSurvival(
      padded([
        [20, 10],
        [30, 0],
        [12, 6],
      ]),
    );
    expect(steps.slice(0, 3).map((s) => [s.atRisk, s.events, s.censored, s.stillWaiting])).toEqual([
      [80, 20, 10, 75],
      [50, 30, 0, 30],
      [null, 10, null, null],
    ]);
    expect(steps.slice(3).every((s) => s.stillWaiting === null && s.atRisk === null)).toBe(true);
    expect(steps[0]?.interval).toBe("0–1 weeks");
    expect(steps.at(-1)?.interval).toBe("52+ weeks");
  });

  it("stops once fewer than 10 are at risk, so no shown count is 1 to 5", () => {
    const steps = protectedSurvival(
      padded([
        [40, 0],
        [0, 0],
        [0, 8],
      ]),
    );
    // 50 at risk (40 + 8 = 48 → 50); 40 events → 20%; 10 left, none end in week 1–2; in week 2–3
    // the 8 censored show as 10, leaving 0 at risk, so the curve stops at week 3–4.
    expect(steps[0]?.stillWaiting).toBe(20);
    expect(steps[1]?.atRisk).toBe(10);
    expect(steps[2]?.atRisk).toBe(10);
    expect(steps[3]?.atRisk).toBeNull();
  });
});

describe("survivalTable", () => {
  it("adds the areas into a whole-service curve and bands weeks into intervals", () => {
    const table = survivalTable([
      { gap: "Second to third treatment", ord: 3, commissioner: "07K", week: 0, events: 10, censored: 0 },
      { gap: "Second to third treatment", ord: 3, commissioner: "07K", week: 30, events: 20, censored: 0 },
      { gap: "Second to third treatment", ord: 3, commissioner: "26A", week: 1, events: 30, censored: 0 },
    ]);
    const row = (area: string, interval: string) =>
      table.rows.find((r) => r.area === area && r.interval === interval);
    // 07K: 30 at risk, 10 end in week 0–1 → 66.7%, nobody until 26–39 weeks, where all 20 end → 0%.
    expect(row("Sub-ICB 07K", "0–1 weeks")?.still_waiting).toBe(66.7);
    expect(row("Sub-ICB 07K", "18–26 weeks")?.still_waiting).toBe(66.7);
    expect(row("Sub-ICB 07K", "26–39 weeks")?.still_waiting).toBe(0);
    // Whole service: 60 at risk; 10 end in week 0–1 (50/60 = 83.3%); 30 of the 50 left end in
    // week 1–2: 83.3% × (1 − 30/50) = 33.3%.
    expect(row("Whole service", "0–1 weeks")?.at_risk).toBe(60);
    expect(row("Whole service", "0–1 weeks")?.still_waiting).toBe(83.3);
    expect(row("Whole service", "1–2 weeks")?.still_waiting).toBe(33.3);
  });
});

describe("protectedInterval", () => {
  it("gives the 95% Wilson interval of the rounded counts (50 of 100: 40.4–59.6)", () => {
    expect(protectedInterval(50, 100)).toBe("40.4–59.6");
    expect(protectedInterval(null, 100)).toBeNull();
    expect(protectedInterval(0, 0)).toBe("–");
  });
});

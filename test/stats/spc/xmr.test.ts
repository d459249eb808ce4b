import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { xmrChart } from "../../../src/stats/index.ts";

const monthly = (values: number[]) =>
  values.map((value, i) => ({
    date: `20${String(20 + Math.floor(i / 12))}-${String((i % 12) + 1).padStart(2, "0")}-01`,
    value,
  }));

describe("xmrChart", () => {
  it("gives mean 5.5, limits 2.84 and 8.16, near band 3.7267–7.2733 for 1..10", () => {
    const c = xmrChart(monthly([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    const p = c.points[0];
    expect(p?.mean).toBeCloseTo(5.5, 12);
    expect(p?.lower).toBeCloseTo(2.84, 12);
    expect(p?.upper).toBeCloseTo(8.16, 12);
    // 5.5 ± (2/3)(2.66)(1) = 5.5 ± 1.773333…
    expect(p?.nearLower).toBeCloseTo(5.5 - 5.32 / 3, 12);
    expect(p?.nearUpper).toBeCloseTo(5.5 + 5.32 / 3, 12);
    expect(p?.nearLower).toBeCloseTo(3.7267, 4);
    expect(p?.trial).toBe(true);
  });
  it("types signals by the desired direction and keeps rule precedence", () => {
    const c = xmrChart(monthly([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), { direction: "lower", target: 9 });
    // 1 and 2 are both below the near band (3.73) too.
    expect(c.points[0]?.rules).toEqual(["outside", "trend", "twoOfThree"]);
    expect(c.points[0]?.special).toBe("improvement");
    expect(c.points[4]?.rules).toEqual(["trend"]);
    expect(c.points[4]?.special).toBe("concern");
    expect(c.points[9]?.special).toBe("concern");
    expect(c.variation).toBe("concern-high");
    expect(c.assurance).toBe("pass");
    expect(
      xmrChart(monthly([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), { direction: "higher", target: 9 }).assurance,
    ).toBe("fail");
    expect(xmrChart(monthly([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), { direction: "neutral" }).variation).toBe(
      "neutral-high",
    );
  });
  it("flags a shift of eight points above the mean (the last 12 and seven 11s)", () => {
    // mean 137/13 = 10.538; MRs 4,4,4,4,4,1,0×6 → mean 21/12 = 1.75 → limits 5.88–15.19, near 7.44–13.64.
    const c = xmrChart(monthly([8, 12, 8, 12, 8, 12, 11, 11, 11, 11, 11, 11, 11]), { direction: "higher" });
    expect(c.points[0]?.upper).toBeCloseTo(137 / 13 + 2.66 * 1.75, 12);
    expect(c.points.map((p) => p.rules.length > 0)).toEqual([
      ...Array(5).fill(false),
      ...Array(8).fill(true),
    ]);
    expect(c.points[12]?.rules).toEqual(["shift"]);
    expect(c.points[12]?.trial).toBe(false);
    expect(c.variation).toBe("improvement-high");
    expect(
      xmrChart(monthly([8, 12, 8, 12, 8, 12, 11, 11, 11, 11, 11, 11, 11]), { runLength: 9 }).variation,
    ).toBe("common");
  });
  it("recalculates limits from a rebase date", () => {
    const c = xmrChart(monthly([1, 2, 3, 4, 5, 16, 17, 18, 19, 20]), { rebaseAt: ["2020-06-01"] });
    expect(c.points[0]?.mean).toBe(3);
    expect(c.points[4]?.upper).toBeCloseTo(5.66, 12);
    expect(c.points[5]?.mean).toBe(18);
    expect(c.points[9]?.lower).toBeCloseTo(15.34, 12);
  });
  it("charts excluded points without counting them in the limits or signalling them", () => {
    // Months 2020-04 and 2020-05 (values 0 and 1) excluded: the rest 10,12,10,12,10,12,10,12 give
    // mean 11 and mean MR 2 (the range across the gap, 12 − 10, counts once) → 11 ± 5.32.
    const values = [10, 12, 10, 0, 1, 12, 10, 12, 10, 12];
    const c = xmrChart(monthly(values), { exclude: [["2020-04-01", "2020-05-01"]] });
    expect(c.points[0]?.mean).toBe(11);
    expect(c.points[0]?.upper).toBeCloseTo(11 + 5.32, 12);
    expect(c.points[3]?.lower).toBeCloseTo(11 - 5.32, 12);
    expect(c.points.map((p) => p.excluded)).toEqual([
      false,
      false,
      false,
      true,
      true,
      ...Array(5).fill(false),
    ]);
    // 0 and 1 lie below the lower limit (5.68), yet are no "improvement".
    expect(c.points[3]?.special).toBeNull();
    expect(c.points[4]?.special).toBeNull();
    expect(c.variation).toBe("common");
    // Without the exclusion the collapse is signalled as improvement.
    expect(xmrChart(monthly(values)).points[3]?.special).toBe("improvement");
  });
  it("screens out moving ranges of 3.267 × mean(MR) or more when asked", () => {
    // MRs: eight of 1 and one of 25 → mean 33/9; 25 ≥ 3.267 × 3.667, so mean MR becomes 1.
    const values = [5, 6, 5, 6, 5, 6, 5, 6, 5, 30];
    expect(xmrChart(monthly(values), { screenMovingRanges: true }).points[0]?.upper).toBeCloseTo(
      7.9 + 2.66,
      12,
    );
    expect(xmrChart(monthly(values)).points[0]?.upper).toBeCloseTo(7.9 + (2.66 * 33) / 9, 12);
  });
  it("rejects non-finite values and dates out of order", () => {
    expect(() => xmrChart([{ date: "2020-01-01", value: Number.NaN }])).toThrow(
      expect.objectContaining({ code: "EBI_STATS_INPUT" }),
    );
    expect(() =>
      xmrChart([
        { date: "2020-02-01", value: 1 },
        { date: "2020-01-01", value: 1 },
      ]),
    ).toThrow(/date order/);
  });
  it("keeps flags when a constant is added, and limits symmetric about the mean (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 40 }),
        fc.integer({ min: -500, max: 500 }),
        (values, k) => {
          const a = xmrChart(monthly(values), { target: 400 });
          const b = xmrChart(monthly(values.map((v) => v + k)), { target: 400 + k });
          expect(b.points.map((p) => [p.rules, p.special])).toEqual(
            a.points.map((p) => [p.rules, p.special]),
          );
          expect(b.variation).toBe(a.variation);
          for (const p of a.points) expect(p.upper - p.mean).toBeCloseTo(p.mean - p.lower, 9);
        },
      ),
    );
  });
});

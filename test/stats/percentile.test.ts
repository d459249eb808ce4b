import { describe, expect, it } from "vitest";
import { nFoldVariation, percentile } from "../../src/stats/index.ts";

describe("percentile (Hyndman–Fan type 7)", () => {
  it("interpolates between order statistics as Excel PERCENTILE.INC", () => {
    // 1..10: h = 9p; p = 0.25 → h = 2.25 → 3 + 0.25 = 3.25; p = 0.9 → h = 8.1 → 9.1.
    const v = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(percentile(v, 0.25)).toBeCloseTo(3.25, 12);
    expect(percentile(v, 0.9)).toBeCloseTo(9.1, 12);
    expect(percentile(v, 0)).toBe(1);
    expect(percentile(v, 1)).toBe(10);
    expect(percentile([7], 0.3)).toBe(7);
  });
  it("rejects empty sets and non-finite values", () => {
    expect(() => percentile([], 0.5)).toThrow(expect.objectContaining({ code: "EBI_STATS_INPUT" }));
    expect(() => percentile([1, Number.NaN], 0.5)).toThrow(
      expect.objectContaining({ code: "EBI_STATS_INPUT" }),
    );
  });
});

describe("nFoldVariation", () => {
  it("divides the 90th by the 10th percentile", () => {
    // 1..10: p10 = 1.9, p90 = 9.1.
    const r = nFoldVariation([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r.p10).toBeCloseTo(1.9, 12);
    expect(r.p90).toBeCloseTo(9.1, 12);
    expect(r.nFold).toBeCloseTo(9.1 / 1.9, 12);
  });
});

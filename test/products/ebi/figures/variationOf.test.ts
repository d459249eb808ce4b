import { describe, expect, it } from "vitest";
import { variationOf } from "../../../../src/products/ebi/figures/baselines.ts";

describe("variationOf", () => {
  it("gives type 7 percentiles of 10, 20, 30, 40: p10 13, p50 25, p90 37, N-fold 37 ÷ 13", () => {
    // h = (n − 1)p: p10 → 0.3 (10 + 0.3 × 10), p50 → 1.5, p90 → 2.7 (30 + 0.7 × 10).
    const v = variationOf("s/x", "icb", [40, 10, 30, 20]);
    expect(v).toMatchObject({ level: "icb", units: 4 });
    expect(v.p10).toBeCloseTo(13, 12);
    expect(v.p50).toBeCloseTo(25, 12);
    expect(v.p90).toBeCloseTo(37, 12);
    expect(v.n_fold).toBeCloseTo(37 / 13, 12);
  });
  it("has no percentiles without rates", () => {
    expect(variationOf("s/x", "region", [])).toMatchObject({ units: 0, p50: null, n_fold: null });
  });
});

import { describe, expect, it } from "vitest";
import { standardisedRateDifference, standardisedRateRatio } from "../../src/stats/index.ts";

const z = 1.959963984540054;
const most = { value: 603.4, lower: 560, upper: 650 };
const least = { value: 663.6, lower: 620, upper: 710 };

describe("comparing two standardised rates from their 95% limits", () => {
  it("gives the ratio 603.4 ÷ 663.6 with exp(±z√(se_a² + se_b²)), se = (ln U − ln L) ÷ 2z", () => {
    const r = standardisedRateRatio(most, least);
    const se = Math.sqrt(
      ((Math.log(650) - Math.log(560)) / (2 * z)) ** 2 + ((Math.log(710) - Math.log(620)) / (2 * z)) ** 2,
    );
    expect(r.value).toBeCloseTo(0.909283, 6);
    expect(r.lower).toBeCloseTo(0.909283 * Math.exp(-z * se), 6);
    expect(r.upper).toBeCloseTo(0.909283 * Math.exp(z * se), 6);
  });

  it("gives the gap 603.4 − 663.6 = −60.2 with ±z√(se_a² + se_b²), se = (U − L) ÷ 2z", () => {
    const d = standardisedRateDifference(most, least);
    expect(d.value).toBeCloseTo(-60.2, 9);
    // se_a = 90 / 2z, se_b = 90 / 2z: the half-width is √2 × 45.
    expect(d.upper - d.value).toBeCloseTo(Math.SQRT2 * 45, 9);
  });

  it("refuses limits that do not hold the rate, and a ratio with a zero lower limit", () => {
    expect(() => standardisedRateRatio({ value: 5, lower: 6, upper: 7 }, least)).toThrow(/inside its limits/);
    expect(() => standardisedRateRatio({ value: 1, lower: 0, upper: 3 }, least)).toThrow(/above 0/);
  });
});

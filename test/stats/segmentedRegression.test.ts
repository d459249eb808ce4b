import { describe, expect, it } from "vitest";
import { segmentedRegression } from "../../src/stats/segmentedRegression.ts";
import { studentTCdf, studentTCritical } from "../../src/stats/studentT.ts";

describe("studentTCritical", () => {
  it("matches the published table of two-sided 95% values", () => {
    // Standard tables: df 1 → 12.706, 4 → 2.776, 10 → 2.228, 30 → 2.042.
    expect(studentTCritical(1)).toBeCloseTo(12.7062, 3);
    expect(studentTCritical(4)).toBeCloseTo(2.77645, 4);
    expect(studentTCritical(10)).toBeCloseTo(2.22814, 4);
    expect(studentTCritical(30)).toBeCloseTo(2.04227, 4);
  });
  it("has a CDF of one half at zero and is symmetric", () => {
    expect(studentTCdf(0, 7)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(-1.3, 7) + studentTCdf(1.3, 7)).toBeCloseTo(1, 12);
  });
  it("refuses degrees of freedom of zero", () => {
    expect(() => studentTCritical(0)).toThrow(/degrees of freedom/);
  });
});

describe("segmentedRegression", () => {
  // Worked by hand. Before (t 0–3): y 1, 3, 2, 4: t̄ 1.5, Sxx 5, Sxy 4, slope 0.8, intercept 1.3, RSS 1.8.
  // After (t 4–7): y 2, 2, 3, 3: t̄ 5.5, Sxx 5, Sxy 2, slope 0.4, line 2.5 + 0.4(t − 5.5), RSS 0.2.
  // σ² = 2.0 / (8 − 4) = 0.5; t(4, 0.975) = 2.776445.
  const points = [1, 3, 2, 4, 2, 2, 3, 3].map((y, t) => ({ t, y }));
  const fit = segmentedRegression(points, 4);
  const t4 = 2.776445;

  it("fits a line each side of the change", () => {
    expect(fit.pre.slope).toBeCloseTo(0.8, 12);
    expect(fit.pre.intercept).toBeCloseTo(1.3, 12);
    expect(fit.post.slope).toBeCloseTo(0.4, 12);
    expect(fit.post.intercept).toBeCloseTo(0.3, 12);
    expect(fit.sigma).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(fit.df).toBe(4);
  });
  it("gives the level change at the first post point with its interval", () => {
    // 1.9 − 4.5 = −2.6; var 0.5 × [(1/4 + 2.5²/5) + (1/4 + 1.5²/5)] = 1.1.
    expect(fit.levelChange.value).toBeCloseTo(-2.6, 12);
    expect(fit.levelChange.upper - fit.levelChange.value).toBeCloseTo(t4 * Math.sqrt(1.1), 5);
  });
  it("gives the slope change with its interval", () => {
    // 0.4 − 0.8 = −0.4; var 0.5 × (1/5 + 1/5) = 0.2.
    expect(fit.slopeChange.value).toBeCloseTo(-0.4, 12);
    expect(fit.slopeChange.lower).toBeCloseTo(-0.4 - t4 * Math.sqrt(0.2), 5);
  });
  it("gives the effect at the last point against the projected pre line", () => {
    // 3.1 − 6.9 = −3.8; var 0.5 × [(1/4 + 5.5²/5) + (1/4 + 1.5²/5)] = 3.5.
    expect(fit.effect.at).toBe(7);
    expect(fit.effect.value).toBeCloseTo(-3.8, 12);
    expect(fit.effect.upper).toBeCloseTo(-3.8 + t4 * Math.sqrt(3.5), 5);
  });
  it("needs three times on each side", () => {
    expect(() => segmentedRegression(points.slice(0, 6), 4)).toThrow(/at least 3 distinct times/);
  });
});

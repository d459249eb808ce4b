import { describe, expect, it } from "vitest";
import { indirectlyStandardisedRate, indirectlyStandardisedRatio } from "../../src/stats/index.ts";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const z = 1.959963984540054;

describe("indirectlyStandardisedRatio", () => {
  // Hand: E = 1000 × 0.01 + 2000 × 0.02 = 50; O = 65 → ratio 1.3; Byar's limits of 65 ÷ 50.
  const strata = [
    { events: 15, population: 1000, referenceRate: 0.01 },
    { events: 50, population: 2000, referenceRate: 0.02 },
  ];
  it("divides observed by expected and the Byar's limits of the observed by expected", () => {
    const r = indirectlyStandardisedRatio(strata);
    expect(r.observed).toBe(65);
    expect(r.expected).toBeCloseTo(50, 12);
    expect(rel(r.value, 1.3)).toBeLessThan(1e-12);
    expect(rel(r.lower, (65 * (1 - 1 / 585 - z / (3 * Math.sqrt(65))) ** 3) / 50)).toBeLessThan(1e-9);
    expect(rel(r.upper, (66 * (1 - 1 / 594 + z / (3 * Math.sqrt(66))) ** 3) / 50)).toBeLessThan(1e-9);
  });
  it("uses exact limits below 10 events: 0 observed of 2 expected has upper −ln(0.025)/2", () => {
    const r = indirectlyStandardisedRatio([{ events: 0, population: 100, referenceRate: 0.02 }]);
    expect(r.lower).toBe(0);
    expect(rel(r.upper, -Math.log(0.025) / 2)).toBeLessThan(1e-10);
  });
  it("scales the ratio into a rate with the reference crude rate", () => {
    const r = indirectlyStandardisedRate(strata, 0.015);
    expect(rel(r.value, 1.3 * 1500)).toBeLessThan(1e-12);
  });
  it("rejects a zero expected count", () => {
    expect(() => indirectlyStandardisedRatio([{ events: 0, population: 10, referenceRate: 0 }])).toThrow(
      expect.objectContaining({ code: "EBI_STATS_INPUT" }),
    );
  });
});

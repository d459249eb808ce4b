import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crudeRate, poissonCountInterval } from "../../src/stats/index.ts";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("poissonCountInterval", () => {
  it("gives exact limits for 0 events: upper = −ln(0.025)", () => {
    const r = poissonCountInterval(0);
    expect(r.lower).toBe(0);
    expect(rel(r.upper, 3.6888794541)).toBeLessThan(1e-10);
  });
  it("gives exact limits for 1 event: lower = −ln(0.975), upper solves e^(−u)(1+u) = 0.025", () => {
    const r = poissonCountInterval(1);
    expect(rel(r.lower, -Math.log(0.975))).toBeLessThan(1e-9);
    expect(Math.abs(Math.exp(-r.upper) * (1 + r.upper) - 0.025)).toBeLessThan(1e-12);
  });
  it("uses Byar's from 10 events: 65 events at 95% gives 50.1632 to 82.8491", () => {
    const r = poissonCountInterval(65);
    // Hand: z = 1.959963984540054; 65(1 − 1/585 − z/(3√65))³ and 66(1 − 1/594 + z/(3√66))³.
    const z = 1.959963984540054;
    expect(rel(r.lower, 65 * (1 - 1 / 585 - z / (3 * Math.sqrt(65))) ** 3)).toBeLessThan(1e-9);
    expect(rel(r.upper, 66 * (1 - 1 / 594 + z / (3 * Math.sqrt(66))) ** 3)).toBeLessThan(1e-9);
    expect(r.lower).toBeCloseTo(50.1632, 4);
    expect(r.upper).toBeCloseTo(82.8491, 4);
  });
  it("matches published exact limits for 5 events: 1.6235 to 11.6683 (95%)", () => {
    const r = poissonCountInterval(5);
    expect(r.lower).toBeCloseTo(1.6235, 4);
    expect(r.upper).toBeCloseTo(11.6683, 4);
  });
  it("switches method at 10 unless told", () => {
    expect(poissonCountInterval(9, { method: "exact" })).toEqual(poissonCountInterval(9));
    expect(poissonCountInterval(10, { method: "byars" })).toEqual(poissonCountInterval(10));
  });
  it("rejects an unknown method listing the allowed ones", () => {
    expect(() => poissonCountInterval(3, { method: "wald" as "exact" })).toThrow(/auto, exact, byars/);
  });
  it("rejects negative counts and confidence outside 90–99.99%", () => {
    expect(() => poissonCountInterval(-1)).toThrow(expect.objectContaining({ code: "EBI_STATS_INPUT" }));
    expect(() => poissonCountInterval(5, { confidence: 0.5 })).toThrow(/0.90/);
  });
  it("contains the count and widens with confidence (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.constantFrom("exact", "byars", "auto"), (x, m) => {
        const method = m as "exact";
        const a = poissonCountInterval(x, { confidence: 0.95, method });
        const b = poissonCountInterval(x, { confidence: 0.998, method });
        expect(a.lower).toBeLessThanOrEqual(x);
        expect(a.upper).toBeGreaterThanOrEqual(x);
        expect(b.lower).toBeLessThanOrEqual(a.lower);
        expect(b.upper).toBeGreaterThan(a.upper);
      }),
    );
  });
});

describe("crudeRate", () => {
  it("scales events and limits per 100,000 by default", () => {
    const r = crudeRate(65, 200_000);
    expect(r.value).toBe(32.5);
    expect(r.lower).toBeCloseTo(50.1632 / 2, 4);
    expect(r.upper).toBeCloseTo(82.8491 / 2, 4);
  });
  it("rejects events with a zero population, and non-finite input", () => {
    expect(() => crudeRate(3, 0)).toThrow(/positive denominator/);
    expect(() => crudeRate(Number.POSITIVE_INFINITY, 10)).toThrow(
      expect.objectContaining({ code: "EBI_STATS_INPUT" }),
    );
  });
});

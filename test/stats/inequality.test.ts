import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rateDifference, rateRatio } from "../../src/stats/index.ts";

const z = 1.959963984540054;

describe("rateRatio", () => {
  it("gives 1.5 for 30/1000 vs 20/1000 with exp(±z√(1/30 + 1/20))", () => {
    const r = rateRatio({ events: 30, population: 1000 }, { events: 20, population: 1000 });
    const se = Math.sqrt(1 / 30 + 1 / 20);
    expect(r.value).toBeCloseTo(1.5, 12);
    expect(Math.abs(r.lower - 1.5 * Math.exp(-z * se))).toBeLessThan(1e-12);
    expect(Math.abs(r.upper - 1.5 * Math.exp(z * se))).toBeLessThan(1e-12);
  });
  it("rejects a group with no events", () => {
    expect(() => rateRatio({ events: 0, population: 10 }, { events: 3, population: 10 })).toThrow(
      /at least one event/,
    );
  });
  it("contains the ratio and is symmetric on the log scale (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e4 }), fc.integer({ min: 1, max: 1e4 }), (a, b) => {
        const r = rateRatio({ events: a, population: 1e5 }, { events: b, population: 2e5 });
        expect(r.lower).toBeLessThanOrEqual(r.value);
        expect(r.upper).toBeGreaterThanOrEqual(r.value);
        expect(Math.log(r.upper) - Math.log(r.value)).toBeCloseTo(Math.log(r.value) - Math.log(r.lower), 9);
      }),
    );
  });
});

describe("rateDifference", () => {
  it("gives 1000 per 100,000 for 30/1000 − 20/1000 with ±z√(30 + 20)/1000", () => {
    const r = rateDifference({ events: 30, population: 1000 }, { events: 20, population: 1000 });
    expect(r.value).toBeCloseTo(1000, 9);
    expect(r.upper - r.value).toBeCloseTo((z * Math.sqrt(50) * 1e5) / 1000, 9);
    expect(r.value - r.lower).toBeCloseTo(r.upper - r.value, 9);
  });
});

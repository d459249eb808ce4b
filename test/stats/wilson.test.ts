import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { wilsonInterval } from "../../src/stats/index.ts";

describe("wilsonInterval", () => {
  it("gives 0.55254 to 0.73636 for 65 of 100 at 95%", () => {
    const z = 1.959963984540054;
    const z2 = z * z;
    const root = z * Math.sqrt(z2 + 4 * 65 * (1 - 0.65));
    const r = wilsonInterval(65, 100);
    expect(Math.abs(r.lower - (130 + z2 - root) / (2 * (100 + z2)))).toBeLessThan(1e-12);
    expect(Math.abs(r.upper - (130 + z2 + root) / (2 * (100 + z2)))).toBeLessThan(1e-12);
    expect(r.lower).toBeCloseTo(0.55254, 5);
    expect(r.upper).toBeCloseTo(0.73636, 5);
  });
  it("is symmetric about one half when successes are half the trials", () => {
    const r = wilsonInterval(50, 100);
    expect(r.lower + r.upper).toBeCloseTo(1, 12);
  });
  it("rejects more successes than trials", () => {
    expect(() => wilsonInterval(5, 4)).toThrow(expect.objectContaining({ code: "EBI_STATS_INPUT" }));
  });
  it("contains the proportion and widens with confidence (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const x = Math.round(n * f);
        const a = wilsonInterval(x, n);
        const b = wilsonInterval(x, n, { confidence: 0.998 });
        expect(a.lower).toBeLessThanOrEqual(x / n + 1e-12);
        expect(a.upper).toBeGreaterThanOrEqual(x / n - 1e-12);
        expect(b.lower).toBeLessThanOrEqual(a.lower + 1e-15);
        expect(b.upper).toBeGreaterThanOrEqual(a.upper - 1e-15);
      }),
    );
  });
});

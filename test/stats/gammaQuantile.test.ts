import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  chiSquareQuantile,
  gammaQuantile,
  normalCritical,
  regularisedGammaP,
} from "../../src/stats/index.ts";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("gammaQuantile", () => {
  it("inverts the exponential distribution (shape 1): x = −ln(1 − p)", () => {
    for (const p of [1e-6, 0.025, 0.5, 0.975, 0.999]) {
      expect(rel(gammaQuantile(p, 1), -Math.log(1 - p))).toBeLessThan(1e-10);
    }
  });
  it("gives χ² with 2 df as −2 ln(1 − p)", () => {
    expect(rel(chiSquareQuantile(0.95, 2), -2 * Math.log(0.05))).toBeLessThan(1e-10);
  });
  it("gives the normal critical values through χ² with 1 df", () => {
    expect(rel(normalCritical(0.95), 1.959963984540054)).toBeLessThan(1e-10);
    expect(rel(normalCritical(0.998), 3.090232306167813)).toBeLessThan(1e-10);
    expect(rel(normalCritical(0.9), 1.6448536269514722)).toBeLessThan(1e-10);
  });
  it("solves shape 2 where P(x) = 1 − e^(−x)(1 + x)", () => {
    for (const x of [0.01, 0.5, 3, 12]) {
      const p = 1 - Math.exp(-x) * (1 + x);
      expect(rel(gammaQuantile(p, 2), x)).toBeLessThan(1e-10);
    }
  });
  it("round-trips through the regularised gamma P to 1e-10", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        fc.double({ min: 0.5, max: 500, noNaN: true }),
        (p, a) => {
          expect(Math.abs(regularisedGammaP(a, gammaQuantile(p, a)) - p)).toBeLessThan(1e-10);
        },
      ),
    );
  });
  it("rejects p outside 0..1 with a typed error", () => {
    expect(() => gammaQuantile(1.5, 2)).toThrow(expect.objectContaining({ code: "EBI_STATS_INPUT" }));
    expect(() => gammaQuantile(0.5, Number.NaN)).toThrow(
      expect.objectContaining({ code: "EBI_STATS_INPUT" }),
    );
  });
});

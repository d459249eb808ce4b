import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyAgainstFunnel, funnelLabel, funnelLimits } from "../../src/stats/index.ts";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("funnelLimits", () => {
  it("gives exact Poisson limits of the expected count for ratios (E = 1: lower −ln(0.975)… upper solves e^(−u)(1+u)=0.025)", () => {
    const l = funnelLimits({ type: "ratio", target: 1 }, 1);
    expect(rel(l.lower95, -Math.log(0.975))).toBeLessThan(1e-9);
    expect(Math.abs(Math.exp(-l.upper95) * (1 + l.upper95) - 0.025)).toBeLessThan(1e-12);
  });
  it("gives χ² limits for E = 10: 9.590777/20 and 36.78071/20 (published χ² table, 20 and 22 df)", () => {
    const l = funnelLimits({ type: "ratio", target: 1 }, 10);
    expect(l.lower95).toBeCloseTo(9.590777 / 20, 6);
    expect(l.upper95).toBeCloseTo(36.78071 / 20, 6);
  });
  it("is symmetric about one half for proportions", () => {
    const l = funnelLimits({ type: "proportion", target: 0.5 }, 100);
    expect(l.lower95 + l.upper95).toBeCloseTo(1, 12);
    expect(l.lower998 + l.upper998).toBeCloseTo(1, 12);
  });
  it("scales rates by population and multiplier", () => {
    const rate = funnelLimits({ type: "rate", target: 500 }, 2000);
    const ratio = funnelLimits({ type: "ratio", target: 1 }, 10);
    expect(rel(rate.upper998, ratio.upper998 * 500)).toBeLessThan(1e-12);
  });
  it("narrows as the denominator grows and 99.8% contains 95% (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.constantFrom("ratio", "proportion", "rate"),
        (n, type) => {
          const spec = {
            type: type as "ratio",
            target: type === "proportion" ? 0.3 : type === "rate" ? 800 : 1,
          };
          const a = funnelLimits(spec, n);
          const b = funnelLimits(spec, n * 4);
          expect(a.lower998).toBeLessThanOrEqual(a.lower95);
          expect(a.upper998).toBeGreaterThanOrEqual(a.upper95);
          expect(b.upper95 - b.lower95).toBeLessThan(a.upper95 - a.lower95);
        },
      ),
    );
  });
});

describe("classifyAgainstFunnel", () => {
  it("labels units by the band they fall in", () => {
    const spec = { type: "ratio" as const, target: 1 };
    expect(classifyAgainstFunnel(spec, 1.2, 10)).toBe("not-different");
    expect(classifyAgainstFunnel(spec, 2, 10)).toBe("higher-95");
    expect(classifyAgainstFunnel(spec, 2.5, 10)).toBe("higher-99.8");
    expect(classifyAgainstFunnel(spec, 0.4, 10)).toBe("lower-95");
    expect(classifyAgainstFunnel(spec, 0.2, 10)).toBe("lower-99.8");
    expect(funnelLabel("higher-99.8")).toBe("higher than expected (99.8%)");
    expect(funnelLabel("not-different")).toBe("not significantly different");
  });
  it("rejects an unknown funnel type listing the allowed ones", () => {
    expect(() => funnelLimits({ type: "count" as "ratio", target: 1 }, 10)).toThrow(
      /proportion, ratio, rate/,
    );
  });
});

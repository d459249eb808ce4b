import { describe, expect, it } from "vitest";
import { slopeIndexOfInequality } from "../../src/stats/index.ts";

describe("slopeIndexOfInequality", () => {
  // Hand: populations 100, 200, 100 → shares .25, .5, .25; mid-ranks .125, .5, .875; rates 10, 20, 15.
  // Weighted means x̄ = .5, ȳ = 16.25; Sxy = .46875, Sxx = .0703125 → SII = 20/3,
  // intercept = 16.25 − (20/3)(.5) = 155/12, RII = (155/12 + 80/12) ÷ (155/12) = 47/31.
  const groups = [
    { rate: 10, population: 100 },
    { rate: 20, population: 200 },
    { rate: 15, population: 100 },
  ];
  it("solves a three-group example worked by hand", () => {
    const r = slopeIndexOfInequality(groups);
    expect(Math.abs(r.sii - 20 / 3)).toBeLessThan(1e-12);
    expect(Math.abs(r.intercept - 155 / 12)).toBeLessThan(1e-12);
    expect(Math.abs(r.rii - 47 / 31)).toBeLessThan(1e-12);
    expect(r.siiLower).toBeUndefined();
  });
  it("recovers a straight line exactly: rates 25, 20, 15 on equal groups give SII −15, intercept 27.5", () => {
    const r = slopeIndexOfInequality([
      { rate: 25, population: 5 },
      { rate: 20, population: 5 },
      { rate: 15, population: 5 },
    ]);
    expect(r.sii).toBeCloseTo(-15, 12);
    expect(r.intercept).toBeCloseTo(27.5, 12);
  });
  it("simulates reproducible intervals around the estimate from a seed", () => {
    const opts = { simulations: 2000, seed: 7, multiplier: 1000 };
    const a = slopeIndexOfInequality(groups, opts);
    const b = slopeIndexOfInequality(groups, opts);
    expect(a).toEqual(b);
    expect(a.siiLower as number).toBeLessThan(a.sii);
    expect(a.siiUpper as number).toBeGreaterThan(a.sii);
    const narrow = slopeIndexOfInequality(
      groups.map((g) => ({ ...g, se: 0.01 })),
      opts,
    );
    expect(narrow.siiUpper as number).toBeLessThan(a.siiUpper as number);
  });
  it("rejects a single group and zero populations", () => {
    expect(() => slopeIndexOfInequality([{ rate: 1, population: 1 }])).toThrow(/at least 2/);
    expect(() =>
      slopeIndexOfInequality([
        { rate: 1, population: 0 },
        { rate: 1, population: 1 },
      ]),
    ).toThrow(expect.objectContaining({ code: "EBI_STATS_INPUT" }));
  });
});

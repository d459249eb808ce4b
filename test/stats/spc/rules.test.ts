import { describe, expect, it } from "vitest";
import { evaluateRules } from "../../../src/stats/index.ts";

const fixed = (values: number[]) =>
  values.map((value) => ({ value, mean: 0, lower: -3, upper: 3, nearLower: -2, nearUpper: 2 }));

describe("evaluateRules", () => {
  it("flags two of three points beyond the near band on the same side", () => {
    const hits = evaluateRules(fixed([0, 2.5, 1, 2.5, 0]), 7, 7);
    expect(hits.map((h) => h.map((x) => x.rule))).toEqual([[], ["twoOfThree"], [], ["twoOfThree"], []]);
  });
  it("does not pair near-band points on opposite sides", () => {
    const hits = evaluateRules(fixed([2.5, -2.5, 0]), 7, 7);
    expect(hits.flat()).toEqual([]);
  });
  it("breaks a trend on a tie and a shift on a point at the mean", () => {
    expect(
      evaluateRules(fixed([-1, -0.8, -0.6, -0.6, -0.4, -0.2, -0.1, -0.05]), 7, 7)
        .flat()
        .map((x) => x.rule),
    ).toEqual(Array(8).fill("shift"));
    expect(evaluateRules(fixed([1, 1, 1, 0, 1, 1, 1, 1]), 7, 7).flat()).toEqual([]);
  });
  it("honours a run length of 6", () => {
    expect(evaluateRules(fixed([1, 1, 1, 1, 1, 1]), 6, 6).every((h) => h[0]?.rule === "shift")).toBe(true);
    expect(
      evaluateRules(fixed([-1.5, -1, -0.5, 0.5, 1, 1.5]), 6, 6).every((h) => h[0]?.rule === "trend"),
    ).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import type { Relation } from "../../src/disclosure/CellSystem.ts";
import {
  findRecoverableCells,
  type PublicView,
  recoverableByBounds,
  recoverableByRank,
} from "../../src/disclosure/findRecoverableCells.ts";

const T = 5;
/** A view where `redacted` maps cell → "primary" | "other"; every other cell shows `values`. */
function view(values: number[], redacted: Record<number, "primary" | "other">): PublicView {
  return {
    published: values.map((v, i) => (redacted[i] ? null : v)),
    lower: values.map((_, i) => (redacted[i] === "primary" ? 1 : 0)),
    upper: values.map((_, i) => (redacted[i] === "primary" ? T : Number.POSITIVE_INFINITY)),
  };
}

describe("findRecoverableCells", () => {
  it("recovers a lone redacted cell in a row whose total is shown", () => {
    // total 10 = 3 + 7: the 3 is the total minus the shown 7.
    const relations: Relation[] = [{ total: 0, parts: [1, 2] }];
    const v = view([10, 3, 7], { 1: "primary" });
    expect(recoverableByRank(relations, v)).toEqual([1]);
    expect(findRecoverableCells(relations, v)).toEqual([1]);
  });

  it("does not recover two redacted cells sharing a total of 12", () => {
    // 12 = 4 + 8 with both hidden: 4 ∈ [1, 5] and 8 ∈ [7, 11]; neither is fixed.
    const relations: Relation[] = [{ total: 0, parts: [1, 2, 3] }];
    const v = view([12, 4, 8, 0], { 1: "primary", 2: "other" });
    expect(findRecoverableCells(relations, v)).toEqual([]);
  });

  it("recovers two primaries summing to 2 by their bounds alone", () => {
    // x + y = 2 with x, y ∈ [1, 5] forces x = y = 1, which rank alone cannot see.
    const relations: Relation[] = [{ total: 0, parts: [1, 2, 3] }];
    const v = view([9, 1, 1, 7], { 1: "primary", 2: "primary" });
    expect(recoverableByRank(relations, v)).toEqual([]);
    expect(recoverableByBounds(relations, v)).toEqual([1, 2]);
  });

  it("recovers a primary paired with a zero when their sum is 1", () => {
    // x + y = 1, x ≥ 1, y ≥ 0 → x = 1, y = 0.
    const relations: Relation[] = [{ total: 0, parts: [1, 2, 3] }];
    const v = view([8, 1, 0, 7], { 1: "primary", 2: "other" });
    expect(recoverableByBounds(relations, v)).toEqual([1, 2]);
  });

  it("leaves a 2×2 block of four hidden cells undetermined, with all margins shown", () => {
    // Rows: R1 = a + b, R2 = c + d; columns: C1 = a + c, C2 = b + d. Four unknowns, rank 3.
    // cells: 0 R1=10, 1 R2=10, 2 C1=10, 3 C2=10, 4 a=3, 5 b=7, 6 c=7, 7 d=3
    const relations: Relation[] = [
      { total: 0, parts: [4, 5] },
      { total: 1, parts: [6, 7] },
      { total: 2, parts: [4, 6] },
      { total: 3, parts: [5, 7] },
    ];
    const v = view([10, 10, 10, 10, 3, 7, 7, 3], { 4: "primary", 5: "other", 6: "other", 7: "primary" });
    expect(findRecoverableCells(relations, v)).toEqual([]);
  });

  it("recovers every cell of a 2×2 block when only three are hidden", () => {
    // d shown = 3 → b = C2 − d = 7, a = R1 − b = 3, c = C1 − a = 7.
    const relations: Relation[] = [
      { total: 0, parts: [4, 5] },
      { total: 1, parts: [6, 7] },
      { total: 2, parts: [4, 6] },
      { total: 3, parts: [5, 7] },
    ];
    const v = view([10, 10, 10, 10, 3, 7, 7, 3], { 4: "primary", 5: "other", 6: "other" });
    expect(recoverableByRank(relations, v)).toEqual([4, 5, 6]);
  });

  it("solves a cycle of three pairwise sums that no single relation fixes", () => {
    // x + y = 8, y + z = 9, x + z = 5 → x = 2, y = 6, z = 3 (each relation has two unknowns).
    // cells: 0..2 totals, 3 x, 4 y, 5 z
    const relations: Relation[] = [
      { total: 0, parts: [3, 4] },
      { total: 1, parts: [4, 5] },
      { total: 2, parts: [3, 5] },
    ];
    const v = view([8, 9, 5, 2, 6, 3], { 3: "primary", 4: "other", 5: "primary" });
    expect(recoverableByRank(relations, v)).toEqual([3, 4, 5]);
  });
});

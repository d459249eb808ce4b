import { describe, expect, it } from "vitest";
import type { EquityCell } from "../../../src/products/planned-care/equityFigures.ts";
import { protectEquity } from "../../../src/products/planned-care/public/protectEquity.ts";

/** One commissioner's total and its five quintiles (deciles left out: the quintile relation is the test). */
function unit(org: string, level: string, quintiles: number[]): EquityCell[] {
  const base = {
    group_id: "g",
    fyear: 2024,
    level,
    org_code: org,
    population: 1000,
    rate_kind: "dsr" as const,
    lower: 1,
    upper: 2,
  };
  const total = quintiles.reduce((a, b) => a + b, 0);
  return [
    {
      ...base,
      dimension: "total",
      group_code: "all",
      group_label: "all",
      group_order: 0,
      spells: total,
      rate: total,
    },
    ...quintiles.map((n, i) => ({
      ...base,
      dimension: "imd_quintile" as const,
      group_code: String(i + 1),
      group_label: String(i + 1),
      group_order: i + 1,
      spells: n,
      rate: n,
    })),
  ];
}

describe("protectEquity", () => {
  it("hides a small count, a second cell so the total cannot give it away, and their rates", async () => {
    const cells = unit("ENG", "england", [3, 40, 50, 60, 70]);
    const { cells: out, protection } = await protectEquity(cells, new Map(), 5);
    const q = (code: string) => out.find((c) => c.dimension === "imd_quintile" && c.group_code === code);
    expect(q("1")?.suppressed).toBe(true);
    expect(q("1")?.rate).toBeNull();
    // 3 + 40 = 43 hidden together: the reader knows only that they sum to 43.
    expect(q("2")?.suppressed).toBe(true);
    expect(out.filter((c) => c.suppressed)).toHaveLength(2);
    expect(protection).toMatchObject({ primary: 1, secondary: 1 });
  });

  it("widens suppression when two hidden small counts would sum to a small difference", async () => {
    // Quintiles 1 and 2 are both small (2 and 3): hidden together they sum to 5, which pins each to 0–5.
    const cells = unit("ENG", "england", [2, 3, 50, 60, 70]);
    const { cells: out, protection } = await protectEquity(cells, new Map(), 5);
    expect(protection.widened).toBeGreaterThan(0);
    const hidden = out.filter((c) => c.suppressed).map((c) => c.group_code);
    expect(hidden).toEqual(expect.arrayContaining(["1", "2", "3"]));
  });

  it("protects across the hierarchy: a region's small cell cannot be England minus the other regions", async () => {
    const cells = [
      ...unit("ENG", "england", [13, 40, 50, 60, 70]),
      ...unit("R1", "region", [4, 20, 25, 30, 35]),
      ...unit("R2", "region", [9, 20, 25, 30, 35]),
    ];
    const parentOf = new Map([
      ["region|R1", "england|ENG"],
      ["region|R2", "england|ENG"],
    ]);
    const { cells: out } = await protectEquity(cells, parentOf, 5);
    const cell = (org: string, code: string) => out.find((c) => c.org_code === org && c.group_code === code);
    expect(cell("R1", "1")?.suppressed).toBe(true);
    // With England's 13 published, R2's 9 must go too, or 13 − 9 = 4.
    expect(cell("R2", "1")?.suppressed || cell("ENG", "1")?.suppressed).toBe(true);
    for (const c of out) if (c.spells !== null) expect(c.spells === 0 || c.spells > 5).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import type { EquityCell } from "../../../src/products/planned-care/equityFigures.ts";
import { protectEquity } from "../../../src/products/planned-care/public/protectEquity.ts";
import { recoverByArithmetic } from "./publicAttack.ts";

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

  it("protects sub-ICB locations: a small count cannot be their ICB's minus the other locations'", async () => {
    const organisations = [
      { level: "england", org_code: "ENG", parent_code: null },
      { level: "region", org_code: "R1", parent_code: "ENG" },
      { level: "icb", org_code: "I1", parent_code: "R1" },
      { level: "sub_icb", org_code: "S1", parent_code: "I1" },
      { level: "sub_icb", org_code: "S2", parent_code: "I1" },
    ];
    const cells = [
      ...unit("ENG", "england", [12, 40, 50, 60, 70]),
      ...unit("R1", "region", [12, 40, 50, 60, 70]),
      ...unit("I1", "icb", [12, 40, 50, 60, 70]),
      ...unit("S1", "sub_icb", [4, 20, 25, 30, 35]),
      ...unit("S2", "sub_icb", [8, 20, 25, 30, 35]),
    ];
    const parentOf = new Map([
      ["region|R1", "england|ENG"],
      ["icb|I1", "region|R1"],
      ["sub_icb|S1", "icb|I1"],
      ["sub_icb|S2", "icb|I1"],
    ]);
    const { cells: out } = await protectEquity(cells, parentOf, 5);
    expect(out.find((c) => c.org_code === "S1" && c.group_code === "1")?.suppressed).toBe(true);
    const recovered = recoverByArithmetic(out, organisations);
    for (const [key, value] of recovered) expect(value === 0 || value > 5, key).toBe(true);
    // The attacker is real: hiding only S1's 4 (primary alone) lets it out as 12 − 8, or as the total less its other quintiles.
    const naive = cells.map((c) =>
      c.org_code === "S1" && c.group_code === "1"
        ? { ...c, spells: null, rate: null, suppressed: true }
        : { ...c, suppressed: false },
    );
    expect([...recoverByArithmetic(naive, organisations).values()]).toContain(4);
  });

  it("protects the same cells the same way whatever order they come in", async () => {
    let seed = 7;
    const draw = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const subs = ["S1", "S2", "S3", "S4", "S5", "S6"];
    const subCounts = subs.map(() => [0, 1, 2, 3, 4].map(() => Math.floor(draw() * 14)));
    const icbCounts = [0, 1].map((i) =>
      [0, 1, 2, 3, 4].map((q) => subCounts.slice(i * 3, i * 3 + 3).reduce((a, s) => a + (s[q] ?? 0), 0)),
    );
    const eng = [0, 1, 2, 3, 4].map((q) => (icbCounts[0]?.[q] ?? 0) + (icbCounts[1]?.[q] ?? 0));
    const cells = [
      ...unit("ENG", "england", eng),
      ...unit("I1", "icb", icbCounts[0] as number[]),
      ...unit("I2", "icb", icbCounts[1] as number[]),
      ...subs.flatMap((s, i) => unit(s, "sub_icb", subCounts[i] as number[])),
    ];
    const parentOf = new Map<string, string>([
      ["icb|I1", "england|ENG"],
      ["icb|I2", "england|ENG"],
      ...subs.map((s, i): [string, string] => [`sub_icb|${s}`, `icb|${i < 3 ? "I1" : "I2"}`]),
    ]);
    const hiddenKeys = (list: Awaited<ReturnType<typeof protectEquity>>["cells"]) =>
      list
        .filter((c) => c.suppressed)
        .map((c) => `${c.org_code}|${c.dimension}|${c.group_code}`)
        .sort();
    const forward = await protectEquity(cells, parentOf, 5);
    const backward = await protectEquity([...cells].reverse(), parentOf, 5);
    const shuffled = await protectEquity(
      cells
        .map((c) => ({ c, r: draw() }))
        .sort((a, b) => a.r - b.r)
        .map(({ c }) => c),
      parentOf,
      5,
    );
    expect(hiddenKeys(backward.cells)).toEqual(hiddenKeys(forward.cells));
    expect(hiddenKeys(shuffled.cells)).toEqual(hiddenKeys(forward.cells));
    expect(backward.protection.secondary).toBe(forward.protection.secondary);
  });
});

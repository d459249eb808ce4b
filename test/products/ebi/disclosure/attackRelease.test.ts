import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cellIntervals, type LinearProblem, protects } from "../../../../src/disclosure/cellIntervals.ts";
import { findRecoverableCells, type PublicView } from "../../../../src/disclosure/findRecoverableCells.ts";
import { registeredScopes } from "../../../../src/disclosure/insiderScopes.ts";
import {
  attackRelease,
  auditRelease,
  goalChannel,
  solveOneHiddenValue,
} from "../../../../src/products/ebi/disclosure/attackRelease.ts";
import {
  protectRelease,
  type ReleaseTables,
} from "../../../../src/products/ebi/disclosure/protectRelease.ts";

import type { BaselineRow } from "../../../../src/products/ebi/release/tables.ts";
import {
  ID,
  modelledFiguresCopied,
  months,
  smallCountry,
} from "../../../fixtures/disclosure/smallCountry.ts";

const policy = { threshold: 5, rounding: null };
// The channels below are the public attacker's: each case is built against outsiders only, so the
// cells it hides are the ones each channel's worked example names (the insider audit, which hides
// more, has its own tests in test/products/ebi/disclosure/insiderRecovery.test.ts).
const outsiders = { insiderScopes: [] };
const attack = (published: ReleaseTables, registered: ReleaseTables) =>
  attackRelease(published, { ...policy, goalPercentile: 25, registered });

/** Twelve months: `april` in April, then `rest` in each later month. */
const year = (april: number, rest: number) => [april, ...Array(11).fill(rest)];

describe("the trajectory channel", () => {
  // England's April is 2 (S01's 2; every other location had none in April).
  const registered = smallCountry({
    S01: year(2, 20),
    S02: year(0, 30),
    S03: year(0, 25),
    S04: year(0, 40),
    S05: year(0, 35),
    S06: year(0, 28),
  });
  const april = `${ID}|m|england|ENG|${months[0]}`;

  it("gave away England's hidden April when the goal was spread by England's true months", async () => {
    const { tables } = await protectRelease(registered, outsiders);
    const before = modelledFiguresCopied(registered, tables);
    // S02's own April (0) is shown, so its trajectory April was shown: goal × 2 ÷ England's year.
    const s02 = before.trajectory.find((t) => t.org_code === "S02" && t.month === months[0]);
    expect(s02?.goal_spells).toBeGreaterThan(0);
    const { intervals } = await attack(before, registered);
    expect(intervals.get(april)).toEqual([2, 2]);
  });

  it("gives nothing away once the profile is built from published months only", async () => {
    const { tables } = await protectRelease(registered, outsiders);
    expect(tables.monthly.find((m) => m.level === "england" && m.month === months[0])?.spells).toBeNull();
    // England's April is hidden, so every trajectory is spread in equal twelfths.
    const s02 = tables.trajectory.filter((t) => t.org_code === "S02");
    const goal = tables.baselines.find((b) => b.org_code === "S02")?.goal_spells as number;
    for (const t of s02) expect(t.goal_spells).toBeCloseTo(goal / 12, 9);
    const { intervals } = await attack(tables, registered);
    expect(protects(intervals.get(april) as [number, number], 5)).toBe(true);
  });

  it("is caught by the audit when a trajectory is not what the published figures give", async () => {
    const { tables } = await protectRelease(registered, outsiders);
    const before = modelledFiguresCopied(registered, tables);
    const { problems, exposed } = await auditRelease(registered, before, policy, 25);
    expect(problems.some((p) => p.includes("trajectory not computed from published figures"))).toBe(true);
    const april = exposed.find((e) => e.key === `m|england|ENG|${months[0]}`);
    expect(april?.value).toBe(2);
    expect((april?.interval[1] ?? Infinity) - (april?.interval[0] ?? 0)).toBeLessThan(6);
  });
});

describe("the trajectory redaction rule", () => {
  it("hides a trajectory whose goal is hidden", async () => {
    // S01's year of 3 is redacted, and S02's 40 with it: neither has a goal to spread.
    const { tables } = await protectRelease(
      smallCountry({ S01: year(3, 0), S02: year(40, 0), S03: year(80, 0), S04: year(12, 1) }),
      outsiders,
    );
    const hiddenGoal = tables.baselines.filter((b) => b.goal_spells === null);
    expect(hiddenGoal.map((b) => b.org_code).sort()).toEqual(["S01", "S02"]);
    for (const b of hiddenGoal) {
      const rows = tables.trajectory.filter((t) => t.level === b.level && t.org_code === b.org_code);
      expect(rows).toHaveLength(12);
      for (const t of rows) expect([t.goal_spells, t.suppressed]).toEqual([null, "derived"]);
    }
  });
});

describe("the percentile and opportunity channels", () => {
  // ICB A: 3, 40, 80 (the 3 is redacted, the 40 hidden beside it); ICB B: 12, 20, 25. DSRs follow
  // the counts (same population); the goal rate is the 25th percentile, 20.
  const registered = smallCountry({
    S01: year(3, 0),
    S02: year(40, 0),
    S03: year(80, 0),
    S04: year(12, 0),
    S05: year(20, 0),
    S06: year(25, 0),
  });
  const row = (t: ReleaseTables, org: string) => t.baselines.find((b) => b.org_code === org) as BaselineRow;

  it("solved the hidden location's DSR from percentiles taken over every location", async () => {
    const { tables } = await protectRelease(registered, outsiders);
    expect(row(tables, "S02").baseline_spells).toBeNull();
    const before = modelledFiguresCopied(registered, tables);
    // Five units, four shown: the 75th percentile (h = 3) is the hidden DSR itself.
    expect(before.variation[0]?.units).toBe(5);
    const found = goalChannel(before.baselines, before.variation[0], before.organisations);
    expect(found.hiddenRate).toBeCloseTo(row(registered, "S02").dsr as number, 9);
  });

  it("solves nothing once the spread counts published locations only", async () => {
    const { tables } = await protectRelease(registered, outsiders);
    const variation = tables.variation[0];
    expect(variation?.units).toBe(4);
    const rates = tables.baselines
      .filter((b) => b.level === "sub_icb" && b.dsr !== null)
      .map((b) => b.dsr as number);
    expect(rates).toHaveLength(4);
    expect(goalChannel(tables.baselines, variation, tables.organisations).hiddenRate).toBeNull();
    // With no hidden rate among the percentiles' inputs there is nothing to solve for.
    expect(solveOneHiddenValue(rates, [[0.25, variation?.p25 ?? null]])).toBeNull();
  });

  it("gave away the hidden locations' opportunity, and with the DSR their baseline of 40", async () => {
    const { tables } = await protectRelease(registered, outsiders);
    const before = modelledFiguresCopied(registered, tables);
    const found = goalChannel(before.baselines, before.variation[0], before.organisations);
    // ICB A's opportunity less S03's is S02's: 40 × (1 − 20 ÷ 40) = 20, and 20 ÷ (1 − 20 ÷ 40) = 40.
    expect(found.hiddenOpportunity.get("QA1")).toBeCloseTo(
      row(registered, "S02").opportunity_spells as number,
      9,
    );
    expect(found.hiddenBaseline.get("QA1")).toBeCloseTo(40, 9);
    const { problems } = await auditRelease(registered, before, policy, 25);
    expect(problems.some((p) => p.includes("hidden sub-ICB baseline of 40"))).toBe(true);
  });

  it("gives nothing away once an ICB's opportunity sums its published locations only", async () => {
    const { tables } = await protectRelease(registered, outsiders);
    expect(row(tables, "QA1").opportunity_spells).toBeCloseTo(
      row(tables, "S03").opportunity_spells as number,
      9,
    );
    const found = goalChannel(tables.baselines, tables.variation[0], tables.organisations);
    expect(found.hiddenOpportunity.size).toBe(0);
    expect((await auditRelease(registered, tables, policy, 25)).problems).toEqual([]);
  });
});

describe("bounds and elimination together", () => {
  // Hidden x = 3 (small), p = 10, q = 12, r = 0, s = 0; published A = 25 = x + p + q, B = 22 = p + q + r,
  // C = 13 = x + r + s + u with u = 10 shown. Elimination gives x − r = 3, bounds give x + r ≤ 3:
  // only together do they pin x = 3.
  const relations = [
    { total: 5, parts: [0, 1, 2] },
    { total: 6, parts: [1, 2, 3] },
    { total: 7, parts: [0, 3, 4, 8] },
  ];
  const values = [3, 10, 12, 0, 0, 25, 22, 13, 10];
  const hidden = [0, 1, 2, 3, 4];
  const view = (hiddenCells: number[]): PublicView => {
    const published = values.map((v, i) => (hiddenCells.includes(i) ? null : v));
    return { published, lower: published.map(() => 0), upper: published.map(() => Infinity) };
  };
  const problem = (hiddenCells: number[]): LinearProblem => {
    const index = new Map(hiddenCells.map((c, i) => [c, i] as const));
    return {
      lower: hiddenCells.map(() => 0),
      upper: hiddenCells.map(() => Infinity),
      rows: relations.map(({ total, parts }) => {
        const terms = [[total, 1], ...parts.map((p) => [p, -1])] as [number, number][];
        const known = terms.filter(([c]) => !index.has(c)).reduce((s, [c, w]) => s + w * (values[c] ?? 0), 0);
        const unknown = terms.filter(([c]) => index.has(c));
        return {
          variables: unknown.map(([c]) => index.get(c) as number),
          coefficients: unknown.map(([, w]) => w),
          lower: -known,
          upper: -known,
        };
      }),
    };
  };

  it("is missed by bounds and elimination run apart, and found by the LP", async () => {
    expect(findRecoverableCells(relations, view(hidden))).toEqual([]);
    const { intervals } = await cellIntervals(problem(hidden), [0], { integer: true });
    expect(intervals.get(0)).toEqual([3, 3]);
  });

  it("leaves x protected only once enough cells beside it are hidden", async () => {
    // Hiding u alone still leaves x in 3..8 (x − r = 3 and x + r ≤ 13): too narrow.
    const withU = await cellIntervals(problem([...hidden, 8]), [0], { integer: true });
    expect(withU.intervals.get(0)).toEqual([3, 8]);
    expect(protects(withU.intervals.get(0) as [number, number], 5)).toBe(false);
    // Hiding the total A as well: x is anywhere in 0..13.
    const withA = await cellIntervals(problem([...hidden, 8, 5]), [0], { integer: true });
    expect(withA.intervals.get(0)).toEqual([0, 13]);
    expect(protects(withA.intervals.get(0) as [number, number], 5)).toBe(true);
  });
});

describe("protectRelease against the LP attacker", () => {
  const counts = fc.array(
    fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 6, max: 60 })),
    { minLength: 12, maxLength: 12 },
  );
  const country = fc.record({ S01: counts, S02: counts, S03: counts, S04: counts, S05: counts, S06: counts });

  it("leaves every small count at least threshold + 1 wide and never inside 1..threshold, for random releases", async () => {
    await fc.assert(
      fc.asyncProperty(country, fc.constantFrom(5, 7), async (sub, threshold) => {
        const registered = smallCountry(sub);
        const { tables } = await protectRelease(registered, { threshold, ...outsiders });
        const { intervals, notFromPublished } = await attackRelease(tables, {
          threshold,
          rounding: null,
          goalPercentile: 25,
          registered,
        });
        expect(notFromPublished).toEqual([]);
        const truth = new Map<string, number>();
        for (const m of registered.monthly)
          truth.set(`${ID}|m|${m.level}|${m.org_code}|${m.month}`, m.spells ?? 0);
        for (const b of registered.baselines) {
          truth.set(`${ID}|b|${b.level}|${b.org_code}`, b.baseline_spells ?? 0);
          truth.set(`${ID}|l|${b.level}|${b.org_code}`, b.latest_spells ?? 0);
        }
        let small = 0;
        for (const [key, value] of truth) {
          if (value < 1 || value > threshold) continue;
          small++;
          const interval = intervals.get(key);
          expect(interval, key).toBeDefined();
          expect(protects(interval as [number, number], threshold), `${key} = ${value} in ${interval}`).toBe(
            true,
          );
        }
        // Every small count is hidden: none is published.
        const shown = tables.monthly.filter(
          (m) => m.spells !== null && m.spells >= 1 && m.spells <= threshold,
        );
        expect(shown).toEqual([]);
        return small >= 0;
      }),
      { numRuns: 25, seed: 13 },
    );
  }, 120_000);

  it("leaves no small count outside any registered scope narrowed for that scope's holder, for random releases", async () => {
    await fc.assert(
      fc.asyncProperty(country, async (sub) => {
        const registered = smallCountry(sub);
        const { tables } = await protectRelease(registered);
        // The attacker's own insider audit, independent of the repair that built the side.
        const audit = await auditRelease(registered, tables, policy, 25, {
          insiders: registeredScopes(registered.organisations),
        });
        expect(audit.problems).toEqual([]);
        expect(audit.exposed).toEqual([]);
      }),
      { numRuns: 4, seed: 13, endOnFailure: true },
    );
  }, 600_000);
});

describe("the insider audit's shortcuts", () => {
  const counts = fc.array(
    fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 6, max: 40 })),
    { minLength: 12, maxLength: 12 },
  );
  const country = fc.record({ S01: counts, S02: counts, S03: counts, S04: counts, S05: counts, S06: counts });

  it("exposes the same hidden counts as attacking every scope on every count in every component, for random releases", async () => {
    let leaks = 0;
    await fc.assert(
      fc.asyncProperty(country, async (sub) => {
        const registered = smallCountry(sub);
        // Protected against outsiders only, so that insiders have something to find.
        const { tables } = await protectRelease(registered, outsiders);
        const insiders = registeredScopes(registered.organisations);
        const fast = await auditRelease(registered, tables, policy, 25, { insiders, insidersOnly: true });
        const every = await auditRelease(registered, tables, policy, 25, {
          insiders,
          insidersOnly: true,
          insiderShortcuts: false,
        });
        const ids = (exposed: typeof fast.exposed) =>
          [...new Set(exposed.map((e) => `${e.intervention}|${e.key}`))].sort();
        expect(ids(fast.exposed)).toEqual(ids(every.exposed));
        leaks += every.exposed.length;
        // The shortcut never bounds a count more often than the reference.
        expect(fast.stats.solves).toBeLessThanOrEqual(every.stats.solves);
      }),
      { numRuns: 12, seed: 29, endOnFailure: true },
    );
    // Not vacuous: outsiders-only suppression leaves insiders something to find in these releases.
    expect(leaks).toBeGreaterThan(0);
  }, 600_000);
});

describe("whole numbers where the LP bound is loose", () => {
  // A published weighted total 2a + 3b = 7 (weights such as a trajectory share or a stratum's
  // standard-population weight ÷ population give rows like it). The LP allows a anywhere in
  // 0..3.5, rounded inwards 0..3; in whole numbers only a = 2, b = 1 satisfies it.
  const weighted: LinearProblem = {
    lower: [0, 0],
    upper: [Infinity, Infinity],
    rows: [{ variables: [0, 1], coefficients: [2, 3], lower: 7, upper: 7 }],
  };

  it("leaves a count 0..3 wide by LP rounding, and pins it at 2 as a mixed-integer programme", async () => {
    const lp = await cellIntervals(weighted, [0, 1], { integer: true, mip: false });
    expect(lp.intervals.get(0)).toEqual([0, 3]);
    expect(lp.intervals.get(1)).toEqual([0, 2]);
    const mip = await cellIntervals(weighted, [0, 1], { integer: true, mip: true });
    expect(mip.intervals.get(0)).toEqual([2, 2]);
    expect(mip.intervals.get(1)).toEqual([1, 1]);
  });

  it("solves a component with a non-unit coefficient as a MIP by default in the attack, and an unbounded max stays unbounded", async () => {
    const auto = await cellIntervals(weighted, [0], { integer: true, mip: "auto" });
    expect(auto.intervals.get(0)).toEqual([2, 2]);
    const open: LinearProblem = {
      lower: [0, 0],
      upper: [Infinity, Infinity],
      rows: [{ variables: [0, 1], coefficients: [2, -3], lower: 1, upper: 1 }],
    };
    const unbounded = await cellIntervals(open, [0], { integer: true, mip: true });
    expect(unbounded.intervals.get(0)).toEqual([2, Infinity]);
  });
});

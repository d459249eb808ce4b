import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auditPublicRelease } from "../../../../src/products/ebi/disclosure/auditPublicRelease.ts";
import {
  protectRelease,
  type ReleaseTables,
} from "../../../../src/products/ebi/disclosure/protectRelease.ts";
import type {
  BaselineRow,
  EquityRow,
  MonthlyRow,
  OrganisationRow,
} from "../../../../src/products/ebi/release/tables.ts";

const ID = "test/knee";
const organisations: OrganisationRow[] = [
  { level: "england", org_code: "ENG", name: "England", parent_code: null },
  { level: "region", org_code: "Y01", name: "North", parent_code: "ENG" },
  { level: "icb", org_code: "QA1", name: "ICB A", parent_code: "Y01" },
  { level: "sub_icb", org_code: "S01", name: "Place 1", parent_code: "QA1" },
  { level: "sub_icb", org_code: "S02", name: "Place 2", parent_code: "QA1" },
  { level: "sub_icb", org_code: "S03", name: "Place 3", parent_code: "QA1" },
];
const commissioners = organisations.map((o) => [o.level, o.org_code] as const);
const months = ["2017-04-01", "2017-05-01", "2017-06-01"];

function baseline(level: BaselineRow["level"], org: string, spells: number): BaselineRow {
  return {
    intervention_id: ID,
    level,
    org_code: org,
    baseline_start: months[0] as string,
    baseline_end: months[2] as string,
    baseline_spells: spells,
    population: 100_000,
    crude_rate: spells,
    dsr: spells,
    dsr_lower: spells / 2,
    dsr_upper: spells * 2,
    goal_rate: 10,
    goal_spells: spells * 0.9,
    opportunity_spells: spells * 0.1,
    latest_start: months[0] as string,
    latest_end: months[2] as string,
    latest_spells: spells,
    latest_dsr: spells,
    progress: 0,
    unit_cost: 1264,
    baseline_cost: spells * 1264,
    opportunity_cost: spells * 126.4,
    suppressed: null,
  };
}

/** A release whose sub-ICB monthly counts are given; every total is their sum. */
function release(sub: Record<string, number[]>): ReleaseTables {
  const monthly: MonthlyRow[] = [];
  const baselines: BaselineRow[] = [];
  const totals = new Map<string, number[]>();
  const add = (key: string, values: number[]) =>
    totals.set(
      key,
      (totals.get(key) ?? [0, 0, 0]).map((v, i) => v + (values[i] ?? 0)),
    );
  for (const [org, values] of Object.entries(sub)) {
    add(`sub_icb|${org}`, values);
    add("icb|QA1", values);
    add("region|Y01", values);
    add("england|ENG", values);
  }
  for (const [level, org] of commissioners) {
    const values = totals.get(`${level}|${org}`) ?? [0, 0, 0];
    for (const [i, month] of months.entries())
      monthly.push({
        intervention_id: ID,
        level,
        org_code: org,
        month,
        spells: values[i] ?? 0,
        suppressed: null,
      });
    baselines.push(
      baseline(
        level,
        org,
        values.reduce((a, b) => a + b, 0),
      ),
    );
  }
  return { organisations, monthly, baselines, trajectory: [], variation: [], equity: [], quarterly: [] };
}

const publishedCounts = (tables: ReleaseTables) => [
  ...tables.monthly.map((r) => r.spells),
  ...tables.baselines.flatMap((r) => [r.baseline_spells, r.latest_spells]),
  ...tables.equity.map((r) => r.spells),
];

describe("protectRelease", () => {
  it("hides a second sub-ICB location when one is redacted and the ICB total is shown", async () => {
    // Sub-ICB totals 3, 40, 60 over one month each: the 3 alone would be 103 − 40 − 60.
    const { tables } = await protectRelease(release({ S01: [3, 0, 0], S02: [40, 0, 0], S03: [60, 0, 0] }), {
      insiderScopes: [],
    });
    const row = (org: string) => tables.baselines.find((b) => b.org_code === org) as BaselineRow;
    expect(row("S01").suppressed).toBe("redacted");
    expect(row("S01").baseline_spells).toBeNull();
    expect(row("S02").suppressed).toBe("redacted");
    expect(row("S03").baseline_spells).toBe(60);
    expect(row("QA1").baseline_spells).toBe(103);
  });

  it("hides a third location when a registered user of the second could subtract their own count", async () => {
    // With S01 and S02 hidden, S02's own users know 40, so 103 − 40 − 60 gives S01 = 3 again.
    const { tables, report } = await protectRelease(
      release({ S01: [3, 0, 0], S02: [40, 0, 0], S03: [60, 0, 0] }),
    );
    const row = (org: string) => tables.baselines.find((b) => b.org_code === org) as BaselineRow;
    expect(row("S01").baseline_spells).toBeNull();
    expect(row("S02").baseline_spells).toBeNull();
    expect(row("S03").baseline_spells).toBeNull();
    expect(row("QA1").baseline_spells).toBe(103);
    expect(report.insider.perScope.find((s) => s.scope === "sub_icb|S02")?.exposed).toBeGreaterThan(0);
  });

  it("redacts every figure computed from a redacted baseline", async () => {
    const { tables } = await protectRelease(release({ S01: [2, 1, 0], S02: [40, 30, 9], S03: [60, 7, 8] }));
    const s01 = tables.baselines.find((b) => b.org_code === "S01") as BaselineRow;
    for (const field of [
      "dsr",
      "crude_rate",
      "goal_spells",
      "opportunity_spells",
      "baseline_cost",
      "progress",
    ] as const)
      expect(s01[field]).toBeNull();
    expect(s01.population).toBe(100_000);
  });

  it("keeps zeros and counts above the threshold visible where nothing small sits beside them", async () => {
    const { tables, report } = await protectRelease(
      release({ S01: [0, 0, 0], S02: [40, 30, 9], S03: [60, 7, 8] }),
    );
    expect(report.primary).toBe(0);
    expect(tables.monthly.every((r) => r.spells !== null)).toBe(true);
  });

  it("publishes no count from 1 to 5 and nothing from which one can be worked out, for any small release", async () => {
    const counts = fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 80 })), {
      minLength: 3,
      maxLength: 3,
    });
    await fc.assert(
      fc.asyncProperty(counts, counts, counts, async (a, b, c) => {
        const registered = release({ S01: a, S02: b, S03: c });
        // The public side alone: the insider audit has its own tests and is slow over 200 releases.
        const { tables } = await protectRelease(registered, { insiderScopes: [] });
        expect(publishedCounts(tables).filter((v) => v !== null && v >= 1 && v <= 5)).toEqual([]);
        expect(auditPublicRelease(registered, tables, 5)).toEqual([]);
      }),
      { numRuns: 200, seed: 42 },
    );
  }, 300_000);

  it("honours a threshold of 7", async () => {
    const registered = release({ S01: [7, 0, 0], S02: [40, 0, 0], S03: [60, 0, 0] });
    const { tables } = await protectRelease(registered, { threshold: 7 });
    expect(tables.baselines.find((b) => b.org_code === "S01")?.suppressed).toBe("redacted");
  });

  it("hides an IMD quintile together with the deciles it is the sum of", async () => {
    const registered = release({ S01: [10, 0, 0], S02: [40, 0, 0], S03: [60, 0, 0] });
    const equity: EquityRow[] = [];
    const group = (dimension: EquityRow["dimension"], code: string, spells: number): EquityRow => ({
      intervention_id: ID,
      level: "sub_icb",
      org_code: "S01",
      period: "baseline",
      dimension,
      group_code: code,
      group_label: code,
      group_order: Number(code),
      spells,
      population: 1000,
      crude_rate: spells,
      dsr: null,
      lower: null,
      upper: null,
      suppressed: null,
    });
    // Deciles 1–10 of S01's 10 spells: decile 1 holds 2 → quintile 1 (= deciles 1+2) must not reveal it.
    const deciles = [2, 8, 0, 0, 0, 0, 0, 0, 0, 0];
    for (const [i, n] of deciles.entries()) equity.push(group("imd_decile", String(i + 1), n));
    for (const [i, n] of [10, 0, 0, 0, 0].entries()) equity.push(group("imd_quintile", String(i + 1), n));
    registered.equity = equity;
    const { tables } = await protectRelease(registered);
    const shown = (dimension: string, code: string) =>
      tables.equity.find((e) => e.dimension === dimension && e.group_code === code)?.spells;
    expect(shown("imd_decile", "1")).toBeNull();
    expect(shown("imd_decile", "2")).toBeNull();
    expect(auditPublicRelease(registered, tables, 5)).toEqual([]);
  });
});

describe("auditPublicRelease", () => {
  it("finds a redacted cell that is its row's total minus the shown cells", async () => {
    const registered = release({ S01: [3, 0, 0], S02: [40, 0, 0], S03: [60, 0, 0] });
    // A naive public side: only the 3 is hidden.
    const naive = structuredClone(registered);
    for (const row of naive.baselines.filter((b) => b.org_code === "S01")) {
      Object.assign(row, { baseline_spells: null, latest_spells: null, suppressed: "redacted" });
      Object.assign(row, { dsr: null, crude_rate: null, goal_spells: null, opportunity_spells: null });
      Object.assign(row, { baseline_cost: null, latest_dsr: null, progress: null });
    }
    for (const row of naive.monthly.filter((m) => m.org_code === "S01" && m.spells === 3))
      Object.assign(row, { spells: null, suppressed: "redacted" });
    const problems = auditPublicRelease(registered, naive, 5);
    expect(problems.some((p) => p.includes("b|sub_icb|S01") && p.includes("worked out"))).toBe(true);
  });

  it("reports a published count of 4", async () => {
    const registered = release({ S01: [4, 0, 0], S02: [40, 0, 0], S03: [60, 0, 0] });
    expect(auditPublicRelease(registered, registered, 5).some((p) => p.includes("published count 4"))).toBe(
      true,
    );
  });
});

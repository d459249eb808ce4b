import { describe, expect, it } from "vitest";
import { upsertUser } from "../../../src/identity/users.ts";
import { strategyCatalogue } from "../../../src/products/planned-care/strategies/catalogue.ts";
import {
  checkStrategyInput,
  listStrategies,
  recordStrategy,
  type StrategyRecord,
} from "../../../src/products/planned-care/strategies/strategyRecords.ts";
import { quarterOf, trackStrategy } from "../../../src/products/planned-care/strategies/trackerFigures.ts";
import { openState } from "../../../src/state/stateDb.ts";

const strategy = (org: string, id = "case-finding"): StrategyRecord => ({
  id: `s-${org}`,
  org_code: org,
  strategy_id: id,
  group_ids: ["planned-care/cataract"],
  population: "imd-quintile-1",
  started_on: "2023-05-10",
  ended_on: null,
  note: "",
  recorded_by: "u",
  recorded_at: "2023-05-10T00:00:00.000Z",
});
const quarters = [
  "2022-04-01",
  "2022-07-01",
  "2022-10-01",
  "2023-01-01",
  "2023-04-01",
  "2023-07-01",
  "2023-10-01",
  "2024-01-01",
];

describe("trackStrategy", () => {
  // The ICB's gap: 10, 12, 10, 12 before; 6, 4, 6, 4 after. Comparator B: 10 throughout; C runs the same approach.
  const gaps: Record<string, number[]> = {
    A: [10, 12, 10, 12, 6, 4, 6, 4],
    B: [10, 10, 10, 10, 10, 10, 10, 10],
    C: [0, 0, 0, 0, 0, 0, 0, 0],
  };
  const series = Object.entries(gaps).flatMap(([org, values]) =>
    values.map((gap, i) => ({
      group_id: "planned-care/cataract",
      org_code: org,
      quarter: quarters[i] as string,
      most_deprived_rate: 0,
      least_deprived_rate: gap,
      gap,
    })),
  );
  const result = trackStrategy({
    strategy: strategy("A"),
    group_id: "planned-care/cataract",
    series,
    allStrategies: [strategy("A"), strategy("C")],
    icbs: ["A", "B", "C"],
  });

  it("compares with ICBs that did not run the approach, from the quarter it started", () => {
    expect(result.start_quarter).toBe("2023-04-01");
    expect(result.comparators).toEqual(["B"]);
    expect(result.before).toEqual({ gap: 11, comparator_gap: 10 });
    expect(result.after).toEqual({ gap: 5, comparator_gap: 10 });
  });

  it("estimates the change by segmented regression of the difference, worked by hand", () => {
    // Difference 0, 2, 0, 2 at t −4…−1: t̄ −2.5, Sxx 5, Sxy 2, slope 0.4, value at 0: 1 + 0.4 × 2.5 = 2.
    // After: −4, −6, −4, −6 at t 0…3: slope −0.4, value at 0: −5 + 0.4 × 1.5 = −4.4. Level change −6.4.
    // Residuals before −0.4, 1.2, −1.2, 0.4 (RSS 3.2), after the same; σ² = 6.4 / 4 = 1.6.
    const fit = result.controlled;
    expect(fit?.levelChange.value).toBeCloseTo(-6.4, 10);
    expect(fit?.slopeChange.value).toBeCloseTo(-0.8, 10);
    expect(fit?.sigma).toBeCloseTo(Math.sqrt(1.6), 10);
    // Var(level) = 1.6 × [(1/4 + 2.5²/5) + (1/4 + 1.5²/5)] = 3.52; t(4) = 2.776445.
    expect((fit?.levelChange.upper ?? 0) - (fit?.levelChange.value ?? 0)).toBeCloseTo(
      2.776445 * Math.sqrt(3.52),
      4,
    );
  });

  it("puts a date in its quarter", () => {
    expect(quarterOf("2023-05-10")).toBe("2023-04-01");
    expect(quarterOf("2024-12-31")).toBe("2024-10-01");
  });
});

describe("checkStrategyInput", () => {
  const scope = { keys: new Set(["icb|A"]), key: "k", grants: [] };
  const context = { groupIds: ["planned-care/cataract"], icbs: ["A", "B"], scope };
  const good = {
    org_code: "a",
    strategy_id: "active-waiting",
    group_ids: "planned-care/cataract",
    population: "everyone",
    started_on: "2024-04-01",
  };

  it("accepts a complete record and normalises it", () => {
    expect(checkStrategyInput(good, context)).toMatchObject({
      org_code: "A",
      group_ids: ["planned-care/cataract"],
      ended_on: null,
    });
  });
  it("names the field, value and what was expected for each kind of mistake", () => {
    expect(() => checkStrategyInput({ ...good, strategy_id: "magic" }, context)).toThrow(
      /"magic" is not an approach/,
    );
    expect(() => checkStrategyInput({ ...good, group_ids: [] }, context)).toThrow(
      /at least one procedure group/,
    );
    expect(() => checkStrategyInput({ ...good, started_on: "2024-02-30" }, context)).toThrow(/is not a date/);
    expect(() => checkStrategyInput({ ...good, ended_on: "2024-01-01" }, context)).toThrow(
      /on or after the start/,
    );
    expect(() => checkStrategyInput({ ...good, org_code: "B" }, context)).toThrow(
      /only for ICBs in your scope/,
    );
  });
});

describe("strategy records", () => {
  it("are stored in PostgreSQL and read back by organisation", async () => {
    const db = await openState({ url: process.env.DATABASE_URL, dir: null });
    try {
      const clock = { now: () => new Date("2024-05-01T10:00:00Z") };
      const user = await upsertUser(db, clock, {
        username: `pc-${Date.now()}`,
        name: "Analyst",
        org_code: "A",
        org_type: "icb",
        role: "viewer",
        subject: `pc-${Date.now()}`,
        source: "demo",
      });
      const principal = {
        userId: user.id,
        username: user.username,
        name: "Analyst",
        orgCode: "A",
        orgType: "icb" as const,
        role: "viewer" as const,
        source: "demo",
      };
      const org = `T${Date.now() % 100000}`;
      const saved = await recordStrategy(db, null, clock, principal, {
        org_code: org,
        strategy_id: "active-waiting",
        group_ids: ["planned-care/cataract"],
        population: "everyone",
        started_on: "2024-04-01",
        ended_on: null,
        note: "n",
      });
      const listed = await listStrategies(db, [org]);
      expect(listed).toEqual([saved]);
      expect(listed[0]?.started_on).toBe("2024-04-01");
      expect(listed[0]?.group_ids).toEqual(["planned-care/cataract"]);
    } finally {
      await db.close();
    }
  });
});

describe("strategyCatalogue", () => {
  it("holds the 18 approaches, each with what it targets and how its effect would show", () => {
    expect(strategyCatalogue).toHaveLength(18);
    expect(new Set(strategyCatalogue.map((s) => s.id)).size).toBe(18);
    for (const s of strategyCatalogue) expect(s.targets.length > 20 && s.evidence.length > 20).toBe(true);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestActivity } from "../../../src/activity/index.ts";
import type { Database } from "../../../src/db/index.ts";
import { generateDemo } from "../../../src/demo/generateDemo.ts";
import { loadDemo } from "../../../src/demo/loadDemo.ts";
import { quietEffects } from "../../../src/effects/index.ts";
import { runStages } from "../../../src/pipeline/runStages.ts";
import {
  type PlannedCareState,
  plannedCareStages,
} from "../../../src/products/planned-care/buildPlannedCare.ts";
import {
  type DemoStrategy,
  generatePlannedCare,
} from "../../../src/products/planned-care/demo/generatePlannedCare.ts";
import { loadGroups } from "../../../src/products/planned-care/loadGroups.ts";
import type { StrategyRecord } from "../../../src/products/planned-care/strategies/strategyRecords.ts";
import {
  type GapPoint,
  gapSeries,
  trackStrategy,
} from "../../../src/products/planned-care/strategies/trackerFigures.ts";
import { openStore } from "../../../src/store/index.ts";

/**
 * The demo country's planned care with its strategy, through the build's own classify and aggregate
 * stages and the tracker's gap series and estimate. Demo activity for EBI is one month of 2019, so
 * the tracker's window (from 2021/22) holds only the planned-care demo's admissions.
 */
const scale = 0.02;
let root: string;
let series: GapPoint[];
let icbs: string[];
let demo: DemoStrategy;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "ebi-pc-tracker-"));
  const demoDir = join(root, "demo");
  await generateDemo(
    { outDir: demoDir, scale, start: "2019-04-01", end: "2019-04-30", formats: ["parquet"] },
    quietEffects(),
  );
  const db: Database = await openStore(join(root, "store.duckdb"));
  try {
    await loadDemo(db, demoDir, join(root, "reports"), quietEffects());
    const generated = await generatePlannedCare(db, join(demoDir, "planned-care"), quietEffects(), {
      start: "2021-04-01",
      end: "2025-03-31",
    });
    demo = generated.strategy;
    await ingestActivity(
      db,
      { kind: "apc", files: [generated.apc], reportsDir: join(root, "reports") },
      quietEffects(),
    );
    const { sets, groups } = await loadGroups([], { beside: false });
    await db.withConnection(async (connection) => {
      const state: PlannedCareState = {
        connection,
        options: { outDir: join(root, "planned-care") },
        sets,
        groups: groups.filter((g) => demo.group_ids.includes(g.group_id)),
        threshold: 5,
      };
      await runStages(plannedCareStages.slice(0, 2), state, quietEffects());
      const aggregated = state.aggregated as NonNullable<PlannedCareState["aggregated"]>;
      series = gapSeries(aggregated.quarters, (year) => aggregated.populations.get(year)?.rows ?? []);
      icbs = aggregated.orgs.filter((o) => o.level === "icb").map((o) => o.org_code);
    });
  } finally {
    db.close();
  }
}, 900_000);
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const record = (org_code: string): StrategyRecord => ({
  id: `demo-${org_code}`,
  org_code,
  strategy_id: demo.strategy_id,
  group_ids: demo.group_ids,
  population: demo.population,
  started_on: demo.started_on,
  ended_on: null,
  note: "",
  recorded_by: "test",
  recorded_at: "2023-04-01T00:00:00Z",
});

describe("the demo's strategy in the tracker", () => {
  const runner = () => record(demo.icb);
  const track = (strategy: StrategyRecord, all: StrategyRecord[]) =>
    trackStrategy({ strategy, group_id: "planned-care/all-planned", series, allStrategies: all, icbs });

  it("narrows the demo ICB's deprivation gap in all planned care, with an interval for the change by the latest quarter wholly below zero", () => {
    const result = track(runner(), [runner()]);
    // A gradient to narrow: before the start the least deprived get more (gap above 0) ...
    expect(result.before.gap ?? 0).toBeGreaterThan(0);
    // ... and afterwards the ICB's gap falls by over 40% while its comparators' does not fall.
    expect(result.after.gap ?? 0).toBeLessThan(0.6 * (result.before.gap ?? 0));
    expect(result.after.comparator_gap ?? 0).toBeGreaterThanOrEqual(result.before.comparator_gap ?? 0);
    expect(result.comparators.length).toBe(5);
    // The page's headline: the change in the gap by the latest quarter, against the comparators.
    const effect = result.controlled?.effect;
    expect(effect).toBeDefined();
    expect(effect?.upper ?? 0).toBeLessThan(0);
    expect(result.controlled?.levelChange.value ?? 0).toBeLessThan(0);
  });

  it("finds such a narrowing in no more ICBs without the strategy than chance would", () => {
    const others = icbs.filter((i) => i !== demo.icb);
    expect(others.length).toBe(8);
    // Each interval is 95% two-sided, so one ICB without the strategy shows a narrowing (upper bound
    // below 0) by chance with probability 2.5%. Of 8, the chance that 2 or more do is about 1.6%.
    const narrowed = others.filter((other) => {
      const placebo = record(other);
      const effect = track(placebo, [runner(), placebo]).controlled?.effect;
      expect(effect, other).toBeDefined();
      return (effect?.upper ?? 0) < 0;
    });
    expect(narrowed.length).toBeLessThanOrEqual(1);
  });
});

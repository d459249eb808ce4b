import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ingestActivity } from "../../../src/activity/index.ts";
import { allOn, quoteLiteral } from "../../../src/db/index.ts";
import { generateDemo } from "../../../src/demo/generateDemo.ts";
import { loadDemo } from "../../../src/demo/loadDemo.ts";
import { quietEffects } from "../../../src/effects/index.ts";
import {
  buildPlannedCare,
  type PlannedCareRegistered,
} from "../../../src/products/planned-care/buildPlannedCare.ts";
import { generatePlannedCare } from "../../../src/products/planned-care/demo/generatePlannedCare.ts";
import { openStore } from "../../../src/store/index.ts";

const root = mkdtempSync(join(tmpdir(), "ebi-pc-ethnic-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the demo's population by ethnic group, sex and age", () => {
  it("sums to its TS021 file and gives standardised ethnic-group rates that differ from crude ones", async () => {
    const demoDir = join(root, "demo");
    await generateDemo(
      { outDir: demoDir, scale: 0.003, start: "2019-04-01", end: "2019-04-30", formats: ["parquet"] },
      quietEffects(),
    );
    const db = await openStore(join(root, "store.duckdb"));
    try {
      await loadDemo(db, demoDir, join(root, "reports"), quietEffects());
      const generated = await generatePlannedCare(db, join(demoDir, "planned-care"), quietEffects(), {
        start: "2023-04-01",
        end: "2024-03-31",
      });
      // Each sub-ICB location × Census category: the TS021 total (by LSOA) equals the sum over sex and age.
      const differences = await db.withConnection((c) =>
        allOn<{ n: number; people: number }>(
          c,
          `WITH ts AS (
             SELECT l.sub_icb, t."Ethnic group (20 categories)" AS label, sum(t."Observation") AS n
             FROM read_csv(${quoteLiteral(generated.ethnicPopulation)}, header = true) t
             JOIN ref_lsoa_sub_icb l ON l.lsoa = t."Lower layer Super Output Areas Code"
             WHERE t."Ethnic group (20 categories) Code" > 0 GROUP BY ALL
           ), eas AS (
             SELECT "Area code" AS sub_icb, "Ethnic group (20 categories)" AS label, sum("Observation") AS n
             FROM read_csv(${quoteLiteral(generated.ethnicAgeSexPopulation)}, header = true) GROUP BY ALL
           )
           SELECT count(*) FILTER (WHERE ts.n IS DISTINCT FROM eas.n) AS n, sum(eas.n) AS people
           FROM ts FULL JOIN eas USING (sub_icb, label)`,
        ),
      );
      expect(Number(differences[0]?.n)).toBe(0);
      expect(Number(differences[0]?.people)).toBeGreaterThan(10_000);
      await ingestActivity(
        db,
        { kind: "apc", files: [generated.apc], reportsDir: join(root, "reports") },
        quietEffects(),
      );
      const { dir, manifest } = await buildPlannedCare(
        db,
        {
          outDir: join(root, "planned-care"),
          ethnicPopulation: generated.ethnicPopulation,
          ethnicAgeSexPopulation: generated.ethnicAgeSexPopulation,
          synthetic: true,
          beside: false,
        },
        quietEffects(),
      );
      expect(manifest.ethnic_age_sex_population).toMatchObject({
        quarantined: 0,
        age_bands: [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90],
      });
      const registered: PlannedCareRegistered = JSON.parse(
        readFileSync(join(dir, "registered", "planned-care.json"), "utf8"),
      );
      const cell = (group: string) =>
        registered.cells.find(
          (c) =>
            c.group_id === "planned-care/hip-replacement" &&
            c.fyear === 2023 &&
            c.level === "england" &&
            c.dimension === "ethnic_group" &&
            c.group_code === group,
        );
      const asian = cell("asian");
      const white = cell("white");
      expect(asian?.rate_kind).toBe("dsr");
      expect(white?.rate_kind).toBe("dsr");
      const crude = (c: typeof asian) => ((c?.spells ?? 0) / (c?.population ?? 1)) * 100_000;
      // The demo's Asian group is younger, so standardising to ESP 2013 lifts its rate of hip
      // replacement far above its crude one, and the (older) White group's much less.
      const lift = (c: typeof asian) => (c?.rate ?? 0) / crude(c);
      expect(lift(asian)).toBeGreaterThan(1.3);
      expect(lift(asian)).toBeGreaterThan(1.3 * lift(white));
    } finally {
      db.close();
    }
  }, 600_000);
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ingestActivity } from "../../../src/activity/index.ts";
import { allOn, quoteLiteral } from "../../../src/db/index.ts";
import { quietEffects } from "../../../src/effects/index.ts";
import { buildApp } from "../../../src/products/buildApp.ts";
import { readRelease } from "../../../src/products/ebi/release/readRelease.ts";
import {
  buildPlannedCare,
  type PlannedCareRegistered,
} from "../../../src/products/planned-care/buildPlannedCare.ts";
import { generatePlannedCare } from "../../../src/products/planned-care/demo/generatePlannedCare.ts";
import { openStore } from "../../../src/store/index.ts";
import { demoRelease } from "../../fixtures/release/demoRelease.ts";

const hip = "planned-care/hip-replacement";

/** The ethnic-group caption of the equity page and the ethnic rows of its CSV, served from a build in `dir`. */
async function served(releasesDir: string, dir: string): Promise<{ caption: string; csv: string[] }> {
  process.env.EBI_PLANNED_CARE_DIR = dir;
  const app = await buildApp({ release: await readRelease(releasesDir) });
  try {
    const query = `group=${encodeURIComponent(hip)}&org=ENG&year=2023`;
    const page = await app.inject({ method: "GET", url: `/planned-care?${query}` });
    expect(page.statusCode).toBe(200);
    const caption = /id="table-ethnic"><caption[^>]*>([^<]*)</.exec(page.body)?.[1] ?? "";
    const csv = await app.inject({ method: "GET", url: `/api/v1/planned-care/equity.csv?${query}` });
    const lines = csv.body.split("\r\n");
    expect(lines[0]).toContain(",rate_kind,rate_method,rate,");
    return { caption, csv: lines.filter((l) => /,ethnic_group,(white|asian),/.test(l)) };
  } finally {
    await app.close();
    delete process.env.EBI_PLANNED_CARE_DIR;
  }
}

describe("the demo's population by ethnic group, sex and age", () => {
  it("sums to its TS021 file, gives standardised ethnic-group rates unlike the crude ones, and says which", async () => {
    const { root, releasesDir, storePath } = await demoRelease();
    const db = await openStore(storePath);
    const effects = quietEffects();
    let standardisedDir = "";
    let crudeDir = "";
    try {
      const generated = await generatePlannedCare(db, join(root, "demo", "planned-care"), effects, {
        start: "2023-04-01",
        end: "2024-03-31",
      });
      // Each sub-ICB location × Census category: the TS021 total (by LSOA) equals the sum over sex and age.
      const [check] = await db.withConnection((c) =>
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
      expect(Number(check?.n)).toBe(0);
      expect(Number(check?.people)).toBeGreaterThan(10_000);
      await ingestActivity(
        db,
        { kind: "apc", files: [generated.apc], reportsDir: join(root, "reports") },
        effects,
      );
      const build = async (name: string, withAgeSex: boolean) =>
        (
          await buildPlannedCare(
            db,
            {
              outDir: join(root, name),
              ethnicPopulation: generated.ethnicPopulation,
              ...(withAgeSex ? { ethnicAgeSexPopulation: generated.ethnicAgeSexPopulation } : {}),
              synthetic: true,
              beside: false,
            },
            effects,
          )
        ).dir;
      standardisedDir = await build("standardised", true);
      crudeDir = await build("crude", false);
    } finally {
      db.close();
    }
    const manifest = JSON.parse(readFileSync(join(standardisedDir, "manifest.json"), "utf8"));
    expect(manifest.ethnic_age_sex_population).toMatchObject({
      quarantined: 0,
      age_bands: [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90],
    });
    const registered: PlannedCareRegistered = JSON.parse(
      readFileSync(join(standardisedDir, "registered", "planned-care.json"), "utf8"),
    );
    const cell = (group: string) =>
      registered.cells.find(
        (c) =>
          c.group_id === hip &&
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
    // The page and the CSV say which kind of rate each build gives.
    const standardisedPage = await served(releasesDir, standardisedDir);
    expect(standardisedPage.caption).toContain("age-sex standardised rate");
    expect(standardisedPage.csv).toHaveLength(2);
    for (const l of standardisedPage.csv) expect(l).toContain(",dsr,age-sex standardised (ESP 2013),");
    const crudePage = await served(releasesDir, crudeDir);
    expect(crudePage.caption).toContain("crude rate");
    expect(crudePage.caption).not.toContain("standardised rate");
    expect(crudePage.csv).toHaveLength(2);
    for (const l of crudePage.csv) expect(l).toContain(",crude,crude,");
  }, 900_000);
});

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseHTML } from "linkedom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../../../../src/db/index.ts";
import { markGlanceRow } from "../../../../src/products/ebi/pages/publiclyHidden.ts";
import type { GlanceRow } from "../../../../src/products/ebi/queries/areaGlance.ts";
import { readRelease } from "../../../../src/products/ebi/release/readRelease.ts";
import { tableColumns } from "../../../../src/products/ebi/release/tables.ts";
import { fileSha256Sync } from "../../../../src/release/verifyRelease.ts";
import { writeRowsToParquet } from "../../../../src/release/writeTable.ts";
import { writeRegisteredFixture } from "../../../fixtures/release/registeredFixture.ts";
import { fixture } from "../../../fixtures/release/releaseFixture.ts";
import { type RegisteredTestApp, registeredTestApp } from "../../../server/registeredApp.ts";
import { type CookieJar, signIn } from "../../../server/signInFlow.ts";

// The fixture with one row the public side shows in part: S2's knee baseline row publishes its
// baseline and goal but hides its latest 12 months (and what is worked out from them). A registered
// page must mark the latest figure and progress, and neither the baseline nor the goal.
let t: RegisteredTestApp;
let icb: CookieJar;
let otherIcb: CookieJar;
beforeAll(async () => {
  const { releasesDir, dir } = await writeRegisteredFixture();
  const pub = await readRelease(releasesDir);
  const baselines = pub.baselines.map((b) =>
    b.intervention_id === fixture.knee && b.level === "sub_icb" && b.org_code === "S2"
      ? {
          ...b,
          latest_spells: null,
          latest_dsr: null,
          progress: null,
          opportunity_cost: null,
          opportunity_spells: null,
        }
      : b,
  );
  const file = join(dir, "public", "baselines.parquet");
  const db = await Database.open(":memory:");
  try {
    await db.withConnection((c) =>
      writeRowsToParquet(c, baselines as never, tableColumns("baselines"), file),
    );
  } finally {
    db.close();
  }
  const manifestPath = join(dir, "manifest.json");
  const manifest = JSON.parse((await import("node:fs")).readFileSync(manifestPath, "utf8"));
  manifest.tables.baselines.sha256 = fileSha256Sync(file);
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  t = await registeredTestApp({ releasesDir });
  icb = (await signIn(t.send, "icb-analyst")).jar;
  otherIcb = (await signIn(t.send, "other-icb-analyst")).jar;
}, 120_000);
afterAll(async () => {
  await t?.close();
});

async function page(url: string, jar: CookieJar): Promise<Document> {
  const response = await t.app.inject({ method: "GET", url, headers: { cookie: jar.header() } });
  expect(response.statusCode, url).toBe(200);
  expect(response.headers["cache-control"]).toContain("private");
  return parseHTML(response.body).document as unknown as Document;
}

const marked = (el: Element | null | undefined) => Boolean(el?.querySelector(".ebi-hidden-mark"));
const cellsOfRow = (doc: Document, table: string, rowText: string) => {
  const row = Array.from(doc.querySelectorAll(`${table} tbody tr`)).find((r) =>
    r.textContent?.includes(rowText),
  );
  if (!row) throw new Error(`no row "${rowText}" in ${table}`);
  return Array.from(row.querySelectorAll("td"));
};

describe("registered pages mark each figure the public sees hidden, and no other", () => {
  it("marks the latest 12 months and progress in an organisation's baseline table, not its baseline or goal", async () => {
    const doc = await page("/organisations/S2", icb);
    // Intervention, list, confidence, then baseline, goal, latest 12 months, latest period, progress, opportunity.
    const cells = cellsOfRow(doc, "#interventions", "Knee");
    const [baseline, goal, latest, , progress] = cells.slice(2);
    expect(baseline?.textContent).toMatch(/\d/);
    expect(marked(baseline)).toBe(false);
    expect(marked(goal)).toBe(false);
    expect(marked(latest)).toBe(true);
    expect(marked(progress)).toBe(true);
    // The peers table's rate is published for S2: no mark.
    expect(marked(cellsOfRow(doc, "#peers", "Knee")[0])).toBe(false);
  });

  it("marks only the hidden figure in an intervention page's headline", async () => {
    const doc = await page(`/interventions/${fixture.knee}?org=S2`, icb);
    const lede = doc.querySelector(".nhsuk-lede-text");
    const text = lede?.innerHTML ?? "";
    const [beforeLatest, afterLatest] = text.split(" in the latest 12 months");
    // One mark, straight after the latest 12 months' figure: none after the baseline or the goal.
    expect(lede?.querySelectorAll(".ebi-hidden-mark").length).toBe(1);
    expect(beforeLatest?.split("spells in the baseline year")[1]).toContain("ebi-hidden-mark");
    expect(afterLatest).not.toContain("ebi-hidden-mark");
  });

  it("marks a hidden rate, its spells and interval in compare areas and a trend, not a published one", async () => {
    const compare = await page(
      `/compare?intervention=${fixture.grommets}&level=sub_icb&benchmark=england`,
      otherIcb,
    );
    const row = Array.from(compare.querySelectorAll("#compare tbody tr")).find((r) =>
      r.textContent?.includes("03C"),
    );
    if (!row) throw new Error("no S3 row");
    const [, spells, , rate, interval] = Array.from(row.querySelectorAll("td"));
    expect(spells?.textContent).toContain("24");
    expect([marked(spells), marked(rate), marked(interval)]).toEqual([true, true, true]);
    const knee = await page(
      `/compare?intervention=${fixture.knee}&level=sub_icb&benchmark=england`,
      otherIcb,
    );
    expect(knee.querySelectorAll("#compare .ebi-hidden-mark").length).toBe(0);
    // A trend's yearly rates: S3's grommets years are hidden publicly, England's are published.
    const trend = await page(`/trends?org=S3&intervention=${fixture.grommets}`, otherIcb);
    const years = Array.from(trend.querySelectorAll("#trend tbody tr")).map((r) =>
      Array.from(r.querySelectorAll("td")),
    );
    expect(years.length).toBeGreaterThan(0);
    for (const [spells, rate, interval, england] of years) {
      expect(spells?.textContent).toMatch(/\d/);
      expect([marked(spells), marked(rate), marked(interval), marked(england)]).toEqual([
        true,
        true,
        true,
        false,
      ]);
    }
  });
});

describe("an area at a glance's row as a registered page shows it", () => {
  const rate = {
    spells: 24,
    population: 300_000,
    rate: 8,
    lower: 5,
    upper: 12,
    status: "shown" as const,
    public_hidden: false,
  };
  const row = {
    intervention: { intervention_id: "x" },
    rate,
    england: 10,
    vsEngland: null,
    peerMedian: 9,
    peerLowerQuartile: 7,
    vsPeers: null,
    opportunityAtMedian: 0,
    opportunityAtLowerQuartile: 3,
    range: null,
    flagged: false,
  } as unknown as GlanceRow;

  it("marks the rate and what is worked out from it where the public row hides them, and the peers' median where it differs", () => {
    const published = {
      ...row,
      rate: { ...rate, spells: null, rate: null, lower: null, upper: null, status: "suppressed" },
      peerMedian: 9.5,
      opportunityAtMedian: null,
      opportunityAtLowerQuartile: null,
    } as unknown as GlanceRow;
    const marked = markGlanceRow(row, published);
    expect([marked.rate.spells_hidden, marked.rate.public_hidden, marked.rate.interval_hidden]).toEqual([
      true,
      true,
      true,
    ]);
    expect(marked.hidden).toEqual({
      england: false,
      peerMedian: true,
      peerLowerQuartile: false,
      opportunityAtMedian: true,
      opportunityAtLowerQuartile: true,
    });
  });

  it("marks nothing on a row the public side shows whole", () => {
    const marked = markGlanceRow(row, row);
    expect([marked.rate.spells_hidden, marked.rate.public_hidden, marked.rate.interval_hidden]).toEqual([
      false,
      false,
      false,
    ]);
    expect(Object.values(marked.hidden).some(Boolean)).toBe(false);
  });
});

import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/products/buildApp.ts";
import { areaGlance } from "../../src/products/ebi/queries/areaGlance.ts";
import { compareAreas } from "../../src/products/ebi/queries/compareAreas.ts";
import { releaseAtPeriod } from "../../src/products/ebi/queries/periodRates.ts";
import { type LoadedRelease, readRelease } from "../../src/products/ebi/release/readRelease.ts";
import { demoRelease } from "../fixtures/release/demoRelease.ts";

const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const axeSource = readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
const colonoscopy = "ebi-list-2/appropriate-colonoscopy";

let app: FastifyInstance;
let browser: Browser;
let base: string;
let release: LoadedRelease;

beforeAll(async () => {
  // $EBI_TEST_RELEASES reuses releases already built (a workspace's releases/), to rerun quickly.
  const releasesDir = process.env.EBI_TEST_RELEASES ?? (await demoRelease()).releasesDir;
  release = await readRelease(releasesDir);
  app = await buildApp({ release });
  await app.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: chromiumPath });
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** A page that records console errors, failed requests and HTTP errors. */
async function open(path: string, width = 1400): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`${m.text()} ${m.location().url}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on("pageerror", (e) => errors.push(e.message));
  const response = await page.goto(base + path, { waitUntil: "load" });
  expect(response?.status(), path).toBe(200);
  return { page, errors };
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const result = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: Document) => Promise<unknown> } }).axe;
    return axe.run(document);
  })) as { violations: { id: string; impact: string; nodes: { html: string }[] }[] };
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.nodes.length}): ${v.nodes[0]?.html.slice(0, 120)}`);
}

describe("comparing areas in a real browser", () => {
  for (const [device, width] of [
    ["desktop", 1400],
    ["phone", 390],
  ] as const)
    it(`finds an ICB, sees what it does significantly more of, and opens a monitoring chart in two clicks (${device})`, async () => {
      // An ICB the release flags, found by the same figures the page uses.
      const icb = release.organisations
        .filter((o) => o.level === "icb")
        .find((o) => areaGlance(release, o.org_code).rows.some((r) => r.flagged));
      if (!icb) throw new Error("no ICB is flagged in the demo release");
      const flagged = areaGlance(release, icb.org_code).rows.filter((r) => r.flagged);
      const { page, errors } = await open("/", width);
      await page.click(`.ebi-area-directory a[href="/areas/${icb.org_code}"]`); // click 1
      await page.waitForURL(new RegExp(`/areas/${icb.org_code}$`));
      expect(await page.textContent("h1")).toContain(icb.name);
      const listed = await page.locator("#flagged li a").allTextContents();
      expect(listed).toEqual(flagged.map((r) => r.intervention.name));
      const first = flagged[0]?.intervention.intervention_id as string;
      await page.click(`#flagged a[href="/interventions/${first}?org=${icb.org_code}"]`); // click 2
      await page.waitForURL(new RegExp(`/interventions/${first}\\?org=${icb.org_code}`));
      expect(await page.locator("figure svg").count()).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      await page.close();
    });

  it("compares every ICB with a benchmark, sorts by a column and switches benchmark and confidence", async () => {
    const { page, errors } = await open(`/compare?intervention=${colonoscopy}&level=icb&benchmark=england`);
    const icbs = release.organisations.filter((o) => o.level === "icb");
    expect(await page.locator("#compare tbody tr").count()).toBe(icbs.length);
    const expected = compareAreas(release, { intervention: colonoscopy, level: "icb", benchmark: "england" });
    expect(
      await page
        .locator("#compare tbody tr")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-class"))),
    ).toEqual(expected.rows.map((r) => r.comparison ?? "none"));
    expect(await page.textContent("#compare caption")).toContain("95% confidence interval");
    expect(await seriousViolations(page)).toEqual([]);
    await page.click('#compare thead a:has-text("Area")');
    await page.waitForURL(/sort=name/);
    const names = await page.locator("#compare tbody th").allTextContents();
    expect(names.map((n) => n.trim())).toEqual(icbs.map((o) => o.name).sort((a, b) => a.localeCompare(b)));
    expect(await page.getAttribute('#compare th[aria-sort="ascending"]', "aria-sort")).toBe("ascending");
    await page.selectOption("#benchmark", "peers");
    await page.selectOption("#confidence", "0.998");
    await page.click('.ebi-filters button[type="submit"]');
    await page.waitForURL(/benchmark=peers/);
    expect(await page.textContent("#compare caption")).toContain("99.8%");
    expect(await page.locator("#compare tbody td", { hasText: "Peers' median" }).count()).toBe(icbs.length);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows an area at a glance as a spine chart of every measurable intervention", async () => {
    const icb = release.organisations.find((o) => o.level === "icb");
    if (!icb) throw new Error("no ICB");
    const { page, errors } = await open(`/areas/${icb.org_code}`);
    const measurable = release.interventions.filter((i) => i.measurable).length;
    expect(await page.locator("#glance svg.ebi-spine").count()).toBe(measurable);
    expect(await page.locator("#peers tbody tr").count()).toBeGreaterThan(1);
    expect(await page.textContent("#peer-method")).toContain("nearest");
    expect(await seriousViolations(page)).toEqual([]);
    // No sideways scroll: wide tables scroll inside their own box.
    await page.setViewportSize({ width: 390, height: 800 });
    // The page's own content (the header's menu is the layout's concern).
    const scrollWidth = await page.evaluate(() => document.querySelector("main")?.scrollWidth ?? 0);
    expect(scrollWidth).toBeLessThanOrEqual(390);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("maps ICBs and sub-ICB locations as hexes coloured by their class, with the table beside", async () => {
    const { page, errors } = await open(`/map?intervention=${colonoscopy}&level=icb&benchmark=england`);
    const icbs = release.organisations.filter((o) => o.level === "icb");
    expect(await page.locator("svg.ebi-tile-map polygon").count()).toBe(icbs.length);
    expect(await page.locator("#map-table tbody tr").count()).toBe(icbs.length);
    const expected = compareAreas(release, { intervention: colonoscopy, level: "icb", benchmark: "england" });
    const higher = expected.rows.find((r) => r.comparison === "higher");
    if (!higher) throw new Error("no ICB is higher than England");
    const hex = page.locator(`svg.ebi-tile-map a[href="/areas/${higher.org.org_code}"] polygon`);
    expect(await hex.getAttribute("fill")).toBe("#d5281b");
    expect(await seriousViolations(page)).toEqual([]);
    await page.click(`svg.ebi-tile-map a[href="/areas/${higher.org.org_code}"]`);
    await page.waitForURL(new RegExp(`/areas/${higher.org.org_code}`));
    await page.goto(`${base}/map?intervention=${colonoscopy}&level=sub_icb`);
    expect(await page.locator("svg.ebi-tile-map polygon").count()).toBe(
      release.organisations.filter((o) => o.level === "sub_icb").length,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it("switches compare areas, the map and an area at a glance to another period with the form", async () => {
    const quarter = releaseAtPeriod(release, "quarter");
    const expected = compareAreas(quarter, { intervention: colonoscopy, level: "icb", benchmark: "england" });
    const { page, errors } = await open(`/compare?intervention=${colonoscopy}&level=icb&benchmark=england`);
    await page.selectOption("#period", "quarter");
    await page.click('.ebi-filters button[type="submit"]');
    await page.waitForURL(/period=quarter/);
    expect(await page.textContent(".nhsuk-lede-text")).toContain("latest quarter");
    expect(
      await page
        .locator("#compare tbody tr")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-class"))),
    ).toEqual(expected.rows.map((r) => r.comparison ?? "none"));
    expect(await seriousViolations(page)).toEqual([]);
    // The map link keeps the period; its hexes carry the quarter's classes.
    await page.click(`a[href*="/map?"][href*="period=quarter"]`);
    await page.waitForURL(/\/map\?.*period=quarter/);
    const higher = expected.rows.filter((r) => r.comparison === "higher").map((r) => r.org.org_code);
    for (const code of higher)
      expect(await page.getAttribute(`svg.ebi-tile-map a[href="/areas/${code}"] polygon`, "fill")).toBe(
        "#d5281b",
      );
    const icb = expected.rows[0]?.org.org_code as string;
    await page.goto(`${base}/areas/${icb}`);
    await page.selectOption("#period", "financial_year");
    await page.click('.ebi-filters button[type="submit"]');
    await page.waitForURL(/period=financial_year/);
    expect(await page.textContent(".nhsuk-lede-text")).toContain("latest financial year");
    expect(await page.locator("#glance svg.ebi-spine").count()).toBe(
      release.interventions.filter((i) => i.measurable).length,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it("lists organisations by level and finds an ICB by its full name", async () => {
    const { page, errors } = await open("/organisations?level=icb");
    const icb = release.organisations.find((o) => o.level === "icb" && o.name.includes("Ashmere"));
    if (!icb) throw new Error("no Ashmere ICB");
    expect(await page.locator(".ebi-org-list li").count()).toBe(
      release.organisations.filter((o) => o.level === "icb").length,
    );
    expect(await seriousViolations(page)).toEqual([]);
    await page.fill("#list-q", "Ashmere ICB");
    await page.press("#list-q", "Enter");
    await page.waitForURL(/\/search/);
    expect(await page.locator(`a[href="/areas/${icb.org_code}"]`).count()).toBe(1);
    expect((await page.locator("main li a").first().textContent())?.trim()).toBe(icb.name);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows a trust's activity and the commissioners it serves, and a trend against England", async () => {
    const provider = release.organisations.find((o) => o.level === "provider" && o.org_code === "RA0");
    if (!provider) throw new Error("no trust RA0");
    const { page, errors } = await open(`/providers/${provider.org_code}`);
    expect(await page.locator("#activity tbody tr").count()).toBe(
      release.interventions.filter((i) => i.measurable).length,
    );
    expect(await page.locator("#served li").count()).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${base}/trends?org=QA0&intervention=${colonoscopy}`);
    expect(await page.locator("#trend tbody tr").count()).toBeGreaterThan(0);
    expect(await page.locator("figure svg").count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

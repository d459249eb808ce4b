import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import ExcelJS from "exceljs";
import type { FastifyInstance } from "fastify";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/products/buildApp.ts";
import { type LoadedRelease, readRelease } from "../../src/products/ebi/release/readRelease.ts";
import { demoRelease } from "../fixtures/release/demoRelease.ts";

const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const axeSource = readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

let app: FastifyInstance;
let browser: Browser;
let base: string;
let release: LoadedRelease;
const colonoscopy = "ebi-list-2/appropriate-colonoscopy";

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

const orgOf = (level: string) => {
  const org = release.organisations.find((o) => o.level === level);
  if (!org) throw new Error(`no ${level}`);
  return org.org_code;
};

/** Every kind of page, with the status it answers (paths made once the release is read). */
const pageTypes: [string, () => string, number][] = [
  ["overview", () => "/", 200],
  ["overview by quarter", () => "/?period=quarter", 200],
  ["region", () => `/organisations/${orgOf("region")}`, 200],
  ["ICB", () => `/organisations/${orgOf("icb")}?period=financial_year`, 200],
  ["sub-ICB", () => `/organisations/${orgOf("sub_icb")}`, 200],
  ["provider", () => `/organisations/${orgOf("provider")}`, 200],
  ["intervention", () => `/interventions/${colonoscopy}?org=${orgOf("icb")}`, 200],
  ["intervention by rolling 12 months", () => `/interventions/${colonoscopy}?period=rolling_12`, 200],
  ["not-measurable intervention", () => "/interventions/ebi-list-2/exercise-ecg-screening", 200],
  ["equity", () => "/equity?intervention=ebi-list-1/tonsillectomy&dimension=imd_decile", 200],
  ["search", () => "/search?q=a", 200],
  ["methods", () => "/methods", 200],
  ["data quality", () => "/data-quality", 200],
  ["downloads", () => "/downloads", 200],
  ["talking therapies", () => "/talking-therapies", 200],
  ["compare areas", () => `/compare?intervention=${colonoscopy}&level=sub_icb`, 200],
  ["area at a glance", () => `/areas/${orgOf("icb")}`, 200],
  ["trends", () => `/trends?intervention=${colonoscopy}&org=${orgOf("icb")}`, 200],
  ["map", () => `/map?intervention=${colonoscopy}&level=sub_icb`, 200],
  ["organisation list", () => "/organisations?level=sub_icb", 200],
  ["provider activity", () => `/providers/${orgOf("provider")}`, 200],
  ["API documentation", () => "/api/docs", 200],
  ["missing page", () => "/no-such-page", 404],
  ["unknown organisation", () => `/interventions/${colonoscopy}?org=Nowhere`, 404],
];

/** A page at a width, failing the test on a script error. */
async function open(path: string, width: number, status = 200): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 }, acceptDownloads: true });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().includes("404")) errors.push(m.text());
  });
  const response = await page.goto(base + path, { waitUntil: "load" });
  expect(response?.status(), path).toBe(status);
  return { page, errors };
}

/** How far the page reaches past the window's right edge, in CSS pixels (0 when it does not scroll sideways). */
const sidewaysOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

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

describe("every page type in a real browser", () => {
  it.each(pageTypes)(
    "%s: scrolls sideways at neither 1,400 nor 390 px, and has no serious or critical accessibility violation",
    async (_name, pathOf, status) => {
      const problems: string[] = [];
      for (const width of [1400, 390]) {
        const { page, errors } = await open(pathOf(), width, status);
        const overflow = await sidewaysOverflow(page);
        if (overflow > 0) problems.push(`${width} px: ${overflow} px too wide`);
        if (width === 1400) problems.push(...(await seriousViolations(page)));
        for (const e of errors) problems.push(`${width} px: ${e}`);
        await page.close();
      }
      expect(problems).toEqual([]);
    },
    120_000,
  );

  it("keeps the header and navigation on the error pages", async () => {
    for (const path of ["/no-such-page", `/interventions/${colonoscopy}?org=Nowhere`]) {
      const { page } = await open(path, 1400, 404);
      expect(await page.locator("header .nhsuk-header__navigation a", { hasText: "Downloads" }).count()).toBe(
        1,
      );
      expect(await page.textContent("h1")).toBe("Page not found");
      expect(await page.textContent("footer")).toContain(release.id);
      await page.close();
    }
  }, 60_000);
});

describe("the header on a phone", () => {
  it("opens its menu and reaches Downloads at 390 px", async () => {
    const { page, errors } = await open("/", 390);
    const downloads = page.locator("header a", { hasText: "Downloads" });
    expect(await downloads.isVisible()).toBe(false);
    await page.click(".nhsuk-header__menu-toggle");
    await downloads.waitFor({ state: "visible" });
    await downloads.click();
    await page.waitForURL(/\/downloads$/);
    expect(await page.textContent("h1")).toBe("Downloads");
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});

describe("time periods", () => {
  it("switches the intervention page between month, quarter, financial year and rolling 12 months", async () => {
    const { page, errors } = await open(`/interventions/${colonoscopy}`, 1400);
    for (const [value, heading] of [
      ["quarter", "Quarter"],
      ["financial_year", "Financial year"],
      ["rolling_12", "Rolling 12 months"],
      ["month", "Month"],
    ] as const) {
      await page.selectOption("#period", value);
      await page.click(".ebi-period-form button[type=submit]");
      await page.waitForURL(new RegExp(`period=${value}`));
      expect(await page.textContent("#period-table thead th")).toBe(heading);
      expect(await page.locator("#period").inputValue()).toBe(value);
    }
    // Every quarter label is a financial-year quarter, e.g. "2018-19 Q3".
    await page.selectOption("#period", "quarter");
    await page.click(".ebi-period-form button[type=submit]");
    await page.waitForURL(/period=quarter/);
    const labels = await page.locator("#period-table tbody td:first-child").allTextContents();
    expect(labels.length).toBeGreaterThan(0);
    for (const l of labels) expect(l).toMatch(/^\d{4}-\d{2} Q[1-4]$/);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("switches the organisation page's latest-period column and says which grain each chart is drawn at", async () => {
    const icb = orgOf("icb");
    const { page, errors } = await open(`/organisations/${icb}`, 1400);
    await page.selectOption("#period", "quarter");
    await page.click(".ebi-period-form button[type=submit]");
    await page.waitForURL(/period=quarter/);
    expect(await page.textContent("#interventions thead")).toContain("Latest quarter");
    const cell = await page.locator("#interventions tbody tr").first().locator("td").nth(5).textContent();
    expect(cell).toMatch(/Q[1-4]|–/);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});

describe("downloads", () => {
  const download = async (page: Page, selector: string) => {
    const [file] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
    return readFileSync((await file.path()) as string);
  };

  it("gives the monthly spells of every intervention, with names beside codes, in one file", async () => {
    const { page } = await open("/downloads", 1400);
    const csv = (await download(page, 'a[href="/api/v1/activity.csv?level=england"]')).toString("utf8");
    const [header, ...lines] = csv.trim().split("\r\n");
    const columns = header?.split(",") ?? [];
    expect(columns.slice(0, 5)).toEqual([
      "intervention_id",
      "intervention_name",
      "level",
      "org_code",
      "org_name",
    ]);
    const ids = new Set(lines.map((l) => l.split(",")[0]));
    const measurable = release.interventions.filter((i) => i.measurable).map((i) => i.intervention_id);
    expect([...ids].sort()).toEqual([...measurable].sort());
    expect(lines.some((l) => l.includes(",ENG,England,"))).toBe(true);
    await page.close();
  }, 60_000);

  it("gives each release table whole as a real workbook with names beside codes", async () => {
    const { page } = await open("/downloads", 1400);
    const bytes = await download(page, 'a[href="/api/v1/tables/baselines.xlsx"]');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet("data");
    const columns = ((sheet?.getRow(1).values ?? []) as string[]).slice(1);
    expect(columns.slice(0, 2)).toEqual(["intervention_id", "intervention_name"]);
    expect(columns).toContain("org_name");
    expect((sheet?.rowCount ?? 0) - 1).toBe(release.baselines.length);
    await page.close();
  }, 60_000);

  it("gives a chart's data as CSV and its image as SVG and PNG from the intervention page", async () => {
    const { page } = await open(`/interventions/${colonoscopy}`, 1400);
    const links = page.locator(".ebi-chart-links").first();
    const csv = (await download(page, '.ebi-chart-links >> nth=0 >> a:has-text("data (CSV)")')).toString(
      "utf8",
    );
    expect(csv.split("\r\n")[0]).toContain("month,period,spells,mean,lower,upper");
    const svg = (await download(page, '.ebi-chart-links >> nth=0 >> a:has-text("image (SVG)")')).toString(
      "utf8",
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const png = await download(page, '.ebi-chart-links >> nth=0 >> a:has-text("image (PNG)")');
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(await links.count()).toBe(1);
    const funnelPng = await download(page, '.ebi-chart-links >> nth=1 >> a:has-text("image (PNG)")');
    expect(funnelPng.subarray(1, 4).toString("latin1")).toBe("PNG");
    await page.close();
  }, 120_000);
});

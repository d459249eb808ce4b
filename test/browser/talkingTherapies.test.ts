import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quietEffects } from "../../src/effects/index.ts";
import { buildApp } from "../../src/products/buildApp.ts";
import { readRelease } from "../../src/products/ebi/release/readRelease.ts";
import {
  buildPublicReview,
  type PublicReview,
} from "../../src/products/talking-therapies/public/buildPublicReview.ts";
import { isProtectedCount } from "../../src/products/talking-therapies/public/protectCount.ts";
import { demoRelease } from "../fixtures/release/demoRelease.ts";

const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const axeSource = readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
const published = "../shared/data/talking-therapies/measures_annual.parquet";

let app: FastifyInstance;
let browser: Browser;
let base: string;
let review: PublicReview;
let outDir: string;
const baseUrl = () => base;

const pages = [
  ["service overview", "/talking-therapies"],
  ["referrals, access and waits", "/talking-therapies/access"],
  ["severity and complexity", "/talking-therapies/severity"],
  ["treatment", "/talking-therapies/treatment"],
  ["outcomes", "/talking-therapies/outcomes"],
  ["equity of access", "/talking-therapies/equity"],
  ["staffing and value for money", "/talking-therapies/staffing"],
  ["data quality", "/talking-therapies/data-quality"],
  ["reconciliation", "/talking-therapies/reconciliation"],
  ["review report", "/talking-therapies/report"],
] as const;

/** How far the page reaches past the window's right edge, in CSS pixels. */
const sidewaysOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

beforeAll(async () => {
  outDir = join(mkdtempSync(join(tmpdir(), "tt-public-test-")), "public");
  review = await buildPublicReview({ outDir, published }, quietEffects());
  process.env.EBI_TT_PUBLIC_DIR = outDir;
  const { releasesDir } = await demoRelease();
  app = await buildApp({ release: await readRelease(releasesDir) });
  await app.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: chromiumPath });
}, 600_000);
afterAll(async () => {
  delete process.env.EBI_TT_PUBLIC_DIR;
  await browser?.close();
  await app?.close();
});

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
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

/** Every cell that holds a count: count columns, and the local figure of reconciliation count rows. */
function countCells(r: PublicReview): { where: string; value: unknown }[] {
  return r.tables.flatMap((t) =>
    t.rows.flatMap((row, i) => [
      ...t.columns
        .filter((c) => c.kind === "count")
        .map((c) => ({ where: `${t.id}[${i}].${c.key}`, value: row[c.key] })),
      ...(t.id === "reconciliation" && row.statistic === "count"
        ? [{ where: `${t.id}[${i}].local`, value: row.local }]
        : []),
    ]),
  );
}

/** One CSV line's fields (quoted fields may hold commas and doubled quotes). */
function csvFields(line: string): string[] {
  return [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)]
    .slice(0, -1)
    .map((m) => (m[1]?.startsWith('"') ? m[1].slice(1, -1).replaceAll('""', '"') : (m[1] ?? "")));
}

describe("the public talking-therapies review", () => {
  it.each(pages)(
    "has no serious or critical accessibility violation on the %s page, and a table per chart",
    async (_name, path) => {
      const { page, errors } = await open(path);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await page.locator(".ebi-synthetic").count()).toBe(1);
      const charts = await page.locator("figure.ebi-chart svg[role=img]").count();
      const tables = await page.locator("table.nhsuk-table").count();
      expect(tables).toBeGreaterThan(0);
      // Every chart's figures are in a table it links to: on this page, or (the report) on the section's page.
      const links = await page
        .locator("figure.ebi-chart figcaption a[href*='#table-']")
        .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute("href") ?? ""));
      expect(links).toHaveLength(charts);
      if (!path.endsWith("/report"))
        for (const href of links) expect(await page.locator(href).count(), href).toBe(1);
      expect(await page.locator("text=How this is calculated.").count()).toBe(tables);
      expect(await page.locator('header a[href="/talking-therapies"]').count()).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      for (const width of [1400, 390]) {
        await page.setViewportSize({ width, height: 900 });
        // Let the page lay itself out at the new width before measuring.
        await page.waitForFunction((w) => document.documentElement.clientWidth <= w, width);
        await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done(null))));
        expect(await sidewaysOverflow(page), `${path} at ${width} px`).toBeLessThanOrEqual(0);
      }
      expect(await seriousViolations(page)).toEqual([]);
      await page.close();
    },
    90_000,
  );

  it("holds no count of 1 to 7 and no unrounded count in any table, CSV or page", async () => {
    const cells = countCells(review);
    expect(cells.length).toBeGreaterThan(100);
    expect(cells.filter((c) => !isProtectedCount(c.value))).toEqual([]);
    // The CSVs on disk and as served: every count column a multiple of 5 of at least 10, 0 or [c].
    for (const t of review.tables) {
      const served = await (await fetch(`${base}/talking-therapies/tables/${t.id}.csv`)).text();
      expect(served).toBe(readFileSync(join(outDir, `${t.id}.csv`), "utf8"));
      const [header, ...lines] = served.trim().split("\n");
      const labels = csvFields(header ?? "");
      const countAt = t.columns.flatMap((c, i) => (c.kind === "count" ? [i] : []));
      expect(labels).toHaveLength(t.columns.length);
      for (const line of lines) {
        const fields = csvFields(line);
        for (const i of countAt) {
          const f = fields[i] ?? "";
          expect(f === "[c]" || isProtectedCount(Number(f)), `${t.id} ${line}`).toBe(true);
        }
      }
    }
    expect(readdirSync(outDir).sort()).toEqual(
      ["review.json", ...review.tables.map((t) => `${t.id}.csv`)].sort(),
    );
    // The pages: every numeric cell of a count column as rendered (the report's one table, of
    // findings, holds no counts).
    for (const [, path] of pages.filter(([, p]) => !p.endsWith("/report"))) {
      const { page } = await open(path);
      const cells = await page.locator('td[data-kind="count"]').allTextContents();
      expect(cells.length, path).toBeGreaterThan(0);
      const bad = cells.filter((text) => {
        const shown = text.replaceAll(",", "").trim();
        return shown !== "[c]" && !isProtectedCount(Number(shown));
      });
      expect(bad, path).toEqual([]);
      await page.close();
    }
  }, 120_000);

  it("shows the review's built-in findings on the public pages", () => {
    const table = (id: string) => review.tables.find((t) => t.id === id)?.rows ?? [];
    const gap = (area: string, gapName: string) =>
      table("gaps").find((r) => r.area === area && r.gap === gapName)?.over_18_rate;
    // Second-to-third waits over 18 weeks in one area, where first-to-second show nothing.
    expect(gap("Sub-ICB 07K", "Second to third treatment")).toBeGreaterThan(50);
    expect(gap("Sub-ICB 07K", "First to second treatment")).toBe(0);
    expect(gap("Sub-ICB 26A", "Second to third treatment")).toBeLessThan(5);
    const dna = Object.fromEntries(table("dna-therapy-mode").map((r) => [r.label, Number(r.dna_rate)]));
    expect(dna.Group).toBeGreaterThan(2.5 * (dna.Individual ?? 0));
    const whole = table("completeness")[0];
    expect(whole?.area).toBe("Whole service");
    expect(Number(whole?.other_rate)).toBeGreaterThan(50);
    expect(Number(whole?.phq_rate)).toBeLessThan(95);
    const referrals = table("reconciliation").find((r) => r.measure === "referrals received");
    expect(referrals?.status).toBe("differs");
    expect(String(referrals?.cause)).toContain("records missing");
  });

  it("shows each built-in finding on a page, and the report's summary ties each to a recommendation", async () => {
    const { page } = await open("/talking-therapies/report");
    for (const id of [
      "hidden-waits",
      "group-dna",
      "unqualified",
      "descriptor-other",
      "paired-scores",
      "reconciliation",
    ])
      expect(await page.locator(`#summary-findings #finding-${id}`).count(), id).toBe(1);
    const summary = await page.locator("#summary-findings li").count();
    expect(await page.locator("#recommendation-list li").count()).toBe(summary);
    expect(await page.locator("#finding-hidden-waits").textContent()).toContain("Sub-ICB 07K");
    // The printed copy leaves off the navigation and starts each section on a new page.
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("nav.ebi-no-print").isVisible()).toBe(false);
    expect(
      await page
        .locator(".ebi-report-section")
        .first()
        .evaluate((e) => getComputedStyle(e).breakBefore),
    ).toBe("page");
    await page.close();
    // Unqualified counsellors, as a group, on the staffing page; the hidden waits on the survival curve.
    const staffing = await open("/talking-therapies/staffing");
    expect(await staffing.page.locator("#table-qualification-mix").textContent()).toContain(
      "Counsellor (no IAPT qualification)",
    );
    await staffing.page.close();
    const survival = review.tables.find((t) => t.id === "survival")?.rows ?? [];
    const still = (area: string, interval: string) =>
      survival.find(
        (r) => r.gap === "Second to third treatment" && r.area === area && r.interval === interval,
      )?.still_waiting;
    expect(Number(still("Sub-ICB 07K", "12–18 weeks"))).toBeGreaterThan(25);
    expect(Number(still("Sub-ICB 26A", "4–6 weeks"))).toBeLessThan(5);
    const access = await open("/talking-therapies/access");
    expect(await access.page.locator("#table-survival").textContent()).toContain("Second to third treatment");
    expect(
      await access.page.locator("figure.ebi-chart svg[aria-label^='Second to third treatment']").count(),
    ).toBe(1);
    await access.page.close();
    // The overview draws a Making Data Count chart per headline measure, with its icons in words.
    const overview = await open("/talking-therapies");
    expect(await overview.page.locator("figure.ebi-chart .ebi-spc-icons").count()).toBe(4);
    await overview.page.close();
  }, 120_000);

  it("recalculates capacity for another investment on the staffing page", async () => {
    const entries = async (query: string) => {
      const { page } = await open(`/talking-therapies/staffing${query}`);
      const text = (await page.locator("#calc-entries").textContent()) ?? "";
      await page.close();
      return Number(text.replaceAll(",", "").trim());
    };
    const base = await entries("?investment=5000000");
    expect(base).toBeGreaterThan(0);
    // Capacity is proportional to the investment under the stated assumptions.
    expect(Math.abs((await entries("?investment=10000000")) - 2 * base)).toBeLessThanOrEqual(1);
    expect((await fetch(`${baseUrl()}/talking-therapies/staffing?investment=-1`)).status).toBe(400);
  }, 60_000);

  it("serves every table as XLSX", async () => {
    for (const t of review.tables) {
      const r = await fetch(`${base}/talking-therapies/tables/${t.id}.xlsx`);
      expect(r.status, t.id).toBe(200);
      expect(r.headers.get("content-type")).toContain("spreadsheetml");
      expect((await r.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });

  it("serves each table as JSON and answers an unknown table with 404", async () => {
    const ok = await fetch(`${base}/api/v1/talking-therapies/tables/headline`);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { table: { rows: unknown[] } };
    expect(body.table.rows).toEqual(review.tables.find((t) => t.id === "headline")?.rows);
    expect((await fetch(`${base}/api/v1/talking-therapies/tables/nope`)).status).toBe(404);
    expect((await fetch(`${base}/talking-therapies/tables/nope.csv`)).status).toBe(404);
  });
});

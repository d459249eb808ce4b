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

/** A page that fails the test on any console error or page error. */
async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ acceptDownloads: true });
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`${m.text()} ${m.location().url}`);
  });
  // A request the page's own navigation cancels (net::ERR_ABORTED) is not a failure; any other is.
  page.on("requestfailed", (r) => {
    const reason = r.failure()?.errorText ?? "";
    if (reason !== "net::ERR_ABORTED") errors.push(`request failed: ${r.url()} ${reason}`);
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

describe("the dashboard in a real browser", () => {
  it("finds an ICB by name, opens it and then an intervention, without console errors", async () => {
    const icb = release.organisations.find((o) => o.level === "icb");
    if (!icb) throw new Error("no ICB");
    const { page, errors } = await open("/");
    await page.fill("#search-field, input[name=q]", icb.name.slice(4, 12));
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/search/);
    await page.click(`a[href="/areas/${icb.org_code}"]`);
    await page.waitForURL(new RegExp(`/areas/${icb.org_code}`));
    expect(await page.textContent("h1")).toContain(icb.name);
    await page.click('a[href^="/interventions/ebi-list-2/appropriate-colonoscopy"]');
    await page.waitForURL(/appropriate-colonoscopy/);
    expect(await page.textContent("h1")).toContain("colonoscopy");
    expect(await page.locator("figure svg").count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("switches the equity breakdown with the form, and downloads the table as CSV and Excel with the page's figures", async () => {
    const { page, errors } = await open("/equity?intervention=ebi-list-2/appropriate-colonoscopy");
    await page.selectOption("#dimension", "sex");
    await page.click('form[action="/equity"] button[type=submit]');
    await page.waitForURL(/dimension=sex/);
    expect(await page.textContent("h2")).toContain("Sex");
    const femaleCell =
      (
        await page.locator("#equity-table tr", { hasText: "Female" }).locator("td").first().textContent()
      )?.trim() ?? "";

    const [csvDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.click("text=Download this table (CSV)"),
    ]);
    const csv = readFileSync((await csvDownload.path()) as string, "utf8");
    const header = csv.split("\r\n")[0]?.split(",") ?? [];
    const female =
      csv
        .split("\r\n")
        .find((l) => l.includes(",Female,"))
        ?.split(",") ?? [];
    expect(female[header.indexOf("spells")]).toBe(
      femaleCell === "[c]" ? "[c]" : femaleCell.replaceAll(",", ""),
    );

    const [xlsxDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.click("text=Download (Excel)"),
    ]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await xlsxDownload.path()) as string);
    const sheet = workbook.getWorksheet("data");
    const columns = ((sheet?.getRow(1).values ?? []) as string[]).slice(1);
    let spells: unknown;
    sheet?.eachRow((row) => {
      if (row.getCell(columns.indexOf("group_label") + 1).value === "Female")
        spells = row.getCell(columns.indexOf("spells") + 1).value;
    });
    expect(String(spells)).toBe(femaleCell === "[c]" ? "[c]" : femaleCell.replaceAll(",", ""));
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it.each([
    ["overview", "/"],
    ["intervention", "/interventions/ebi-list-2/appropriate-colonoscopy"],
    ["not-measurable intervention", "/interventions/ebi-list-2/exercise-ecg-screening"],
    ["organisation", "/organisations/ENG"],
    ["equity", "/equity?intervention=ebi-list-1/tonsillectomy&dimension=imd_decile"],
    ["search", "/search?q=a"],
    ["methods", "/methods"],
    ["data quality", "/data-quality"],
    ["downloads", "/downloads"],
  ])(
    "has no serious or critical accessibility violation on the %s page",
    async (_name, path) => {
      const { page, errors } = await open(path);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await page.locator(".ebi-synthetic").count()).toBe(1);
      expect(await page.textContent("footer")).toContain(release.id);
      expect(errors).toEqual([]);
      await page.close();
    },
    60_000,
  );
});

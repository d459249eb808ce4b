import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditListing } from "../../src/audit/auditQueries.ts";
import { buildApp } from "../../src/products/buildApp.ts";
import { readRelease } from "../../src/products/ebi/release/readRelease.ts";
import type { PlannedCarePublic } from "../../src/products/planned-care/buildPlannedCare.ts";
import { plannedCareFixture } from "../fixtures/planned-care/plannedCareFixture.ts";
import { recoverByArithmetic } from "../products/planned-care/publicAttack.ts";
import { registeredTestApp } from "../server/registeredApp.ts";
import { signIn } from "../server/signInFlow.ts";

const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const axeSource = readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

let app: FastifyInstance;
let browser: Browser;
let base: string;
let fixture: Awaited<ReturnType<typeof plannedCareFixture>>;
let published: PlannedCarePublic;

beforeAll(async () => {
  fixture = await plannedCareFixture();
  process.env.EBI_PLANNED_CARE_DIR = fixture.plannedCareDir;
  published = JSON.parse(readFileSync(join(fixture.plannedCareDir, "public", "planned-care.json"), "utf8"));
  app = await buildApp({ release: await readRelease(fixture.releasesDir) });
  await app.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: chromiumPath });
}, 900_000);
afterAll(async () => {
  delete process.env.EBI_PLANNED_CARE_DIR;
  await browser?.close();
  await app?.close();
});

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
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

describe("GET /planned-care", () => {
  it("shows a group's equity for England with no accessibility violations or console errors", async () => {
    const { page, errors } = await open("/planned-care");
    expect(await page.locator("h1").textContent()).toContain("England");
    expect(await page.locator("#table-quintiles tbody tr").count()).toBe(6);
    expect(await page.locator("#table-ebi").count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("switches group, commissioner and year from the form", async () => {
    const icb = published.organisations.find((o) => o.level === "icb")?.org_code as string;
    const year = published.manifest.years[0] as number;
    const { page, errors } = await open(
      `/planned-care?group=planned-care%2Fcataract&org=${icb}&year=${year}`,
    );
    expect(await page.locator("h1").textContent()).toMatch(/Cataract surgery/);
    expect(await page.locator("#group").inputValue()).toBe("planned-care/cataract");
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("planned care for a sub-ICB location", () => {
  it("is in the commissioner picker and shows its equity, with age-sex standardised ethnic-group rates", async () => {
    const sub = published.organisations.find(
      (o) =>
        o.level === "sub_icb" &&
        published.cells.some(
          (c) =>
            c.org_code === o.org_code &&
            c.group_id === "planned-care/all-planned" &&
            c.dimension === "total" &&
            c.spells !== null,
        ),
    );
    expect(sub).toBeDefined();
    const year = published.manifest.years.at(-1) as number;
    const { page, errors } = await open(
      `/planned-care?group=planned-care%2Fall-planned&org=${sub?.org_code}&year=${year}`,
    );
    expect(await page.locator("h1").textContent()).toContain(sub?.name);
    expect(await page.locator(`#org option[value="${sub?.org_code}"]`).textContent()).toContain(
      "sub-ICB location",
    );
    expect(await page.locator("#table-ethnic caption").textContent()).toContain("age-sex standardised rate");
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
    const csv = await fetch(
      `${base}/api/v1/planned-care/equity.csv?group=planned-care%2Fall-planned&org=${sub?.org_code}&year=${year}`,
    );
    const lines = (await csv.text()).split("\r\n").filter((l) => l !== "");
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((l) => l.split(",")[2] === "sub_icb")).toBe(true);
    // The demo has people of the White, Mixed, Asian and Black groups (none of "other").
    const ethnicLines = lines.filter(
      (l) =>
        l.split(",")[4] === "ethnic_group" &&
        ["white", "mixed", "asian", "black"].includes(l.split(",")[5] ?? ""),
    );
    expect(ethnicLines.length).toBe(4);
    expect(ethnicLines.every((l) => l.includes(",dsr,age-sex standardised (ESP 2013),"))).toBe(true);
  });
});

describe("planned-care public figures", () => {
  it("give no small count away by arithmetic across breakdowns and sub-ICB, ICB, region and England", () => {
    expect(published.cells.some((c) => c.level === "sub_icb" && c.suppressed)).toBe(true);
    const recovered = recoverByArithmetic(published.cells, published.organisations);
    const small = [...recovered].filter(([, v]) => v >= 1 && v <= 5);
    expect(small, small.slice(0, 3).join("; ")).toEqual([]);
    // The waits likewise: total = Σ IMD quintiles = Σ ethnic groups, and up the hierarchy.
    const waitCells = published.waits.map((w) => ({
      ...w,
      group_id: `wait:${w.group_id}`,
      group_label: w.group_code,
      group_order: 0,
      spells: w.pathways,
      population: null,
      rate_kind: "none" as const,
      rate: null,
      lower: null,
      upper: null,
    }));
    const waitsOut = [...recoverByArithmetic(waitCells, published.organisations)].filter(
      ([, v]) => v >= 1 && v <= 5,
    );
    expect(waitsOut).toEqual([]);
    // With the population by ethnic group, sex and age loaded, every commissioner's ethnic groups
    // are age-sex standardised (the demo's file covers them all), none crude.
    const ethnic = published.cells.filter(
      (c) => c.dimension === "ethnic_group" && c.group_code !== "not-stated",
    );
    expect(ethnic.some((c) => c.rate_kind === "dsr" && c.rate !== null)).toBe(true);
    expect(ethnic.some((c) => c.rate_kind === "crude")).toBe(false);
  });

  it("never publish a count of 1 to 5, and hide the rate of every hidden count", () => {
    for (const c of published.cells) {
      if (c.spells !== null)
        expect(
          c.spells === 0 || c.spells > 5,
          `${c.group_id} ${c.org_code} ${c.dimension} ${c.group_code}`,
        ).toBe(true);
      else expect(c.rate).toBeNull();
    }
    for (const w of published.waits)
      if (w.pathways !== null) expect(w.pathways === 0 || w.pathways > 5).toBe(true);
    expect(published.cells.some((c) => c.suppressed)).toBe(true);
  });

  it("answers CSV and a real Excel workbook for the API", async () => {
    const csv = await fetch(
      `${base}/api/v1/planned-care/equity.csv?group=planned-care%2Fall-planned&org=ENG`,
    );
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect((await csv.text()).split("\r\n")[0]).toBe(
      "group_id,fyear,level,org_code,dimension,group_code,group_label,spells,population,rate_kind,rate_method,rate,lower,upper,suppressed",
    );
    const xlsx = await fetch(`${base}/api/v1/planned-care/inequality.xlsx?org=ENG`);
    const bytes = Buffer.from(await xlsx.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe("PK");
    const { default: ExcelJS } = await import("exceljs");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as never);
    expect(workbook.getWorksheet("notes")?.getCell("A1").value).toBe("Table");
  });

  it("names a bad parameter in problem+json", async () => {
    const response = await fetch(`${base}/api/v1/planned-care/waits?year=1999`);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("GET /planned-care/strategies", () => {
  it("shows the demo ICB's strategy with its estimate to its analyst, and audits the read", async () => {
    const t = await registeredTestApp({ releasesDir: fixture.releasesDir });
    try {
      const { jar } = await signIn(t.send, "icb-analyst");
      const page = await t.send("GET", "/planned-care/strategies", {
        cookie: jar.header(),
        accept: "text/html",
      });
      expect(page.status).toBe(200);
      expect(page.body).toContain("Targeted case-finding and screening");
      expect(page.body).toContain("Record a strategy");
      const api = await t.send("GET", "/api/v1/planned-care/strategies/tracker", { cookie: jar.header() });
      const body = JSON.parse(api.body) as {
        results: { strategy: { org_code: string }; series: unknown[] }[];
      };
      expect(body.results.length).toBeGreaterThan(0);
      expect(body.results.every((r) => r.strategy.org_code === fixture.icb)).toBe(true);
      await t.access.audit.flush();
      const events = JSON.parse(await auditListing(t.state, "json")) as {
        kind: string;
        detail: { route?: string; tables?: string[] };
      }[];
      const reads = events.filter(
        (e) => e.kind === "read" && String(e.detail.route).includes("/planned-care/strategies"),
      );
      expect(reads.length).toBe(2);
      expect(reads[0]?.detail.tables).toEqual(["planned-care-gap-series"]);
      expect(events.some((e) => e.kind === "strategy-recorded")).toBe(true);
      const anonymous = await t.send("GET", "/planned-care/strategies", { accept: "text/html" });
      expect(anonymous.status).toBe(302);
    } finally {
      await t.close();
    }
  }, 120_000);
});

import { gunzipSync } from "node:zlib";
import ExcelJS from "exceljs";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/products/buildApp.ts";
import { type LoadedRelease, readRelease } from "../../src/products/ebi/release/readRelease.ts";
import { fixture, writeReleaseFixture } from "../fixtures/release/releaseFixture.ts";
import { walkPublicApi } from "./walkPublicApi.ts";

let app: FastifyInstance;
let release: LoadedRelease;
const { knee, grommets, ecg } = fixture;

beforeAll(async () => {
  const { releasesDir } = await writeReleaseFixture();
  release = await readRelease(releasesDir);
  app = await buildApp({ release });
});
afterAll(() => app?.close());

const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: "GET", url, headers });
const json = async (url: string) => {
  const response = await get(url);
  expect(response.statusCode, `${url}: ${response.body.slice(0, 200)}`).toBe(200);
  return response.json();
};
const xlsx = async (url: string) => {
  const response = await get(url);
  expect(response.headers["content-type"]).toContain("spreadsheetml");
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
  return workbook;
};

describe("GET /api/v1/interventions", () => {
  it("lists every intervention, the not-measurable one included", async () => {
    const body = await json("/api/v1/interventions");
    expect(body.items.map((i: { intervention_id: string }) => i.intervention_id)).toEqual([
      knee,
      grommets,
      ecg,
    ]);
    expect(body.items[2].measurable).toBe(false);
  });
  it("returns one intervention by id and 404 problem+json naming `intervention` for an unknown one", async () => {
    expect((await json(`/api/v1/interventions/${grommets}`)).item.official_id).toBe("B");
    const missing = await get("/api/v1/interventions/test-set/nothing");
    expect(missing.statusCode).toBe(404);
    expect(missing.headers["content-type"]).toContain("application/problem+json");
    expect(missing.json()).toMatchObject({ status: 404, parameter: "intervention" });
  });
});

describe("GET /api/v1/organisations", () => {
  it("pages with total and links, and the pages together hold every organisation once", async () => {
    const seen: string[] = [];
    let url: string | null = "/api/v1/organisations?limit=3";
    while (url) {
      const page: { total: number; items: { org_code: string }[]; links: { next: string | null } } =
        await json(url);
      expect(page.total).toBe(8);
      seen.push(...page.items.map((o) => o.org_code));
      url = page.links.next;
    }
    expect(seen.sort()).toEqual(["ENG", "I1", "I2", "P1", "R1", "S1", "S2", "S3"]);
  });
  it("filters by level, parent and a name or code search", async () => {
    const codes = async (q: string) =>
      (await json(`/api/v1/organisations?${q}`)).items.map((o: { org_code: string }) => o.org_code);
    expect(await codes("level=sub_icb")).toEqual(["S1", "S2", "S3"]);
    expect(await codes("parent=I1")).toEqual(["S1", "S2"]);
    expect(await codes("q=beta")).toEqual(["I2", "S3"]);
    expect(await codes("q=s3")).toEqual(["S3"]);
  });
  it("gives an organisation with its parent and children", async () => {
    const icb = await json("/api/v1/organisations/I1");
    expect(icb.parent.org_code).toBe("R1");
    expect(icb.children.map((o: { org_code: string }) => o.org_code)).toEqual(["S1", "S2"]);
    const england = await json("/api/v1/organisations/ENG");
    expect(england.children.map((o: { org_code: string }) => o.org_code)).toEqual(["R1"]);
    const missing = await get("/api/v1/organisations/XX9");
    expect(missing.json()).toMatchObject({ status: 404, parameter: "org" });
  });
});

describe("links to an area", () => {
  it("sends search results and an organisation page's relatives to the area at a glance", async () => {
    const search = await get("/search?q=Alpha", { accept: "text/html" });
    expect(search.body).toContain('href="/areas/I1"');
    expect(search.body).not.toContain('href="/organisations/I1"');
    const page = await get("/organisations/S1", { accept: "text/html" });
    expect(page.body).toContain('id="at-a-glance"><a href="/areas/S1"');
    expect(page.body).toContain('Part of <a href="/areas/I1"');
  });
});

describe("GET /api/v1/activity", () => {
  it("returns England's monthly spells (the sum of its sub-ICBs) for a period", async () => {
    const body = await json(`/api/v1/activity?intervention=${knee}&org=ENG&from=2018-04&to=2018-07`);
    // 40+30+20, 41+31+21, 42+32+22, 43+30+23
    expect(body.items.map((r: { spells: number }) => r.spells)).toEqual([90, 93, 96, 96]);
    expect(body.items[0].month).toBe("2018-04-01");
  });
  it("totals financial years, and hides a total over a redacted month", async () => {
    const body = await json(`/api/v1/activity?intervention=${knee}&org=ENG&breakdown=financial_year`);
    // 2018-19: S1 (40+41+42+43)×3 = 498, S2 (30+31+32)×4 = 372, S3 110+110+20+21 = 261
    expect(body.items[0]).toMatchObject({ financial_year: "2018-19", months: 12, spells: 1131 });
    expect(body.items).toHaveLength(3);
    const hidden = await json(`/api/v1/activity?intervention=${grommets}&org=S3&breakdown=financial_year`);
    expect(hidden.items[0]).toMatchObject({ spells: null, suppressed: "derived" });
  });
  it("breaks an organisation down into its children, and a level into its organisations", async () => {
    const children = await json(
      `/api/v1/activity?intervention=${knee}&org=I1&breakdown=children&from=2018-04&to=2018-04`,
    );
    expect(children.items.map((r: { org_code: string; spells: number }) => [r.org_code, r.spells])).toEqual([
      ["S1", 40],
      ["S2", 30],
    ]);
    const level = await json(`/api/v1/activity?intervention=${knee}&level=icb&from=2018-04&to=2018-04`);
    expect(level.items.map((r: { spells: number }) => r.spells)).toEqual([70, 20]);
  });
  it("pages long lists in JSON but downloads the whole selection", async () => {
    const page = await json(`/api/v1/activity?intervention=${knee}&level=sub_icb&limit=10&offset=30`);
    expect(page).toMatchObject({ total: 108, limit: 10, offset: 30 });
    expect(page.links.next).toContain("offset=40");
    expect(page.links.prev).toContain("offset=20");
    const csv = await get(`/api/v1/activity.csv?intervention=${knee}&level=sub_icb`);
    expect(csv.body.trim().split("\r\n")).toHaveLength(109);
  });
  it("shows a redacted month as null with its reason in JSON and as [c] in CSV and XLSX, never 0", async () => {
    const url = `/api/v1/activity?intervention=${grommets}&org=S3&from=2018-04&to=2018-04`;
    expect((await json(url)).items[0]).toMatchObject({ spells: null, suppressed: "redacted" });
    const csv = await get(url, { accept: "text/csv" });
    expect(csv.headers["content-type"]).toContain("text/csv");
    // Downloads carry each code's name beside it.
    expect(csv.body.split("\r\n")[0]).toBe(
      "intervention_id,intervention_name,level,org_code,org_name,month,spells,suppressed",
    );
    expect(csv.body.split("\r\n")[1]).toMatch(
      new RegExp(`^${grommets},[^,]+,sub_icb,S3,[^,]+,2018-04-01,\\[c\\],redacted$`),
    );
    expect(csv.headers["ebi-notes"]).toContain("[c]");
    const workbook = await xlsx(url.replace("activity?", "activity.xlsx?"));
    expect(workbook.getWorksheet("data")?.getCell("G2").value).toBe("[c]");
    const notes = workbook.getWorksheet("notes");
    expect(notes?.getCell("B2").value).toBe(fixture.id);
    expect(JSON.stringify(notes?.getSheetValues())).toContain("counts of 1 to 5");
  });
  it("gives every measurable intervention when none is named", async () => {
    const body = await json("/api/v1/activity?level=england&limit=10000");
    const ids = new Set((body.items as { intervention_id: string }[]).map((r) => r.intervention_id));
    expect(ids.size).toBeGreaterThan(1);
    expect(ids.has(knee)).toBe(true);
    expect(ids.has(grommets)).toBe(true);
  });
  it("answers bad parameters with problem+json naming each", async () => {
    const cases: [string, string][] = [
      [`/api/v1/activity?intervention=${knee}&level=planet`, "level"],
      [`/api/v1/activity?intervention=${knee}&period=fortnight`, "period"],
      ["/api/v1/activity?intervention=Not%20an%20id", "intervention"],
      [`/api/v1/activity?intervention=${knee}&from=April`, "from"],
      [`/api/v1/activity?intervention=${knee}&limit=0`, "limit"],
      [`/api/v1/activity?intervention=${knee}&breakdown=week`, "breakdown"],
      ["/api/v1/activity?intervention=test-set/nothing", "intervention"],
      [`/api/v1/activity?intervention=${knee}&org=ZZ1`, "org"],
    ];
    for (const [url, parameter] of cases) {
      const response = await get(url);
      expect(response.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(response.headers["content-type"], url).toContain("application/problem+json");
      expect(response.json().parameter, url).toBe(parameter);
    }
    expect((await get(`/api/v1/activity?intervention=${knee}&level=planet`)).json().detail).toContain(
      "sub_icb",
    );
  });
});

describe("GET /api/v1/baselines and goals", () => {
  it("returns baseline, goal, opportunity and latest for an organisation", async () => {
    const body = await json(`/api/v1/baselines?intervention=${knee}&org=ENG`);
    // baseline 1131; goal = round(0.8 × 1131) = 905; opportunity 226; latest 1131 − 96
    expect(body.items).toEqual([
      expect.objectContaining({
        baseline_spells: 1131,
        goal_spells: 905,
        opportunity_spells: 226,
        latest_spells: 1035,
      }),
    ]);
    expect((await json(`/api/v1/baselines?intervention=${knee}&level=sub_icb`)).items).toHaveLength(3);
    const redacted = await json(`/api/v1/baselines?intervention=${grommets}&org=S3`);
    expect(redacted.items[0]).toMatchObject({ baseline_spells: null, dsr: null, suppressed: "redacted" });
  });
  it("gives a spreadsheet whose figure equals the JSON one", async () => {
    const workbook = await xlsx(`/api/v1/baselines.xlsx?intervention=${knee}&level=icb`);
    const sheet = workbook.getWorksheet("data");
    const header = ((sheet?.getRow(1).values ?? []) as string[]).slice(1);
    const spells = (row: number) => sheet?.getRow(row).getCell(header.indexOf("baseline_spells") + 1).value;
    expect([spells(2), spells(3)]).toEqual([498 + 372, 261]);
  });
  it("spreads the goal over the goal year (both paths)", async () => {
    const body = await json(`/api/v1/goals/trajectory?intervention=${knee}`);
    expect(body.items).toHaveLength(12);
    expect(body.items[0].goal_spells).toBeCloseTo(905 / 12, 6);
    expect((await json(`/api/v1/trajectory?intervention=${knee}`)).items).toEqual(body.items);
  });
  it("gives the variation percentiles and the sub-ICB funnel against England", async () => {
    const body = await json(`/api/v1/variation?intervention=${knee}`);
    expect(body.items[0]).toMatchObject({ p10: 100, p90: 160, n_fold: 1.6 });
    // England's rate 1131 per 900,000; ranks are by rate, highest first: S1 498/350k, S3 261/300k, S2 372/250k
    expect(body.funnel.target).toBeCloseTo((1131 / 900_000) * 100_000, 6);
    expect(body.funnel.points.map((p: { org_code: string }) => p.org_code)).toEqual(["S2", "S1", "S3"]);
  });
});

describe("GET /api/v1/spc and /api/v1/equity", () => {
  it("draws England's XmR chart with limits recalculated at the programme's start", async () => {
    const body = await json(`/api/v1/spc?intervention=${knee}&org=ENG`);
    expect(body.items).toHaveLength(36);
    // The first segment (2018-04..2019-03) has the mean of its 12 months: 1131 / 12
    expect(body.items[0].mean).toBeCloseTo(1131 / 12, 6);
    expect(body.items[12].mean).not.toBeCloseTo(1131 / 12, 3);
    expect(body.variation).toEqual(expect.any(String));
  });
  it("gives no chart, with the reason, for a series with redacted months", async () => {
    const body = await json(`/api/v1/spc?intervention=${grommets}&org=S3`);
    expect(body.variation).toBeNull();
    expect(body.reason).toMatch(/redacted/);
  });
  it("gives rates by deprivation with the most-to-least deprived ratio and gap", async () => {
    const body = await json(
      `/api/v1/equity?intervention=${knee}&org=ENG&dimension=imd_quintile&period=baseline`,
    );
    expect(body.items.map((r: { group_code: string }) => r.group_code)).toEqual(["1", "2", "3", "4", "5"]);
    expect(body.gap.ratio).toBeCloseTo(30 / 12, 9);
    expect(body.gap.difference).toBeCloseTo(((30 - 12) / 180_000) * 100_000, 9);
    const sex = await json(`/api/v1/equity?intervention=${knee}&org=S1&dimension=sex`);
    expect(sex.items[1]).toMatchObject({ group_code: "M", spells: null, suppressed: "redacted" });
  });
});

describe("caching, documents and assets", () => {
  it("tags answers with the release id per representation and answers 304 to a matching If-None-Match", async () => {
    const first = await get("/api/v1/interventions");
    const etag = first.headers.etag as string;
    expect(etag).toContain(fixture.id);
    expect(first.headers["cache-control"]).toContain("max-age");
    expect((await get("/api/v1/interventions", { "if-none-match": `"other", ${etag}` })).statusCode).toBe(
      304,
    );
    const csv = await get("/api/v1/interventions.csv");
    expect(csv.headers.etag).not.toBe(etag);
    expect((await get("/api/v1/interventions.csv", { "if-none-match": etag })).statusCode).toBe(200);
    expect((await get(`/api/v1/interventions/${knee}`, { "if-none-match": etag })).statusCode).toBe(304);
  });
  it("documents every route with its response schema and serves the browsable page", async () => {
    const spec = await json("/api/docs/json");
    for (const path of [
      "/api/v1/release",
      "/api/v1/interventions",
      "/api/v1/interventions/{set}/{slug}",
      "/api/v1/organisations",
      "/api/v1/organisations/{code}",
      "/api/v1/activity",
      "/api/v1/baselines",
      "/api/v1/goals/trajectory",
      "/api/v1/spc",
      "/api/v1/variation",
      "/api/v1/equity",
    ])
      expect(spec.paths[path]?.get?.responses?.["200"], path).toBeDefined();
    expect((await get("/api/docs")).statusCode).toBeLessThan(400);
  });
  it("serves the release summary, health and the design system's assets", async () => {
    expect(await json("/api/v1/release")).toMatchObject({
      release_id: fixture.id,
      synthetic: true,
      inputs: 1,
    });
    expect(await json("/healthz")).toEqual({ status: "ok", release: fixture.id });
    expect((await get("/assets/nhsuk/nhsuk-frontend.min.js")).statusCode).toBe(200);
    expect((await get("/assets/ebi/ebi.css")).statusCode).toBe(200);
  });

  it("sends a page gzipped to a client that takes gzip, the same page as sent plain, and plain otherwise", async () => {
    const url = `/organisations/${release.organisations.find((o) => o.level === "icb")?.org_code}`;
    const plain = await get(url);
    expect(plain.statusCode).toBe(200);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toContain("accept-encoding");
    const zipped = await get(url, { "accept-encoding": "br;q=1, gzip;q=0.8" });
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(zipped.rawPayload).toString("utf8")).toBe(plain.body);
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    expect(
      (await get(url, { "accept-encoding": "gzip;q=0, identity" })).headers["content-encoding"],
    ).toBeUndefined();
  });
});

describe("disclosure walk over every public endpoint", () => {
  it("finds no count from 1 to 5 and no primary/secondary marker in any JSON or CSV answer", async () => {
    const { urls, problems } = await walkPublicApi(app, release);
    expect(urls).toBeGreaterThan(300);
    expect(problems).toEqual([]);
  }, 60_000);
  it("fails on a release that publishes a small count", async () => {
    const { releasesDir } = await writeReleaseFixture(undefined, { leak: true });
    const leaky = await readRelease(releasesDir);
    const leakyApp = await buildApp({ release: leaky });
    const { problems } = await walkPublicApi(leakyApp, leaky);
    await leakyApp.close();
    expect(problems.some((p) => p.includes("org=S3") && p.includes("spells = "))).toBe(true);
  }, 60_000);
});

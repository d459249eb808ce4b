import ExcelJS from "exceljs";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database, quoteLiteral } from "../../../../src/db/index.ts";
import { buildApp } from "../../../../src/products/buildApp.ts";
import { auditPublicRelease, auditRelease } from "../../../../src/products/ebi/disclosure/index.ts";
import { type LoadedRelease, readRelease } from "../../../../src/products/ebi/release/readRelease.ts";
import { ebiReleaseTables, type ReleaseTables } from "../../../../src/products/ebi/release/tables.ts";
import { readReleaseSide } from "../../../../src/release/readReleaseTables.ts";
import { demoRelease } from "../../../fixtures/release/demoRelease.ts";
import { observedCountFields, walkPublicApi } from "../../../server/walkPublicApi.ts";

let app: FastifyInstance;
let release: LoadedRelease;
let releasesDir: string;
// The intervention with the most activity: its England baseline is never hidden, even in the tiny demo.
const busiest = "ebi-list-2/appropriate-colonoscopy";
const knee = "ebi-list-1/knee-arthroscopy-osteoarthritis";

beforeAll(async () => {
  ({ releasesDir } = await demoRelease());
  release = await readRelease(releasesDir);
  app = await buildApp({ release });
}, 600_000);
afterAll(() => app?.close());

const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: "GET", url, headers });
const json = async (url: string) => {
  const response = await get(url);
  expect(response.statusCode, url).toBe(200);
  return response.json();
};

describe("/api/v1", () => {
  it("lists every intervention, measurable or not, with its rule in words", async () => {
    const body = await json("/api/v1/interventions");
    expect(body.release).toBe(release.id);
    expect(body.items).toHaveLength(release.interventions.length);
    const ecg = body.items.find((i: { official_id: string }) => i.official_id === "2L");
    expect(ecg.measurable).toBe(false);
    expect(
      body.items.find((i: { intervention_id: string }) => i.intervention_id === knee).description,
    ).toContain("W851");
  });

  it("says where each intervention can be counted and which page its rule was read from", async () => {
    const body = await json("/api/v1/interventions");
    const of = (id: string) => body.items.find((i: { intervention_id: string }) => i.intervention_id === id);
    expect(of("ebi-list-2/mri-hip-arthritis")).toMatchObject({
      measurable: false,
      measurability: "dataset",
      dataset: "DID",
      source_url: expect.stringMatching(/^https:\/\/www\.aomrc\.org\.uk\//),
    });
    expect(of("ebi-list-2/psa-testing")).toMatchObject({ measurability: "dataset", dataset: "pathology" });
    expect(of(busiest)).toMatchObject({ measurable: true, measurability: "hes", dataset: null });
    const unknown = body.items.filter((i: { measurability: string }) => i.measurability === "unknown");
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown.every((i: { confidence: string }) => i.confidence === "no-source")).toBe(true);
    const csv = await get("/api/v1/interventions.csv");
    expect(csv.body.split("\r\n")[0]).toContain("measurability,dataset,source_url");
    const page = await get("/interventions/ebi-list-2/mri-hip-arthritis");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("only with another data set (DID), not from HES");
    expect(page.body).toContain('href="https://www.aomrc.org.uk/');
  });

  it("pages organisations and filters them by level, parent and search", async () => {
    const page = await json("/api/v1/organisations?limit=2&offset=0");
    expect(page.items).toHaveLength(2);
    expect(page.total).toBe(release.organisations.length);
    expect(page.links.next).toContain("offset=2");
    const icbs = await json("/api/v1/organisations?level=icb&limit=1000");
    expect(icbs.items.every((o: { level: string }) => o.level === "icb")).toBe(true);
    const icb = icbs.items[0];
    const children = await json(`/api/v1/organisations?parent=${icb.org_code}`);
    expect(children.items.every((o: { parent_code: string }) => o.parent_code === icb.org_code)).toBe(true);
    const one = await json(`/api/v1/organisations/${icb.org_code}`);
    expect(one.parent.level).toBe("region");
    expect(one.children.length).toBe(children.total);
    const search = await json(`/api/v1/organisations?q=${encodeURIComponent(icb.name.slice(4, 10))}`);
    expect(search.items.map((o: { org_code: string }) => o.org_code)).toContain(icb.org_code);
  });

  it("returns monthly activity filtered by organisation and period", async () => {
    const body = await json(`/api/v1/activity?intervention=${knee}&org=ENG&from=2018-01&to=2018-06`);
    expect(body.items.map((r: { month: string }) => r.month)).toEqual([
      "2018-01-01",
      "2018-02-01",
      "2018-03-01",
      "2018-04-01",
      "2018-05-01",
      "2018-06-01",
    ]);
    const icbs = await json(`/api/v1/activity?intervention=${knee}&level=icb&from=2018-01&to=2018-01`);
    expect(icbs.items.length).toBe(release.organisations.filter((o) => o.level === "icb").length);
  });

  it("returns baselines, goals, trajectory, SPC, variation and equity", async () => {
    const baselines = await json(`/api/v1/baselines?intervention=${busiest}&level=england`);
    expect(baselines.items).toHaveLength(1);
    expect(baselines.items[0].baseline_spells).toBeGreaterThan(5);
    const trajectory = await json(`/api/v1/trajectory?intervention=${knee}`);
    expect(trajectory.items).toHaveLength(12);
    const spc = await json("/api/v1/spc?intervention=ebi-list-2/appropriate-colonoscopy&org=ENG");
    expect(spc.items.length).toBeGreaterThan(12);
    expect(spc.variation).toMatch(/common|improvement|concern|neutral/);
    // A series with redacted months gets no chart, and says why, rather than one drawn on holes.
    const small = await json("/api/v1/spc?intervention=ebi-list-1/snoring-surgery&org=ENG");
    expect(small.variation).toBeNull();
    expect(small.reason).toMatch(/redacted/);
    const variation = await json(`/api/v1/variation?intervention=${knee}`);
    expect(variation.items[0].percentile_definition).toMatch(/type 7/);
    const equity = await json(
      `/api/v1/equity?intervention=${knee}&org=ENG&dimension=imd_decile&period=baseline`,
    );
    expect(equity.items.map((r: { group_code: string }) => r.group_code)).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
      "9",
      "10",
      "unknown",
    ]);
  });

  it("serves CSV by suffix or Accept header, and a real spreadsheet by suffix", async () => {
    const csv = await get(`/api/v1/baselines.csv?intervention=${busiest}&level=england`);
    expect(csv.headers["content-type"]).toContain("text/csv");
    const [header, row] = csv.body.trim().split("\r\n");
    expect(header?.split(",")).toContain("baseline_spells");
    const byAccept = await get(`/api/v1/baselines?intervention=${busiest}&level=england`, {
      accept: "text/csv",
    });
    expect(byAccept.body).toBe(csv.body);
    const xlsx = await get(`/api/v1/baselines.xlsx?intervention=${busiest}&level=england`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet("data");
    const columns = ((sheet?.getRow(1).values ?? []) as string[]).slice(1);
    const value = sheet?.getRow(2).getCell(columns.indexOf("baseline_spells") + 1).value;
    expect(value).toBe(Number(row?.split(",")[header?.split(",").indexOf("baseline_spells") ?? 0]));
    expect(workbook.getWorksheet("notes")?.getCell("B2").value).toBe(release.id);
  });

  it("answers a bad parameter with problem+json naming it", async () => {
    const response = await get("/api/v1/equity?intervention=not-an-id");
    expect(response.statusCode).toBe(400);
    expect(response.headers["content-type"]).toContain("application/problem+json");
    expect(response.json()).toMatchObject({ status: 400, parameter: "intervention" });
    const unknown = await get("/api/v1/activity?intervention=ebi-list-1/no-such-thing");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().title).toBe("Not found");
    const level = await get(`/api/v1/baselines?level=planet`);
    expect(level.json().parameter).toBe("level");
  });

  it("tags answers with the release's ETag and answers 304 when the client has it", async () => {
    const first = await get("/api/v1/interventions");
    const etag = first.headers.etag as string;
    expect(etag).toContain(release.id);
    const second = await get("/api/v1/interventions", { "if-none-match": etag });
    expect(second.statusCode).toBe(304);
  });

  it("documents every route in the OpenAPI document and serves the browsable page", async () => {
    const spec = await json("/api/docs/json");
    for (const path of [
      "/api/v1/interventions",
      "/api/v1/organisations",
      "/api/v1/activity",
      "/api/v1/baselines",
      "/api/v1/spc",
      "/api/v1/equity",
    ])
      expect(Object.keys(spec.paths)).toContain(path);
    expect((await get("/api/docs")).statusCode).toBeLessThan(400);
  });

  it("shows on the overview page the same baseline the API gives", async () => {
    const baselines = await json(`/api/v1/baselines?intervention=${busiest}&level=england`);
    const page = await get("/");
    const row = page.body.slice(page.body.indexOf(`/interventions/${busiest}`)).split("</tr>")[0] ?? "";
    expect(row).toContain(`>${Math.round(baselines.items[0].baseline_spells).toLocaleString("en-GB")}<`);
  });
});

describe("disclosure on the public side", () => {
  it("never shows an observed count from 1 to 5 through any endpoint (JSON and CSV), for any intervention, organisation or breakdown", async () => {
    // Goal and opportunity are modelled figures (rate × population), not observed counts: checked on the hand-made release.
    const { urls, problems } = await walkPublicApi(app, release, {
      orgsPerLevel: 6,
      fields: observedCountFields,
    });
    expect(urls).toBeGreaterThan(1000);
    expect(problems).toEqual([]);
  }, 180_000);

  it("leaves no redacted count that the published totals determine (independent check on the written files)", async () => {
    const db = await Database.open(":memory:");
    const read = (side: string, table: string) =>
      db.all<never>(`SELECT * FROM read_parquet(${quoteLiteral(`${release.dir}/${side}/${table}.parquet`)})`);
    const side = async (name: string) => ({
      organisations: await read(name, "organisations"),
      monthly: await read(name, "monthly"),
      baselines: await read(name, "baselines"),
      equity: await read(name, "equity"),
    });
    const problems = auditPublicRelease(await side("registered"), await side("public"), 5);
    db.close();
    expect(problems).toEqual([]);
    // And the check can fail: publishing the registered side as public is caught.
    const registered = await (async () => {
      const again = await Database.open(":memory:");
      const rows = await again.all<never>(
        `SELECT * FROM read_parquet(${quoteLiteral(`${release.dir}/registered/monthly.parquet`)})`,
      );
      again.close();
      return rows;
    })();
    expect(
      auditPublicRelease(
        { organisations: [], monthly: registered, baselines: [], equity: [] },
        { organisations: [], monthly: registered, baselines: [], equity: [] },
        5,
      ).length,
    ).toBeGreaterThan(0);
  }, 60_000);

  it("lets the LP attacker narrow no hidden small count on the written public files", async () => {
    const registered = await readReleaseSide<ReleaseTables>(release.dir, "registered", ebiReleaseTables);
    const published = await readReleaseSide<ReleaseTables>(release.dir, "public", ebiReleaseTables);
    const { problems, stats } = await auditRelease(
      registered.tables,
      published.tables,
      { threshold: 5, rounding: null },
      published.manifest.goal.percentile,
    );
    expect(stats.hidden).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    // And it can fail: the registered spread of rates (over hidden locations too) is caught.
    const leaky = {
      ...published.tables,
      trajectory: registered.tables.trajectory,
      variation: registered.tables.variation,
    };
    expect(
      (await auditRelease(registered.tables, leaky, { threshold: 5, rounding: null }, 25)).problems.length,
    ).toBeGreaterThan(0);
  }, 900_000);
});

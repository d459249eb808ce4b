import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../../src/products/buildApp.ts";
import { areaGlance } from "../../../../src/products/ebi/queries/areaGlance.ts";
import { compareAreas } from "../../../../src/products/ebi/queries/compareAreas.ts";
import { peerCount, peerGroupOf } from "../../../../src/products/ebi/queries/peerGroups.ts";
import { releaseAtPeriod } from "../../../../src/products/ebi/queries/periodRates.ts";
import { financialYears, rateTrend } from "../../../../src/products/ebi/queries/rateTrends.ts";
import type { LoadedRelease } from "../../../../src/products/ebi/release/readRelease.ts";
import { areas, areasRelease } from "../../../fixtures/release/areasRelease.ts";

let release: LoadedRelease;
let app: FastifyInstance;
beforeAll(async () => {
  release = areasRelease();
  app = await buildApp({ release });
});
afterAll(() => app?.close());

const json = async (url: string) => {
  const response = await app.inject({ method: "GET", url });
  expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
  return response.json();
};
// Byar's limits of 200 at 95% are 173.2396–229.7229, so A's Dobson factor √(var/O) is
// (172 − 150) ÷ (229.7229 − 200) = 0.740171; at 99.8% Byar's limits of 200 are 159.1170–247.6885.
const factor = 22 / 29.7228709;

describe("compare areas", () => {
  it("classes each ICB against England from its interval, and marks suppressed and uncalculated rates", () => {
    const result = compareAreas(release, { intervention: areas.id, level: "icb", benchmark: "england" });
    const of = (code: string) => result.rows.find((r) => r.org.org_code === code);
    expect(of("A")?.comparison).toBe("higher"); // 130 > 100
    expect(of("B")?.comparison).toBe("similar"); // 80 ≤ 100 ≤ 112
    expect(of("C")?.comparison).toBe("lower"); // 71 < 100
    expect(of("F")?.comparison).toBe("higher"); // 105 > 100
    expect(of("D")).toMatchObject({ status: "suppressed", rate: null, spells: null, comparison: null });
    expect(of("E")).toMatchObject({ status: "not-calculated", rate: null, comparison: null });
    expect(result.counts).toEqual({ higher: 2, similar: 1, lower: 1, "not-compared": 2 });
    // Sorted by rate, highest first, rows without a rate last.
    expect(result.rows.map((r) => r.org.org_code)).toEqual(["A", "F", "B", "C", "D", "E"]);
  });

  it("widens the intervals to 99.8% with Dobson's method, which can turn higher into similar", () => {
    const result = compareAreas(release, {
      intervention: areas.id,
      level: "icb",
      benchmark: "region",
      confidence: 0.998,
    });
    const a = result.rows.find((r) => r.org.org_code === "A");
    expect(a?.lower).toBeCloseTo(150 + factor * (159.117037 - 200), 3); // 119.740
    expect(a?.upper).toBeCloseTo(150 + factor * (247.688543 - 200), 3); // 185.298
    expect(a?.benchmark).toMatchObject({ org_code: "R", value: 110 });
    expect(a?.comparison).toBe("higher"); // 119.7 > 110
    // F: Byar's limits of 120 are 99.4902–143.4917 at 95% and 88.9583–157.8767 at 99.8%, so its
    // factor is 17 ÷ 23.4917 = 0.723661 and its 99.8% lower limit 120 − 0.723661 × 31.0417 = 97.536,
    // below England's 100: higher at 95%, similar at 99.8%.
    const england = compareAreas(release, {
      intervention: areas.id,
      level: "icb",
      benchmark: "england",
      confidence: 0.998,
    });
    const f = england.rows.find((r) => r.org.org_code === "F");
    expect(f?.lower).toBeCloseTo(97.536, 3);
    expect(f?.comparison).toBe("similar");
  });

  it("compares sub-ICB locations with their parent ICB", () => {
    const result = compareAreas(release, { intervention: areas.id, level: "sub_icb", benchmark: "icb" });
    const of = (code: string) => result.rows.find((r) => r.org.org_code === code);
    expect(of("S1")?.benchmark).toMatchObject({ org_code: "A", value: 150 });
    expect(of("S1")?.comparison).toBe("similar"); // 120–160 holds 150
    expect(of("S2")?.comparison).toBe("lower"); // 71 < 95
  });

  it("refuses a benchmark the level has not, and a confidence level it does not offer", () => {
    expect(() => compareAreas(release, { intervention: areas.id, level: "icb", benchmark: "icb" })).toThrow(
      /benchmark/,
    );
    expect(() =>
      compareAreas(release, { intervention: areas.id, level: "icb", benchmark: "england", confidence: 0.9 }),
    ).toThrow(/confidence/);
  });
});

describe("peer groups and an area at a glance", () => {
  it("matches each ICB with its ⌈n/4⌉ (at least 3) nearest on population, age and deprivation", () => {
    expect([peerCount(6), peerCount(12), peerCount(42), peerCount(106), peerCount(2)]).toEqual([
      3, 3, 10, 10, 1,
    ]);
    const group = peerGroupOf(release, release.organisationOf.get("icb|A") as never);
    expect(new Set(group.peers.map((p) => p.code))).toEqual(new Set(["B", "C", "F"]));
    expect(group.profile).toMatchObject({ population: 100_000, aged_65_plus: 0.2, most_deprived: 0.2 });
  });

  it("flags A as higher than England and its peers' median, with the opportunity at the median and lower quartile", () => {
    const [row] = areaGlance(release, "A").rows;
    // Peers B, C, F publish 95, 60 and 120: median 95; lower quartile (type 7) 60 + 0.5 × 35 = 77.5.
    expect(row?.peerMedian).toBe(95);
    expect(row?.peerLowerQuartile).toBe(77.5);
    expect(row?.vsEngland).toBe("higher");
    expect(row?.vsPeers).toBe("higher");
    expect(row?.flagged).toBe(true);
    // 200 × (1 − 95 ÷ 150) = 73.333 and 200 × (1 − 77.5 ÷ 150) = 96.667 spells.
    expect(row?.opportunityAtMedian).toBeCloseTo(73.3333, 3);
    expect(row?.opportunityAtLowerQuartile).toBeCloseTo(96.6667, 3);
    // The ICBs publish 60, 95, 120 and 150: the spine's range.
    expect(row?.range).toEqual({ units: 4, min: 60, p25: 86.25, p75: 127.5, max: 150 });
  });

  it("never computes a peer median from fewer than three published rates", () => {
    const [row] = areaGlance(release, "S1").rows;
    expect(row?.peerMedian).toBeNull();
    expect(row?.vsPeers).toBeNull();
    expect(row?.flagged).toBe(false);
  });
});

describe("trends of standardised rates", () => {
  it("counts only whole financial years of the data", () => {
    expect(financialYears("2018-04-01", "2021-03-01").map((y) => y.year)).toEqual([
      "2018/19",
      "2019/20",
      "2020/21",
    ]);
    expect(financialYears("2018-05-01", "2021-02-01").map((y) => y.year)).toEqual(["2019/20"]);
  });

  it("scales each year's spells by the baseline's rate per spell, with limits from the baseline factor", () => {
    const trend = rateTrend(release, areas.id, "A");
    const [base, next, hidden] = trend.rows;
    expect(base?.area.rate).toBeCloseTo(150, 10);
    // 2019/20: 100 spells × 150/200 = 75; Byar's limits of 100 are 81.3621–121.6279, so
    // 75 + 0.740171 × (81.3621 − 100) = 61.205 and 75 + 0.740171 × 21.6279 = 91.008.
    expect(next?.area.rate).toBeCloseTo(75, 10);
    expect(next?.area.lower).toBeCloseTo(61.205, 3);
    expect(next?.area.upper).toBeCloseTo(91.008, 3);
    // England 900 × 100/1000 = 90, inside A's interval.
    expect(next?.england.rate).toBeCloseTo(90, 10);
    expect(next?.comparison).toBe("similar");
    // A month of 2020/21 is hidden, so the year is too: nothing is worked out from the rest.
    expect(hidden?.area).toMatchObject({ status: "suppressed", spells: null, rate: null });
  });
});

describe("comparisons for another period", () => {
  it("compares the latest quarter's rates, scaled from the baseline and annualised", () => {
    const result = compareAreas(releaseAtPeriod(release, "quarter"), {
      intervention: areas.id,
      level: "icb",
      benchmark: "england",
    });
    expect(result.period).toEqual({ start: "2021-01-01", end: "2021-03-01" });
    // England's Jan–Mar 2021: 80 a month = 240 spells; 240 × 100/1000 × 4 = 96 per 100,000 a year.
    expect(result.england.rate).toBeCloseTo(96, 10);
    // A: 10 a month = 30 spells; 30 × 150/200 × 4 = 90. Byar's limits of 30 are 20.2369–42.8284, so
    // 90 + 0.740171 × 4 × (20.2369 − 30) = 61.095 and 90 + 0.740171 × 4 × 12.8284 = 127.981.
    const a = result.rows.find((r) => r.org.org_code === "A");
    expect(a).toMatchObject({ spells: 30, status: "shown", comparison: "similar" });
    expect(a?.rate).toBeCloseTo(90, 10);
    expect(a?.lower).toBeCloseTo(61.095, 3);
    expect(a?.upper).toBeCloseTo(127.981, 3);
  });

  it("hides a financial year holding a hidden month, and leaves the baseline year as published", () => {
    const year = compareAreas(releaseAtPeriod(release, "financial_year"), {
      intervention: areas.id,
      level: "icb",
      benchmark: "england",
    });
    expect(year.period).toEqual({ start: "2020-04-01", end: "2021-03-01" });
    expect(year.england.rate).toBeCloseTo(96, 10);
    expect(year.rows.find((r) => r.org.org_code === "A")).toMatchObject({
      status: "suppressed",
      rate: null,
      comparison: null,
    });
    expect(releaseAtPeriod(release, "baseline")).toBe(release);
  });

  it("answers the API and the pages for the chosen period", async () => {
    const body = await json(`/api/v1/compare?intervention=${areas.id}&level=icb&period=quarter`);
    expect(body.period).toEqual({ start: "2021-01-01", end: "2021-03-01" });
    expect(body.items.find((i: { org_code: string }) => i.org_code === "A").rate).toBeCloseTo(90, 10);
    expect(body.method).toContain("annualised");
    const glance = await json("/api/v1/areas/A?period=quarter");
    expect(glance.items[0]).toMatchObject({ spells: 30, england_rate: 96 });
    expect(glance.items[0].rate).toBeCloseTo(90, 10);
    for (const url of [
      `/compare?intervention=${areas.id}&level=icb&period=quarter`,
      `/map?intervention=${areas.id}&level=icb&period=quarter`,
      "/areas/A?period=quarter",
    ]) {
      const page = await app.inject({ url, headers: { accept: "text/html" } });
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toContain("latest quarter");
      expect(page.body, url).toContain('<option value="quarter" selected>');
    }
    const bad = await app.inject({ url: `/api/v1/compare?intervention=${areas.id}&period=decade` });
    expect(bad.statusCode).toBe(400);
  });
});

describe("/api/v1 area routes", () => {
  it("answers compare areas with the figures worked above", async () => {
    const body = await json(`/api/v1/compare?intervention=${areas.id}&level=icb&benchmark=peers`);
    const a = body.items.find((i: { org_code: string }) => i.org_code === "A");
    expect(a).toMatchObject({ rate: 150, lower: 130, upper: 172, benchmark_rate: 95, comparison: "higher" });
    expect(body.items.find((i: { org_code: string }) => i.org_code === "D")).toMatchObject({
      status: "suppressed",
      spells: null,
      rate: null,
      comparison: null,
    });
    expect(body.method).toContain("95%");
    const problem = await app.inject({
      url: `/api/v1/compare?intervention=${areas.id}&level=region&benchmark=region`,
    });
    expect(problem.statusCode).toBe(400);
    expect(problem.json().code).toBe("EBI_INVALID_ARGUMENT");
  });

  it("answers an area at a glance, its peers, its trend, its providers and the map layout", async () => {
    const glance = await json("/api/v1/areas/A?confidence=0.998");
    expect(glance.confidence).toBe(0.998);
    expect(glance.items[0]).toMatchObject({
      peer_median: 95,
      opportunity_at_peer_lower_quartile: expect.closeTo(96.6667, 3),
    });
    const peers = await json("/api/v1/peers/A");
    expect(peers.items.map((p: { org_code: string }) => p.org_code).sort()).toEqual(["B", "C", "F"]);
    const trend = await json(`/api/v1/trends?intervention=${areas.id}&org=A`);
    expect(trend.items[1]).toMatchObject({ year: "2019/20", spells: 100, rate: 75, england_rate: 90 });
    const providers = await json("/api/v1/organisations/A/providers");
    expect(providers.items).toEqual([expect.objectContaining({ org_code: "P1", sub_icbs: ["S1"] })]);
    const trust = await json("/api/v1/providers/P1");
    expect(trust.commissioners.map((c: { org_code: string }) => c.org_code)).toEqual(["S1", "S2"]);
    const layout = await json("/api/v1/tile-layout");
    expect(layout.items).toHaveLength(6);
  });
});

describe("area pages", () => {
  const page = async (url: string) => {
    const response = await app.inject({ method: "GET", url, headers: { accept: "text/html" } });
    expect(response.statusCode, url).toBe(200);
    return response.body;
  };

  it("shows a suppressed rate as suppressed, with no figure of its own", async () => {
    const html = await page(`/compare?intervention=${areas.id}&level=icb&benchmark=england`);
    const row = /<tr data-org="D"[\s\S]*?<\/tr>/.exec(html)?.[0] ?? "";
    expect(row).toContain("suppressed");
    expect(row).toContain('data-class="none"');
    // Cells: part of, spells, population, rate, interval, benchmark, benchmark rate, comparison.
    const cells = row
      .split("<td")
      .slice(1)
      .map((c) => c.replace(/<[^>]+>|^[^>]*>/g, "").trim());
    expect(cells.slice(1, 6)).toEqual(["[c]", "100,000", "suppressed", "–", "England"]);
    expect(html).toContain("95% confidence");
  });

  it("lists the interventions an area does significantly more of than England and its peers, linked to their charts", async () => {
    const html = await page("/areas/A");
    const flagged = /<div class="nhsuk-inset-text" id="flagged">[\s\S]*?<\/div>/.exec(html)?.[0] ?? "";
    expect(flagged).toContain(`href="/interventions/${areas.id}?org=A"`);
    expect(await page("/areas/S1")).toContain("No intervention is significantly higher");
  });

  it("draws each ICB of the layout as a hex coloured by its class", async () => {
    const html = await page(`/map?intervention=${areas.id}&level=icb`);
    expect(html.match(/<polygon /g)).toHaveLength(6);
    expect(html).toContain(
      'aria-label="A NHS A-shire Integrated Care Board: Significantly higher (worse), 150.0 per 100,000"',
    );
  });
});

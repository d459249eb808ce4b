import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { parseHTML } from "linkedom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../../src/products/buildApp.ts";
import { progressOf } from "../../../../src/products/ebi/queries/progress.ts";
import { readRelease } from "../../../../src/products/ebi/release/readRelease.ts";
import type { BaselineRow } from "../../../../src/products/ebi/release/tables.ts";
import { fixture, writeReleaseFixture } from "../../../fixtures/release/releaseFixture.ts";

let app: FastifyInstance;
beforeAll(async () => {
  const { releasesDir, dir } = await writeReleaseFixture();
  const served = [
    { provider: "P1", commissioners: ["S2", "S1"], period: { start: "2020-04-01", end: "2021-03-01" } },
  ];
  writeFileSync(join(dir, "provider-commissioners.json"), JSON.stringify(served));
  app = await buildApp({ release: await readRelease(releasesDir) });
});
afterAll(() => app?.close());

const page = async (url: string) => {
  const response = await app.inject({ method: "GET", url });
  expect(response.statusCode, url).toBe(200);
  return parseHTML(response.body).document;
};
const cells = (doc: Document, table: string, rowText: string) => list(cellsOf(doc, table, rowText));
const cellsOf = (doc: Document, table: string, rowText: string) =>
  Array.from(doc.querySelectorAll(`#${table} tbody tr`))
    .find((tr) => tr.querySelector("th")?.textContent?.includes(rowText))
    ?.querySelectorAll("td");
const list = (nodes: NodeListOf<Element> | undefined): Element[] => (nodes ? Array.from(nodes) : []);
const text = (cell: Element | undefined) => cell?.textContent?.replace(/\s+/g, " ").trim() ?? "";
const kneeSum = (code: "S1" | "S2" | "S3", from: number) =>
  Array.from({ length: 12 }, (_, i) => fixture.kneeSpells(code, from + i)).reduce((a, b) => a + b, 0);

describe("peers and the spread between commissioners", () => {
  it("gives as peers' median the p50 the intervention page shows (one percentile everywhere)", async () => {
    const org = await page("/organisations/S1");
    const [, median] = cells(org, "peers", "Knee");
    const intervention = await page(`/interventions/${fixture.knee}`);
    const p50 = /median ([\d.]+)/.exec(text(intervention.querySelector("#spread") ?? undefined))?.[1];
    expect(p50).toBe("130.0");
    // The median of the three published sub-ICB rates would be 142.3: not what is shown.
    expect(text(median)).toBe(p50);
  });

  it("counts each sub-ICB location once in the spread's summary", async () => {
    for (const id of [fixture.knee, fixture.grommets]) {
      const spread = text((await page(`/interventions/${id}`)).querySelector("#spread") ?? undefined);
      const [, units, rated] = /^Of (\d+) sub-ICB locations, (\d+) have/.exec(spread) ?? [];
      const unrated = Number(/(\d+) have none/.exec(spread)?.[1] ?? 0);
      expect(Number(units), spread).toBe(3);
      expect(Number(rated) + unrated, spread).toBe(3);
    }
  });
});

describe("progress and the opportunity left", () => {
  const row = (baseline: number, goal: number, latest: number): BaselineRow =>
    ({ baseline_spells: baseline, goal_spells: goal, latest_spells: latest, unit_cost: 1000 }) as BaselineRow;

  it("states progress as a share of the asked reduction from 0 to 1, with words at the ends", () => {
    expect(progressOf(row(1131, 905, 1035))).toMatchObject({
      status: "part-way",
      remaining: 130,
      remainingCost: 130_000,
    });
    expect(progressOf(row(1131, 905, 1035)).share).toBeCloseTo(96 / 226, 12);
    // Asked 0.1 of a spell: a share would read 1,441%; there is no reduction to speak of.
    expect(progressOf(row(100, 99.9, 98.56))).toMatchObject({ status: "not-asked", share: null });
    // More spells than the baseline: none, not −284%.
    expect(progressOf(row(100, 90, 128))).toMatchObject({ status: "none", share: 0, remaining: 38 });
    // Once the goal is met the opportunity left is 0, whatever the baseline asked.
    expect(progressOf(row(100, 90, 60))).toMatchObject({
      status: "met",
      share: 1,
      remaining: 0,
      remainingCost: 0,
    });
  });

  it("shows England's knee progress and the money left in the latest year, with the baseline months", async () => {
    const england = await page("/");
    // Columns: list, confidence, baseline, goal, latest 12 months, latest period, progress, money.
    const [, , , baseline, , , , progress, money] = [undefined, ...cells(england, "interventions", "Knee")];
    expect(text(baseline)).toBe("1,131 (Apr 2018 to Mar 2019)");
    expect(text(progress)).toBe("42% of the way");
    expect(text(money)).toBe("£130,000");
  });
});

describe("the years a figure belongs to", () => {
  it("states the baseline months and the goal's 12 months on the intervention page", async () => {
    const lede = text(
      (await page(`/interventions/${fixture.knee}?org=S1`)).querySelector(".nhsuk-lede-text") ?? undefined,
    );
    expect(lede).toContain("spells in the baseline year (Apr 2018 to Mar 2019)");
    expect(lede).toContain("in the latest 12 months (Apr 2020 to Mar 2021); goal for those 12 months");
  });
});

describe("a trust's page", () => {
  it("shows its spells by intervention for the baseline year and the latest 12 months", async () => {
    const trust = await page("/organisations/P1");
    const [, , baseline, goal, latest] = cells(trust, "interventions", "Knee");
    const all = (from: number) => kneeSum("S1", from) + kneeSum("S2", from) + kneeSum("S3", from);
    expect(text(baseline)).toBe(`${all(0).toLocaleString("en-GB")} (Apr 2018 to Mar 2019)`);
    expect(text(latest)).toBe(all(24).toLocaleString("en-GB"));
    expect(text(goal)).toBe("no goal for a trust");
    expect(trust.body.textContent).not.toContain("No figures for this organisation");
  });

  it("names the commissioners it serves, linked, in the order the release lists them", async () => {
    const served = (await page("/organisations/P1")).querySelector("#served");
    const links = Array.from(served?.querySelectorAll("a") ?? []).map((a) => a.getAttribute("href"));
    expect(links).toEqual(["/areas/S2", "/areas/S1"]);
    expect(text(served ?? undefined)).toContain("NHS Alpha ICB - 02B");
  });
});

describe("financial-year totals", () => {
  it("agree between the page and activity?breakdown=financial_year, hidden in both or shown in both", async () => {
    for (const [id, org] of [
      [fixture.knee, "ENG"],
      [fixture.grommets, "ENG"],
      [fixture.grommets, "S3"],
    ] as const) {
      const api = (
        await app.inject({
          method: "GET",
          url: `/api/v1/activity?intervention=${id}&org=${org}&breakdown=financial_year`,
        })
      ).json();
      const fy = api.items.find((r: { financial_year: string }) => r.financial_year === "2018-19");
      const lede = text(
        (await page(`/interventions/${id}?org=${org}`)).querySelector(".nhsuk-lede-text") ?? undefined,
      );
      const shown = /: (\S+) spells in the baseline year/.exec(lede)?.[1];
      expect(shown, `${id} ${org}`).toBe(fy.spells === null ? "[c]" : fy.spells.toLocaleString("en-GB"));
    }
  });
});

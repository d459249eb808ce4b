import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Database } from "../../../src/db/index.ts";
import { quietEffects } from "../../../src/effects/index.ts";
import { rmy202425 } from "../../../src/products/talking-therapies/demo/publishedTargets.ts";
import {
  buildPublicReview,
  type PublicReview,
} from "../../../src/products/talking-therapies/public/buildPublicReview.ts";
import {
  demoPublishedExtract,
  extractPublished,
} from "../../../src/products/talking-therapies/publishedExtract.ts";
import {
  readEnglandBreakdowns,
  readPublished,
} from "../../../src/products/talking-therapies/publishedMeasures.ts";

const national = "../shared/data/talking-therapies/measures_annual.parquet";
const period = { from: rmy202425.from, to: rmy202425.to };
const hasNational = existsSync(national);

/** Every published row the public review reads from a file: the provider's and England's Totals, England by breakdown. */
async function rowsTheReviewReads(file: string) {
  const db = await Database.open(":memory:");
  try {
    return await db.withConnection(async (c) => {
      const sort = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();
      return {
        provider: sort(await readPublished(c, { file, orgCode: rmy202425.provider, ...period })),
        england: sort(await readPublished(c, { file, orgCode: "All", ...period })),
        breakdowns: await readEnglandBreakdowns(c, file, period),
      };
    });
  } finally {
    db.close();
  }
}

let built: Promise<PublicReview> | undefined;
/** The review built from the shipped extract, once for the tests that read it. */
const reviewFromExtract = () => {
  built ??= buildPublicReview(
    { outDir: join(mkdtempSync(join(tmpdir(), "tt-extract-")), "public"), published: demoPublishedExtract },
    quietEffects(),
  );
  return built;
};

describe("the shipped published extract", () => {
  it("holds the provider's and England's published totals and England's breakdowns on its own", async () => {
    const rows = await rowsTheReviewReads(demoPublishedExtract);
    const provider = rows.provider.map(
      (r) => JSON.parse(r) as { measureName: string; statistic: string; value: number },
    );
    const value = (name: string) =>
      provider.find((r) => r.measureName === name && r.statistic === "count")?.value;
    // The demo's calibration targets are RMY's published counts.
    expect(value("referrals_received")).toBe(rmy202425.referrals_received);
    expect(value("finished_course_treatment")).toBe(rmy202425.finished_course_treatment);
    expect(value("recovery")).toBe(rmy202425.recovery);
    expect(value("deterioration")).toBe(rmy202425.deterioration);
    expect(provider).toHaveLength(14);
    expect(rows.england).toHaveLength(14);
    const types = new Set(rows.breakdowns.map((r) => r.variable_type));
    for (const t of ["Total", "Age Group", "Ethnic Group", "Indices of Deprivation Decile"])
      expect(types).toContain(t);
    expect(
      rows.breakdowns.find(
        (r) =>
          r.variable_type === "Ethnic Group" &&
          r.variable_a === "Not stated/Not known/Invalid" &&
          r.measure_name === "referrals_received",
      )?.value,
    ).toMatch(/^[0-9]+$/);
  });
});

describe.skipIf(!hasNational)(
  `the shipped published extract against the national file (skipped: ${national} is not beside the project)`,
  () => {
    it("gives the review exactly the rows the national file gives it", async () => {
      const [fromNational, fromExtract] = await Promise.all([
        rowsTheReviewReads(national),
        rowsTheReviewReads(demoPublishedExtract),
      ]);
      expect(fromExtract.breakdowns.length).toBeGreaterThan(100);
      expect(fromExtract).toEqual(fromNational);
    });

    it("builds the same review as the national file does", async () => {
      const fromNational = await buildPublicReview(
        { outDir: join(mkdtempSync(join(tmpdir(), "tt-extract-")), "public"), published: national },
        quietEffects(),
      );
      const { createdAt: _a, ...expected } = fromNational;
      const { createdAt: _b, ...actual } = await reviewFromExtract();
      expect(actual).toEqual(expected);
    }, 300_000);

    it("is what extract-published writes from the national file today", async () => {
      const db = await Database.open(":memory:");
      try {
        const { csv } = await db.withConnection((c) =>
          extractPublished(c, { file: national, provider: rmy202425.provider, ...period }),
        );
        expect(csv).toBe(readFileSync(demoPublishedExtract, "utf8"));
      } finally {
        db.close();
      }
    });
  },
);

describe("the public review from the shipped published extract alone", () => {
  it("builds with England's and the provider's published figures in place", async () => {
    const review = await reviewFromExtract();
    const table = (id: string) => review.tables.find((t) => t.id === id);
    // England 2024-25 as published: recovery 50.5%, reliable recovery 47.5%, improvement 67.5%.
    const standards = table("standards")?.rows ?? [];
    expect(standards.map((r) => r.england).slice(0, 3)).toEqual([50.5, 47.5, 67.5]);
    // 634,248 at caseness of 670,419 finished: 94.6%.
    expect(table("caseness")?.rows[0]?.england).toBe(94.6);
    const published = (table("reconciliation")?.rows ?? []).find(
      (r) => r.measure === "referrals received" && r.statistic === "count",
    )?.published;
    expect(published).toBe(String(rmy202425.referrals_received));
    const byGroup = (table("outcomes-by-group")?.rows ?? []).filter(
      (r) => typeof r.england_recovery === "number",
    );
    expect(byGroup.length).toBeGreaterThan(5);
    expect(
      (table("recording")?.rows ?? []).find((r) => r.item === "Ethnic category not known")?.england,
    ).toEqual(expect.any(Number));
  }, 300_000);
});

import { describe, expect, it } from "vitest";
import { addMonths } from "../../../../src/periods/period.ts";
import { spcSeries } from "../../../../src/products/ebi/queries/spc.ts";
import type { LoadedRelease } from "../../../../src/products/ebi/release/readRelease.ts";
import type { MonthlyRow, QuarterlyRow } from "../../../../src/products/ebi/release/tables.ts";

const id = "x/knee";
const key = `${id}|sub_icb|S01`;
/** April 2017 to March 2020: 36 months of 10 spells, May 2018 hidden; 12 quarters of 30. */
const months = Array.from({ length: 36 }, (_, i) => addMonths("2017-04-01", i));

function release(options: { quarters: boolean; hiddenQuarter?: string; baselineYear?: number | null }) {
  const monthly: MonthlyRow[] = months.map((month) => {
    const hidden = month === "2018-05-01" || (options.hiddenQuarter !== undefined && month === "2019-10-01");
    return {
      intervention_id: id,
      level: "sub_icb",
      org_code: "S01",
      month,
      spells: hidden ? null : 10,
      suppressed: hidden ? "redacted" : null,
    };
  });
  const quarterly: QuarterlyRow[] = months
    .filter((_, i) => i % 3 === 0)
    .map((start) => {
      const hidden = start === options.hiddenQuarter;
      return {
        intervention_id: id,
        level: "sub_icb",
        org_code: "S01",
        quarter_start: start,
        quarter_end: addMonths(start, 2),
        spells: hidden ? null : 30,
        suppressed: hidden ? "redacted" : null,
      };
    });
  const baseline =
    options.baselineYear === undefined
      ? undefined
      : {
          baseline_start: "2019-04-01",
          baseline_end: "2020-03-01",
          baseline_spells: options.baselineYear,
          latest_start: "2019-04-01",
          latest_end: "2020-03-01",
          latest_spells: options.baselineYear,
          goal_spells: null,
        };
  return {
    monthlyOf: new Map([[key, monthly]]),
    trajectoryOf: new Map(),
    baselineOf: new Map(baseline ? [[key, baseline]] : []),
    quarterlyOf: options.quarters ? new Map([[key, quarterly]]) : undefined,
  } as unknown as LoadedRelease;
}

describe("the monitoring chart's fallback to protected quarters and years", () => {
  it("charts the published quarters when a month is hidden, and says why", () => {
    const series = spcSeries(release({ quarters: true }), id, "sub_icb", "S01");
    expect(series.grain).toBe("quarter");
    expect(series.chart?.points.map((p) => p.value)).toEqual(Array(12).fill(30));
    expect(series.fallback).toBe(
      "Quarterly figures are charted: 1 of 36 months are redacted to protect small numbers",
    );
  });

  it("draws nothing from months alone: a quarter over a hidden month stays hidden", () => {
    const series = spcSeries(release({ quarters: false }), id, "sub_icb", "S01");
    expect(series.chart).toBeNull();
    expect(series.reason).toContain("1 of 12 quarters are redacted");
  });

  it("falls back to financial years from four published quarters or the release's own year total", () => {
    const series = spcSeries(
      release({ quarters: true, hiddenQuarter: "2019-10-01", baselineYear: 120 }),
      id,
      "sub_icb",
      "S01",
    );
    expect(series.grain).toBe("financial_year");
    expect(series.points.map((p) => [p.period.label, p.spells])).toEqual([
      ["2017-18", 120],
      ["2018-19", 120],
      ["2019-20", 120],
    ]);
    expect(series.fallback).toContain("1 of 12 quarters are redacted");
    // With the year's own total hidden too, nothing is charted.
    const none = spcSeries(
      release({ quarters: true, hiddenQuarter: "2019-10-01", baselineYear: null }),
      id,
      "sub_icb",
      "S01",
    );
    expect(none.chart).toBeNull();
  });
});

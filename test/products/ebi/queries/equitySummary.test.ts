import { describe, expect, it } from "vitest";
import { equitySummary } from "../../../../src/products/ebi/queries/equity.ts";
import type { LoadedRelease } from "../../../../src/products/ebi/release/readRelease.ts";
import type { EquityRow } from "../../../../src/products/ebi/release/tables.ts";

/** Quintile rows: standardised rates differ from crude ones, as they do when age mixes differ. */
function quintiles(dsrs: (number | null)[], crude: number[]): EquityRow[] {
  return dsrs.map((dsr, i) => ({
    intervention_id: "s/x",
    level: "england",
    org_code: "ENG",
    period: "latest",
    dimension: "imd_quintile",
    group_code: String(i + 1),
    group_label: String(i + 1),
    group_order: i + 1,
    spells: dsr === null ? null : 500,
    population: 100_000,
    crude_rate: dsr === null ? null : (crude[i] as number),
    dsr,
    lower: dsr === null ? null : dsr * 0.9,
    upper: dsr === null ? null : dsr * 1.1,
    suppressed: dsr === null ? "redacted" : null,
  }));
}
const releaseWith = (rows: EquityRow[]) =>
  ({ equityOf: new Map([["s/x|england|ENG|latest|imd_quintile", rows]]) }) as unknown as LoadedRelease;
const summary = (rows: EquityRow[]) =>
  equitySummary(releaseWith(rows), "s/x", "england", "ENG", "latest", "imd_quintile");

describe("equitySummary by deprivation", () => {
  it("takes the headline ratio and gap from the standardised rates shown, not the crude ones", () => {
    const s = summary(quintiles([603.4, 640, 650, 655, 663.6], [500, 560, 600, 610, 625]));
    expect(s.gap?.ratio).toBeCloseTo(603.4 / 663.6, 9);
    expect(s.gap?.difference).toBeCloseTo(603.4 - 663.6, 9);
  });

  it("gives the slope index as most minus least deprived: +22 for rates 30, 24, 20, 16, 12", () => {
    // Equal populations: x = 0.1 … 0.9; least-squares slope −22 from most to least; intercept 31.4.
    const s = summary(quintiles([30, 24, 20, 16, 12], [30, 24, 20, 16, 12]));
    expect(s.sii?.sii).toBeCloseTo(22, 9);
    expect(s.sii?.rii).toBeCloseTo(31.4 / 9.4, 9);
  });

  it("shows no ratio when the most deprived group is hidden, and says why", () => {
    const s = summary(quintiles([null, 24, 20, 16, 12], [0, 24, 20, 16, 12]));
    expect(s.gap).toBeNull();
    expect(s.note).toMatch(/hidden/);
  });
});

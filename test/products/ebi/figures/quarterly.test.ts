import { describe, expect, it } from "vitest";
import { quarterlyRows } from "../../../../src/products/ebi/figures/quarterly.ts";
import type { MonthlyRow } from "../../../../src/products/ebi/release/tables.ts";

const row = (level: MonthlyRow["level"], org: string, month: string, spells: number): MonthlyRow => ({
  intervention_id: "x/knee",
  level,
  org_code: org,
  month,
  spells,
  suppressed: null,
});

describe("quarterlyRows", () => {
  it("sums the three months of each financial-year quarter of each commissioner", () => {
    const months = ["2018-04-01", "2018-05-01", "2018-06-01", "2018-07-01", "2018-08-01", "2018-09-01"];
    const rows = quarterlyRows(months.map((m, i) => row("icb", "QA1", m, i + 1)));
    expect(rows).toEqual([
      expect.objectContaining({ quarter_start: "2018-04-01", quarter_end: "2018-06-01", spells: 6 }),
      expect.objectContaining({ quarter_start: "2018-07-01", quarter_end: "2018-09-01", spells: 15 }),
    ]);
  });

  it("keeps only quarters whose three months are all in the data, and no provider", () => {
    const rows = quarterlyRows([
      row("sub_icb", "S01", "2019-02-01", 4),
      row("sub_icb", "S01", "2019-03-01", 4),
      row("sub_icb", "S01", "2019-04-01", 9),
      row("sub_icb", "S01", "2019-05-01", 9),
      row("sub_icb", "S01", "2019-06-01", 9),
      ...["2019-04-01", "2019-05-01", "2019-06-01"].map((m) => row("provider", "RX1", m, 7)),
    ]);
    expect(rows.map((r) => [r.level, r.quarter_start, r.spells])).toEqual([["sub_icb", "2019-04-01", 27]]);
  });
});

import { describe, expect, it } from "vitest";
import type { EquityRow } from "../../src/products/ebi/release/tables.ts";
import { equityChart } from "../../src/web/charts/equityChart.ts";

const row = (
  label: string,
  order: number,
  rate: number | null,
  suppressed: EquityRow["suppressed"] = null,
): EquityRow => ({
  intervention_id: "s/x",
  level: "england",
  org_code: "ENG",
  period: "latest",
  dimension: "sex",
  group_code: String(order),
  group_label: label,
  group_order: order,
  spells: rate === null ? null : 10,
  population: 1000,
  crude_rate: rate,
  dsr: null,
  lower: rate,
  upper: rate === null ? null : rate + 1,
  suppressed,
});
const barWidths = (svg: string) => [...svg.matchAll(/<rect[^>]* width="([\d.]+)"/g)].map((m) => Number(m[1]));

describe("equityChart", () => {
  it("keeps a hidden group as a labelled row rather than dropping it", () => {
    const svg = equityChart([row("Female", 1, 40), row("Male", 2, null, "redacted")], "Rates by sex");
    expect(svg).toContain("Male");
    expect(svg).toContain("hidden (small numbers)");
  });

  it("draws no bar for a rate of 0, even when every rate is 0", () => {
    const zero = { ...row("Female", 1, 0), upper: 0 };
    const svg = equityChart([zero, { ...row("Male", 2, 0), upper: 0 }], "Rates by sex");
    expect(barWidths(svg).every((w) => w === 0)).toBe(true);
    const some = equityChart([row("Female", 1, 0), row("Male", 2, 50)], "Rates by sex");
    expect(Math.min(...barWidths(some))).toBe(0);
  });
});

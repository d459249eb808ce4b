import * as Plot from "@observablehq/plot";
import { renderPlot } from "./renderPlot.ts";

/**
 * Rates by group with their intervals. Every group keeps its row: a hidden one (small numbers) is
 * labelled "hidden", one without a rate "no rate", so a missing bar is never read as a low one.
 * The axis runs from 0 to above the largest limit, so a rate of 0 draws no bar.
 */
/** One group's rate as the chart draws it (a standardised rate where there is one, else the crude). */
export interface EquityChartRow {
  group_label: string;
  dsr: number | null;
  crude_rate: number | null;
  lower: number | null;
  upper: number | null;
  suppressed: string | null;
}

export function equityChart(rows: readonly EquityChartRow[], title: string): string {
  const data = rows.map((r) => {
    const rate = r.dsr ?? r.crude_rate;
    return {
      group: r.group_label,
      rate,
      lower: r.lower,
      upper: r.upper,
      label: rate !== null ? null : r.suppressed ? "hidden (small numbers)" : "no rate",
    };
  });
  const rated = data.filter((d) => d.rate !== null);
  if (data.length === 0 || (rated.length === 0 && data.every((d) => d.label === "no rate"))) return "";
  const top = Math.max(0, ...rated.map((d) => Math.max(d.upper ?? 0, d.rate ?? 0)));
  return renderPlot(
    {
      height: 40 + data.length * 26,
      marginLeft: 150,
      x: { label: "Rate per 100,000", grid: true, domain: [0, top > 0 ? top * 1.05 : 1] },
      y: { label: null, domain: data.map((d) => d.group) },
      marks: [
        Plot.barX(rated, { y: "group", x: "rate", fill: "#41b6e6" }),
        Plot.ruleY(
          rated.filter((d) => d.lower !== null),
          { y: "group", x1: "lower", x2: "upper", stroke: "#231f20" },
        ),
        Plot.text(
          data.filter((d) => d.label !== null),
          { y: "group", x: 0, text: "label", textAnchor: "start", dx: 4, fill: "#4c6272" },
        ),
      ],
    },
    title,
  );
}

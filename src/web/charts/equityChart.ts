import * as Plot from "@observablehq/plot";
import type { EquityRow } from "../../release/tables.ts";
import { renderPlot } from "./renderPlot.ts";

/** Rates by group with their intervals (groups without a rate are left out of the chart, not the table). */
export function equityChart(rows: readonly EquityRow[], title: string): string {
  const data = rows
    .filter((r) => (r.dsr ?? r.crude_rate) !== null)
    .map((r) => ({
      group: r.group_label,
      rate: r.dsr ?? r.crude_rate,
      lower: r.lower,
      upper: r.upper,
      order: r.group_order,
    }));
  if (data.length === 0) return "";
  return renderPlot(
    {
      height: 40 + data.length * 26,
      marginLeft: 150,
      x: { label: "Rate per 100,000", grid: true, zero: true },
      y: { label: null, domain: data.map((d) => d.group) },
      marks: [
        Plot.barX(data, { y: "group", x: "rate", fill: "#41b6e6" }),
        Plot.ruleY(data, { y: "group", x1: "lower", x2: "upper", stroke: "#231f20" }),
      ],
    },
    title,
  );
}

import * as Plot from "@observablehq/plot";
import type { RateTrend } from "./chartData.ts";
import { renderPlot } from "./renderPlot.ts";

/** Financial-year standardised rates of an area (dots with intervals) against England's (line). */
export function trendChart(trend: RateTrend, title: string): string {
  const area = trend.rows
    .filter((r) => r.area.rate !== null)
    .map((r) => ({ year: r.year, rate: r.area.rate, lower: r.area.lower, upper: r.area.upper }));
  const england = trend.rows
    .filter((r) => r.england.rate !== null)
    .map((r) => ({ year: r.year, rate: r.england.rate }));
  return renderPlot(
    {
      height: 260,
      marginLeft: 60,
      x: { label: "Financial year", type: "point", domain: trend.rows.map((r) => r.year) },
      y: { label: "Standardised rate per 100,000", grid: true, zero: true },
      marks: [
        Plot.line(england, { x: "year", y: "rate", stroke: "#212b32", strokeDasharray: "6 3" }),
        Plot.ruleX(area, { x: "year", y1: "lower", y2: "upper", stroke: "#005eb8", strokeWidth: 2 }),
        Plot.line(area, { x: "year", y: "rate", stroke: "#005eb8" }),
        Plot.dot(area, { x: "year", y: "rate", fill: "#005eb8", r: 4 }),
      ],
    },
    title,
  );
}

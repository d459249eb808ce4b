import * as Plot from "@observablehq/plot";
import { renderPlot } from "./renderPlot.ts";

/** One year's rate of a series (null when not published), with its interval. */
interface TrendRate {
  rate: number | null;
  lower: number | null;
  upper: number | null;
}

/** Rates by year of an area and of England, in year order. */
export interface TrendChartData {
  rows: readonly { year: string; area: TrendRate; england: TrendRate }[];
}

/** Financial-year standardised rates of an area (dots with intervals) against England's (line). */
export function trendChart(trend: TrendChartData, title: string): string {
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

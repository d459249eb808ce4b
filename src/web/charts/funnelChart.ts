import * as Plot from "@observablehq/plot";
import type { FunnelLimits } from "../../stats/index.ts";
import type { FunnelPoint } from "./chartData.ts";
import { renderPlot } from "./renderPlot.ts";

/** Funnel plot: each commissioner's standardised rate against its population, with 95% and 99.8% limits. */
export function funnelChart(
  points: FunnelPoint[],
  limits: FunnelLimits[],
  target: number | null,
  title: string,
): string {
  const line = (key: keyof FunnelLimits, dash: string) =>
    Plot.lineY(limits, { x: "denominator", y: key, stroke: "#768692", strokeDasharray: dash });
  return renderPlot(
    {
      height: 300,
      marginLeft: 55,
      x: { label: "Population", type: "log", grid: true },
      y: { label: "Standardised rate per 100,000", grid: true, zero: true },
      marks: [
        line("lower95", "4 3"),
        line("upper95", "4 3"),
        line("lower998", "1 0"),
        line("upper998", "1 0"),
        ...(target !== null ? [Plot.ruleY([target], { stroke: "#005eb8" })] : []),
        Plot.dot(points, { x: "population", y: "dsr", fill: "#005eb8", r: 3.5 }),
      ],
    },
    title,
  );
}

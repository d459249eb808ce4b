import * as Plot from "@observablehq/plot";
import type { FunnelLimits } from "../../stats/index.ts";
import { renderPlot } from "./renderPlot.ts";

/** One unit on a funnel plot: its size (x), value (y), name and which side of the limits it lies. */
export interface FunnelChartPoint {
  x: number;
  y: number;
  label: string;
  /** "higher" or "lower" when outside the 99.8% limits, "within" otherwise. */
  side: "higher" | "lower" | "within";
  /** The unit the reader chose: drawn larger, ringed and named. */
  highlight?: boolean;
}

/** What a funnel plot draws; every label is the caller's. */
export interface FunnelChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** The comparator's value and its label (e.g. "England 41.7"). */
  target: { value: number; label: string } | null;
  /** Labels of the two pairs of limits, e.g. "95%" and "99.8%". */
  limitLabels?: { inner: string; outer: string };
  height?: number;
}

const sideColour = { higher: "#ed8b00", lower: "#005eb8", within: "#768692" };

/**
 * Funnel plot: each unit's value against its size with the comparator line and two pairs of limits
 * (inner dashed, outer solid, each labelled at the right), units outside the outer limits coloured
 * and named, and a highlighted unit ringed and named.
 */
export function funnelChart(
  points: readonly FunnelChartPoint[],
  limits: readonly FunnelLimits[],
  options: FunnelChartOptions,
): string {
  const line = (key: keyof FunnelLimits, dash: string) =>
    Plot.lineY(limits, { x: "denominator", y: key, stroke: "#768692", strokeDasharray: dash });
  const end = limits.at(-1);
  const labels = options.limitLabels ?? { inner: "95%", outer: "99.8%" };
  const endLabels = end
    ? [
        { x: end.denominator, y: end.upper95, text: labels.inner },
        { x: end.denominator, y: end.upper998, text: labels.outer },
      ]
    : [];
  const data = points.map((p) => ({ ...p, colour: sideColour[p.side] }));
  const named = data.filter((p) => p.highlight || p.side !== "within");
  const chosen = data.filter((p) => p.highlight);
  const xs = limits.map((l) => l.denominator);
  // The log scale's middle: the geometric mean of its ends.
  const middle = xs.length ? Math.sqrt((Math.min(...xs) || 1) * Math.max(...xs)) : 0;
  return renderPlot(
    {
      height: options.height ?? 340,
      width: 760,
      marginLeft: 55,
      marginRight: 60,
      style: { fontSize: "12px" },
      x: { label: options.xLabel, type: "log", grid: true },
      y: { label: options.yLabel, grid: true, zero: true },
      marks: [
        line("lower95", "4 3"),
        line("upper95", "4 3"),
        line("lower998", "1 0"),
        line("upper998", "1 0"),
        Plot.text(endLabels, { x: "x", y: "y", text: "text", textAnchor: "start", dx: 4, fill: "#425563" }),
        ...(options.target
          ? [
              Plot.ruleY([options.target.value], { stroke: "#005eb8" }),
              Plot.text([options.target], {
                y: "value",
                frameAnchor: "left",
                dy: -6,
                dx: 4,
                textAnchor: "start",
                text: "label",
                fill: "#005eb8",
              }),
            ]
          : []),
        Plot.dot(data, { x: "x", y: "y", fill: "colour", r: 3.5, fillOpacity: 0.85 }),
        Plot.dot(chosen, { x: "x", y: "y", r: 8, stroke: "#212b32", strokeWidth: 2.5, fill: "none" }),
        // Names to the right of points in the left half of the plot, to the left in the right half,
        // so that none runs off the edge.
        ...[named.filter((p) => !p.highlight), chosen].flatMap((group, i) =>
          [true, false].map((leftHalf) =>
            Plot.text(
              group.filter((p) => p.x <= middle === leftHalf),
              {
                x: "x",
                y: "y",
                text: "label",
                dx: leftHalf ? 10 : -10,
                textAnchor: leftHalf ? "start" : "end",
                fontWeight: i === 1 ? "bold" : "normal",
                fill: "#212b32",
                stroke: "#fff",
                strokeWidth: 3,
                paintOrder: "stroke",
              },
            ),
          ),
        ),
      ],
    },
    options.title,
  );
}

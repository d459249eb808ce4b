import * as Plot from "@observablehq/plot";
import type { SpcSeries } from "./chartData.ts";
import { renderPlot } from "./renderPlot.ts";

const colours = { improvement: "#005eb8", concern: "#ed8b00", neutral: "#330072", common: "#768692" };

/** The XmR chart: monthly spells, mean and limits per segment, special causes coloured, goal line, pandemic marked. */
export function spcChart(series: SpcSeries, title: string, height = 260): string {
  const points = series.chart?.points ?? [];
  const data = points.map((p) => ({
    ...p,
    date: new Date(`${p.date}T00:00:00Z`),
    colour: colours[p.special ?? "common"],
  }));
  const goal = series.months
    .filter((m) => m.goal !== null)
    .map((m) => ({ date: new Date(`${m.month}T00:00:00Z`), goal: m.goal }));
  const segment = (key: "mean" | "lower" | "upper") =>
    Plot.lineY(data, {
      x: "date",
      y: key,
      z: "segment" as never,
      stroke: key === "mean" ? "#425563" : "#aeb7bd",
      strokeDasharray: key === "mean" ? undefined : "4 3",
    });
  return renderPlot(
    {
      height,
      marginLeft: 50,
      y: { label: "Spells a month", grid: true, zero: true },
      x: { label: null, type: "utc" },
      marks: [
        Plot.rectX([{ x1: new Date("2020-03-01T00:00:00Z"), x2: new Date("2021-04-01T00:00:00Z") }], {
          x1: "x1",
          x2: "x2",
          fill: "#f0f4f5",
        }),
        Plot.text([{ x: new Date("2020-03-01T00:00:00Z") }], {
          x: "x",
          frameAnchor: "top",
          dx: 4,
          textAnchor: "start",
          text: () => "pandemic",
        }),
        segment("mean"),
        segment("lower"),
        segment("upper"),
        Plot.lineY(data, { x: "date", y: "value", stroke: "#231f20", strokeWidth: 1 }),
        Plot.dot(data, { x: "date", y: "value", fill: "colour", r: 2.5 }),
        ...(goal.length > 0
          ? [Plot.lineY(goal, { x: "date", y: "goal", stroke: "#007f3b", strokeWidth: 2 })]
          : []),
      ],
    },
    title,
  );
}

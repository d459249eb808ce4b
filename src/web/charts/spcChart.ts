import * as Plot from "@observablehq/plot";
import type { XmrPoint } from "../../stats/index.ts";
import { renderPlot } from "./renderPlot.ts";

/** Making Data Count colours: improvement blue, concern orange, neutral purple, common cause grey. */
export const spcColours = {
  improvement: "#005eb8",
  concern: "#ed8b00",
  neutral: "#330072",
  common: "#768692",
  excluded: "#ffffff",
};

/** What a control chart draws besides its points; every label is the caller's. */
export interface SpcChartOptions {
  /** The chart as one image to assistive technology. */
  title: string;
  /** The y axis, e.g. "Admissions a month". */
  yLabel: string;
  height?: number;
  /** Shaded spans with a label (an exceptional period). */
  bands?: readonly { from: string; to: string; label: string }[];
  /** Dates where limits are recalculated, each drawn as a rule with its label. */
  rebases?: readonly { at: string; label: string }[];
  /** A goal line, one value per date. */
  goal?: readonly { date: string; value: number }[];
  /** Small multiple: no rebase or band labels, fewer ticks. */
  compact?: boolean;
}

const utc = (date: string) => new Date(`${date.slice(0, 10)}T00:00:00Z`);

/**
 * An XmR chart: the values, each segment's mean and limits (trial limits dotted and labelled),
 * special causes coloured, excluded points hollow, shaded bands, rebase rules and a goal line.
 */
export function spcChart(points: readonly XmrPoint[], options: SpcChartOptions): string {
  const data = points.map((p) => ({
    ...p,
    date: utc(p.date),
    colour: p.excluded ? spcColours.excluded : spcColours[p.special ?? "common"],
    segment: `${p.mean}|${p.upper}`,
  }));
  const first = data[0]?.date;
  const lastDate = data.at(-1)?.date;
  const inRange = (d: Date) => first !== undefined && lastDate !== undefined && d >= first && d <= lastDate;
  const bands = (options.bands ?? [])
    .map((b) => ({ ...b, x1: utc(b.from), x2: utc(b.to) }))
    .filter((b) => first !== undefined && lastDate !== undefined && b.x2 >= first && b.x1 <= lastDate);
  // Each rebase label on its own line above the plot, so that close dates never overlap.
  const rebases = (options.rebases ?? [])
    .map((r) => ({ ...r, x: utc(r.at) }))
    .filter((r) => inRange(r.x))
    .map((r, i) => ({ ...r, line: i }));
  const trialSegments = new Set(data.filter((p) => p.trial).map((p) => p.segment));
  const limitLine = (key: "mean" | "lower" | "upper", trial: boolean) =>
    Plot.lineY(
      data.filter((p) => trialSegments.has(p.segment) === trial),
      {
        x: "date",
        y: key,
        z: "segment",
        stroke: key === "mean" ? "#425563" : "#768692",
        strokeDasharray: trial ? "1 3" : key === "mean" ? undefined : "5 3",
        strokeWidth: key === "mean" ? 1.5 : 1,
      },
    );
  const trialLabels = [...trialSegments].map((segment) => {
    const inSegment = data.filter((p) => p.segment === segment);
    return inSegment[0] as (typeof data)[number];
  });
  const goal = (options.goal ?? []).map((g) => ({ date: utc(g.date), value: g.value }));
  return renderPlot(
    {
      height: options.height ?? 280,
      marginLeft: 50,
      marginTop: options.compact ? 10 : 16 + 13 * Math.max(1, (options.rebases ?? []).length),
      style: { fontSize: "12px" },
      y: { label: options.yLabel, grid: true, zero: true },
      x: { label: null, type: "utc", ticks: options.compact ? 4 : 8 },
      marks: [
        Plot.rectX(bands, { x1: "x1", x2: "x2", fill: "#fff3cd", fillOpacity: 0.9 }),
        ...(options.compact
          ? []
          : [
              Plot.text(bands, {
                x: "x2",
                frameAnchor: "bottom",
                dy: -6,
                dx: 4,
                textAnchor: "start",
                text: "label",
                fill: "#8a5a00",
              }),
            ]),
        Plot.ruleX(rebases, { x: "x", stroke: "#425563", strokeDasharray: "2 2" }),
        ...(options.compact
          ? []
          : [
              ...rebases.map((r) =>
                Plot.text([r], {
                  x: "x",
                  frameAnchor: "top",
                  dy: -4 - 13 * (rebases.length - 1 - r.line),
                  dx: 3,
                  textAnchor: "start",
                  text: "label",
                  fill: "#425563",
                }),
              ),
              Plot.text(trialLabels, {
                x: "date",
                y: "lower",
                dy: 10,
                dx: 2,
                textAnchor: "start",
                text: () => "trial limits",
                fill: "#425563",
              }),
            ]),
        limitLine("mean", false),
        limitLine("lower", false),
        limitLine("upper", false),
        limitLine("mean", true),
        limitLine("lower", true),
        limitLine("upper", true),
        Plot.lineY(data, { x: "date", y: "value", stroke: "#231f20", strokeWidth: 1 }),
        ...(goal.length > 0
          ? [Plot.lineY(goal, { x: "date", y: "value", stroke: "#007f3b", strokeWidth: 2 })]
          : []),
        Plot.dot(data, {
          x: "date",
          y: "value",
          fill: "colour",
          stroke: (p: { excluded: boolean; colour: string }) => (p.excluded ? "#231f20" : p.colour),
          r: options.compact ? 2.5 : 3.5,
        }),
      ],
    },
    options.title,
  );
}

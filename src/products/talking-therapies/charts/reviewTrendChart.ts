import { xmrChart } from "../../../stats/index.ts";
import { spcChart } from "../../../web/charts/spcChart.ts";
import { assuranceWords, iconSvg, variationWords } from "../../../web/spcIcons.ts";
import type { PublicTable } from "../public/reviewTables.ts";

/** The monthly measures charted on the overview, each with its national standard (percent). */
export const trendMeasures = [
  { key: "recovery_rate", label: "Recovery (%)", goal: 50 },
  { key: "improvement_rate", label: "Reliable improvement (%)", goal: 67 },
  { key: "waited_6_rate", label: "Waited ≤ 6 weeks (%)", goal: 75 },
  { key: "waited_18_rate", label: "Waited ≤ 18 weeks (%)", goal: 95 },
] as const;

export interface TrendChart {
  key: string;
  label: string;
  svg: string;
  variation: string;
  assurance: string;
  /** The Making Data Count icons (decorative; the words say the same). */
  icons: string;
}

/**
 * A Making Data Count XmR chart for each monthly headline percentage (higher is better), with
 * the national standard as the goal line, and the variation and assurance icons in words.
 * Months whose figure is hidden are left out of the chart (and shown [c] in the table).
 */
export function reviewTrendCharts(table: PublicTable): TrendChart[] {
  return trendMeasures.flatMap((m) => {
    const points = table.rows
      .filter((r) => typeof r[m.key] === "number")
      .map((r) => ({ date: `${String(r.month)}-01`, value: r[m.key] as number }));
    if (points.length < 2) return [];
    const chart = xmrChart(points, { direction: "higher", target: m.goal });
    return [
      {
        key: m.key,
        label: m.label,
        svg: spcChart(chart.points, {
          title: `${m.label} month by month, a Making Data Count control chart with the national standard of ${m.goal}%`,
          yLabel: m.label,
          height: 260,
          goal: points.map((p) => ({ date: p.date, value: m.goal })),
        }),
        variation: variationWords[chart.variation] ?? chart.variation,
        icons: `${iconSvg(chart.variation)}${chart.assurance ? iconSvg(chart.assurance) : ""}`,
        assurance: chart.assurance ? (assuranceWords[chart.assurance] ?? chart.assurance) : "No goal",
      },
    ];
  });
}

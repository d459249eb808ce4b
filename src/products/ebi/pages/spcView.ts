import type { PeriodGrain } from "../../../periods/period.ts";
import { spcChart } from "../../../web/charts/spcChart.ts";
import { pandemicExclusion, rebaseDates, rebaseFor, rebaseReasons, type SpcSeries } from "../queries/spc.ts";

/** "a month", "a quarter": what one point of a grain is. */
export const perGrain: Record<PeriodGrain, string> = {
  month: "a month",
  quarter: "a quarter",
  financial_year: "a financial year",
  rolling_12: "in 12 months",
};

/** Variation and assurance in words, as the legend and the small multiples say them. */
export const variationWords: Record<string, string> = {
  common: "no significant change (common cause variation)",
  "improvement-low": "improving: significantly fewer than before",
  "improvement-high": "improving: significantly more than before",
  "concern-high": "concern: significantly more than before",
  "concern-low": "concern: significantly fewer than before",
  "neutral-high": "significantly higher than before",
  "neutral-low": "significantly lower than before",
};
export const assuranceWords: Record<string, string> = {
  pass: "will consistently meet the goal",
  fail: "will consistently miss the goal",
  "hit-and-miss": "may meet or miss the goal (hit and miss)",
};

/** Where the pandemic's shaded band runs for each grain's points (drawn on the first day of each period). */
const bandOf: Record<PeriodGrain, { from: string; to: string }> = {
  month: { from: "2020-03-16", to: "2020-05-16" },
  quarter: { from: "2020-02-15", to: "2020-05-15" },
  financial_year: { from: "2019-10-01", to: "2020-10-01" },
  rolling_12: { from: "2020-03-16", to: "2020-05-16" },
};

/** A control chart's SVG and the words beside it, for a page. */
export function spcView(
  series: SpcSeries,
  title: string,
  options: { compact?: boolean; height?: number } = {},
): { svg: string; summary: string } {
  const chart = series.chart;
  if (!chart) return { svg: "", summary: series.reason ?? "" };
  const rebaseAt = rebaseFor(series.grain);
  const svg = spcChart(chart.points, {
    title,
    yLabel: `Spells ${perGrain[series.grain]}`,
    height: options.height,
    compact: options.compact,
    bands: [{ ...bandOf[series.grain], label: "pandemic: left out of limits" }],
    rebases: rebaseAt.map((at, i) => ({
      at,
      label: `limits recalculated (${rebaseReasons[rebaseDates[i] as string]})`,
    })),
    goal: series.points
      .filter((p) => p.goal !== null)
      .map((p) => ({ date: p.period.start, value: p.goal as number })),
  });
  const trial = chart.points.some((p) => p.trial);
  const excluded = chart.points.some((p) => p.excluded);
  const summary = [
    `Variation: ${variationWords[chart.variation] ?? chart.variation}.`,
    chart.assurance ? `Assurance: ${assuranceWords[chart.assurance]}.` : "No goal to assure against.",
    trial ? "Some limits are trial limits (fewer than 13 points since they were recalculated)." : "",
    excluded ? `${pandemicExclusion.label} is shown but left out of the limits and signals.` : "",
    series.fallback ? `${series.fallback}.` : "",
  ]
    .filter(Boolean)
    .join(" ");
  return { svg, summary };
}

import { addMonths, monthsIn, type PeriodGrain, periodOf } from "../../../periods/period.ts";
import { type PeriodFigure, type PublishedTotal, periodTotals } from "../../../periods/periodTotals.ts";
import type { OrgLevel } from "../../../release/tables.ts";
import { xmrChart } from "../../../stats/index.ts";
import type { SpcPoint, SpcSeries } from "../charts/chartData.ts";
import type { LoadedRelease } from "../release/readRelease.ts";

/** Where limits are recalculated: the programme's start and the pandemic's, and recovery. */
export const rebaseDates = ["2019-04-01", "2020-03-01", "2021-04-01"];

export type { SpcPoint, SpcSeries };
/** Why each rebase happens, for the chart's labels and the page's words. */
export const rebaseReasons: Record<string, string> = {
  "2019-04-01": "programme starts",
  "2020-03-01": "pandemic",
  "2021-04-01": "recovery",
};

/**
 * The months of the first pandemic wave's collapse in planned care (April and May 2020): charted and
 * marked, but left out of the limits and of every special-cause signal, so that the collapse is
 * never called an "improvement".
 */
export const pandemicExclusion = { from: "2020-04-01", to: "2020-05-01", label: "April–May 2020 (pandemic)" };

/**
 * The grains a control chart falls back through, finest first: months, the quarters the release
 * protects with their months, then financial years. The rolling 12 months are never charted with
 * limits.
 */
export const chartGrains: readonly PeriodGrain[] = ["month", "quarter", "financial_year"];

const plural: Record<PeriodGrain, string> = {
  month: "months",
  quarter: "quarters",
  financial_year: "financial years",
  rolling_12: "rolling 12-month periods",
};

/**
 * Totals the release itself publishes for one series, each protected beside its months: the
 * baseline year, the latest 12 months and every quarter; and each financial year whose four
 * quarters are all published (their sum, so it tells nothing the quarters do not).
 */
export function publishedTotals(release: LoadedRelease, key: string): PublishedTotal[] {
  const baseline = release.baselineOf.get(key);
  const quarters = (release.quarterlyOf?.get(key) ?? []).map((q) => ({
    start: q.quarter_start,
    end: q.quarter_end,
    spells: q.spells,
  }));
  const years = new Map<string, { end: string; spells: number; quarters: number }>();
  for (const q of quarters) {
    if (q.spells === null) continue;
    const year = periodOf(q.start, "financial_year");
    const sum = years.get(year.start) ?? { end: year.end, spells: 0, quarters: 0 };
    sum.spells += q.spells;
    sum.quarters++;
    years.set(year.start, sum);
  }
  return [
    ...(baseline
      ? [
          { start: baseline.baseline_start, end: baseline.baseline_end, spells: baseline.baseline_spells },
          { start: baseline.latest_start, end: baseline.latest_end, spells: baseline.latest_spells },
        ]
      : []),
    ...quarters,
    ...[...years]
      .filter(([, y]) => y.quarters === 4)
      .map(([start, y]) => ({ start, end: y.end, spells: y.spells })),
  ];
}

/** Published figures of one organisation's intervention at a grain, complete periods only. */
export function seriesAt(
  release: LoadedRelease,
  key: string,
  grain: PeriodGrain,
): { points: SpcPoint[]; totals: PeriodFigure[] } {
  const rows = release.monthlyOf.get(key) ?? [];
  const totals = periodTotals(rows, grain, publishedTotals(release, key)).filter((p) => p.complete);
  const trajectory = periodTotals(
    (release.trajectoryOf.get(key) ?? []).map((t) => ({ month: t.month, spells: t.goal_spells })),
    grain,
  );
  const goalOf = new Map(trajectory.filter((t) => t.complete).map((t) => [t.start, t.spells]));
  return {
    totals,
    points: totals.map((t) => ({
      period: { grain: t.grain, start: t.start, end: t.end, label: t.label },
      spells: t.spells,
      goal: goalOf.get(t.start) ?? null,
    })),
  };
}

/**
 * Rebase dates moved to the first period of `grain` that starts on or after each. Financial years
 * are too few to recalculate limits three times (a segment of one year has no moving range), so
 * their chart keeps one set of limits.
 */
export function rebaseFor(grain: PeriodGrain): string[] {
  if (grain === "financial_year") return [];
  return rebaseDates.map((d) => {
    const p = periodOf(d, grain);
    return p.start >= d ? p.start : addMonths(p.end, 1);
  });
}

/** "Monthly", "Quarterly": a grain as an adjective. */
export const grainAdjective: Record<PeriodGrain, string> = {
  month: "Monthly",
  quarter: "Quarterly",
  financial_year: "Financial-year",
  rolling_12: "Rolling 12-month",
};

/**
 * An intervention's XmR chart for an organisation (lower is improvement) at `grain`, or at the
 * finest grain whose published figures have no gap ("auto"): monthly, else quarterly, else by
 * financial year. Coarser figures are only ever sums of published months or totals the release
 * itself publishes (quarters are protected beside their months at build time, so a quarter can be
 * shown where a month inside it is hidden). The pandemic months are left out of limits and signals.
 */
export function spcSeries(
  release: LoadedRelease,
  interventionId: string,
  level: OrgLevel,
  orgCode: string,
  asked: PeriodGrain | "auto" = "auto",
): SpcSeries {
  const key = `${interventionId}|${level}|${orgCode}`;
  const rows = release.monthlyOf.get(key) ?? [];
  const trajectory = new Map((release.trajectoryOf.get(key) ?? []).map((t) => [t.month, t.goal_spells]));
  const baseline = release.baselineOf.get(key);
  const months = rows.map((r) => ({
    month: r.month,
    spells: r.spells,
    goal: trajectory.get(r.month) ?? null,
  }));
  const base = { intervention_id: interventionId, level, org_code: orgCode, asked, months };
  const targetAt = (grain: PeriodGrain) =>
    baseline?.goal_spells != null ? (baseline.goal_spells * monthsIn[grain]) / 12 : null;
  if (rows.length === 0) {
    const grain = asked === "auto" ? "month" : asked;
    return {
      ...base,
      grain,
      points: [],
      chart: null,
      fallback: null,
      target: targetAt(grain),
      reason: "no monthly figures for this organisation",
    };
  }
  const tries = asked === "auto" ? chartGrains : [asked];
  const missed: string[] = [];
  let last: { grain: PeriodGrain; points: SpcPoint[] } | null = null;
  for (const grain of tries) {
    const { points } = seriesAt(release, key, grain);
    last = { grain, points };
    const hidden = points.filter((p) => p.spells === null).length;
    if (grain === "rolling_12") break;
    if (hidden > 0) {
      missed.push(`${hidden} of ${points.length} ${plural[grain]} are redacted to protect small numbers`);
      continue;
    }
    if (points.every((p) => p.spells === 0)) {
      missed.push(`no spells in any of its ${points.length} ${plural[grain]}`);
      break;
    }
    if (points.length < 2) {
      missed.push(`only ${points.length} complete ${plural[grain]}`);
      continue;
    }
    const target = targetAt(grain);
    const chart = xmrChart(
      points.map((p) => ({ date: p.period.start, value: p.spells as number })),
      {
        direction: "lower",
        rebaseAt: rebaseFor(grain),
        target: target ?? undefined,
        exclude:
          grain === "month"
            ? [[pandemicExclusion.from, pandemicExclusion.to]]
            : [[pandemicExclusion.from, "2020-06-01"]],
      },
    );
    const fallback =
      missed.length > 0 ? `${grainAdjective[grain]} figures are charted: ${missed.join("; ")}` : null;
    return { ...base, grain, points, chart, reason: null, fallback, target };
  }
  const grain = last?.grain ?? "month";
  return {
    ...base,
    grain,
    points: last?.points ?? [],
    chart: null,
    fallback: null,
    target: targetAt(grain),
    reason:
      grain === "rolling_12"
        ? "rolling 12-month totals share 11 of every 12 months, so they are not charted with control limits"
        : missed.join("; "),
  };
}

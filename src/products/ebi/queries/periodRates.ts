import { monthsIn, type PeriodGrain } from "../../../periods/period.ts";
import { byarsCountInterval } from "../../../stats/index.ts";
import type { LoadedRelease } from "../release/readRelease.ts";
import type { BaselineRow } from "../release/tables.ts";
import { seriesAt } from "./spc.ts";

/** The periods a comparison can be made for: the baseline year, or the latest complete period of a grain. */
export const comparisonPeriods = ["baseline", "financial_year", "quarter", "rolling_12"] as const;
export type ComparisonPeriod = (typeof comparisonPeriods)[number];

export const comparisonPeriodText: Record<ComparisonPeriod, string> = {
  baseline: "Baseline year",
  financial_year: "Latest financial year",
  quarter: "Latest quarter",
  rolling_12: "Latest 12 months",
};

export const periodRateMethod =
  "Rates for a period other than the baseline year are the period's published spells scaled by the area's baseline ratio of standardised rate to spells and annualised (× 12 ÷ months in the period): the standardised rate the period would have with the baseline year's population and age-sex mix of spells. Dobson's factor √(var/O) is held at the baseline's, so the limits are the rate + factor × (Byar's limit of the period's count − the count). A period's spells are published months or totals the release publishes (quarters, the baseline year, the latest 12 months), never worked out over a hidden month.";

const views = new WeakMap<LoadedRelease, Map<string, LoadedRelease>>();

/**
 * The release as comparisons see it for `period`: the same release, with each baseline row's
 * spells, rate and 95% limits those of the period (see `periodRateMethod`), its window the period's
 * and its figures hidden where the period's spells are. The baseline year is the release itself.
 * Kept per release and period.
 */
export function releaseAtPeriod(release: LoadedRelease, period: ComparisonPeriod): LoadedRelease {
  if (period === "baseline") return release;
  let byPeriod = views.get(release);
  if (!byPeriod) {
    byPeriod = new Map();
    views.set(release, byPeriod);
  }
  const kept = byPeriod.get(period);
  if (kept) return kept;
  const grain = period as PeriodGrain;
  const annual = 12 / monthsIn[grain];
  // One window per intervention: England's latest complete period of the grain.
  const windowOf = new Map<string, { start: string; end: string }>();
  for (const i of release.interventions) {
    const last = seriesAt(release, `${i.intervention_id}|england|ENG`, grain).totals.at(-1);
    if (last) windowOf.set(i.intervention_id, { start: last.start, end: last.end });
  }
  const baselineOf = new Map<string, BaselineRow>();
  for (const [key, b] of release.baselineOf) {
    const window = windowOf.get(b.intervention_id);
    if (!window) continue;
    const total = seriesAt(release, key, grain).totals.find((t) => t.start === window.start);
    const spells = total?.spells ?? null;
    const hidden = total !== undefined && spells === null;
    const base = b.baseline_spells;
    const usable = base !== null && base > 0 && b.dsr !== null && b.dsr_upper !== null;
    const ratio = usable ? (b.dsr as number) / base : null;
    const factor = usable
      ? ((b.dsr_upper as number) - (b.dsr as number)) / (byarsCountInterval(base).upper - base)
      : null;
    const count = spells ?? 0;
    const calculated = spells !== null && ratio !== null && factor !== null && count >= 10;
    const limits = calculated ? byarsCountInterval(count) : null;
    const rate = calculated ? (ratio as number) * count * annual : null;
    baselineOf.set(key, {
      ...b,
      baseline_start: window.start,
      baseline_end: window.end,
      baseline_spells: spells,
      crude_rate: spells !== null && b.population ? (count / b.population) * 100_000 * annual : null,
      dsr: rate,
      dsr_lower: rate !== null && limits ? rate + (factor as number) * annual * (limits.lower - count) : null,
      dsr_upper: rate !== null && limits ? rate + (factor as number) * annual * (limits.upper - count) : null,
      suppressed: hidden ? "redacted" : null,
    });
  }
  const view = Object.create(release, {
    baselineOf: { value: baselineOf },
    baselines: { value: [...baselineOf.values()] },
  }) as LoadedRelease;
  byPeriod.set(period, view);
  return view;
}

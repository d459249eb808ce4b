import type { PeriodFigure } from "../../../periods/periodTotals.ts";
import type { GlanceRow } from "../queries/areaGlance.ts";
import type { AreaRate } from "../queries/compareAreas.ts";
import type { FunnelPoint } from "../queries/funnel.ts";
import type { PeriodSpells } from "../queries/providers.ts";
import { seriesAt } from "../queries/spc.ts";
import type { LoadedRelease } from "../release/readRelease.ts";

const blank = (v: unknown) => v === null || v === undefined;

/** True when a figure is shown (a number here) that the public side hides (blank there). */
export const hiddenPublicly = (shown: unknown, published: unknown): boolean =>
  !blank(shown) && blank(published);

/**
 * A control chart's period table as a registered page shows it: each period's spells, with
 * `public_hidden` where the public side's own table for the same organisation has that period blank.
 * The public table is worked out from the public release as the public page does, so a period total
 * the public side would withhold (a hidden month inside it) is marked even when every month is shown here.
 */
export function markPeriodTable(
  rows: readonly PeriodFigure[],
  publicRelease: LoadedRelease,
  key: string,
  grain: PeriodFigure["grain"],
): (PeriodFigure & { public_hidden: boolean })[] {
  const published = new Map(seriesAt(publicRelease, key, grain).totals.map((t) => [t.start, t.spells]));
  return rows.map((r) => ({ ...r, public_hidden: hiddenPublicly(r.spells, published.get(r.start)) }));
}

/**
 * Funnel points as a registered page shows them, each with `spells_hidden` and `dsr_hidden` where the
 * public side hides that figure (a point the public funnel lacks has its rate hidden there).
 */
export function markFunnelPoints(
  points: readonly FunnelPoint[],
  publicPoints: readonly FunnelPoint[],
): (FunnelPoint & { spells_hidden: boolean; dsr_hidden: boolean })[] {
  const published = new Map(publicPoints.map((p) => [p.org_code, p]));
  return points.map((p) => {
    const pub = published.get(p.org_code);
    return {
      ...p,
      spells_hidden: hiddenPublicly(p.spells, pub?.spells),
      dsr_hidden: hiddenPublicly(p.dsr, pub?.dsr),
    };
  });
}

/** Latest periods (see `latestPeriodsOf`) with `public_hidden` on each latest figure the public side hides. */
export function markLatestPeriods<T extends { latest: PeriodFigure | null }>(
  periods: Record<string, T>,
  publicPeriods: Record<string, T>,
): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [id, lp] of Object.entries(periods)) {
    const pub = publicPeriods[id]?.latest;
    const latest = lp.latest && {
      ...lp.latest,
      public_hidden: hiddenPublicly(lp.latest.spells, pub?.start === lp.latest.start ? pub.spells : null),
    };
    out[id] = { ...lp, latest };
  }
  return out;
}

/**
 * A rate as a registered page shows it, with its spells, rate and interval each marked where the
 * public side's answer for the same organisation, intervention and period does not show them.
 */
type RateFigures = Pick<AreaRate, "spells" | "rate" | "lower" | "upper">;
type RateMarks = { spells_hidden: boolean; public_hidden: boolean; interval_hidden: boolean };

export function markAreaRate<T extends RateFigures>(
  shown: T,
  published: RateFigures | null | undefined,
): T & RateMarks {
  return {
    ...shown,
    spells_hidden: hiddenPublicly(shown.spells, published?.spells),
    public_hidden: hiddenPublicly(shown.rate, published?.rate),
    interval_hidden:
      hiddenPublicly(shown.lower, published?.lower) || hiddenPublicly(shown.upper, published?.upper),
  };
}

/** A period's spells (a trust's baseline or latest year) with `public_hidden` where the public side's total is blank. */
export function markPeriodSpells(
  shown: PeriodSpells | null,
  published: PeriodSpells | null | undefined,
): (PeriodSpells & { public_hidden: boolean }) | null {
  return shown && { ...shown, public_hidden: hiddenPublicly(shown.spells, published?.spells) };
}

/** True when a figure is shown that the public side hides or shows otherwise (one worked out from hidden figures). */
export const notAsPublished = (shown: number | null, published: number | null | undefined): boolean =>
  !blank(shown) && (blank(published) || Math.abs((shown as number) - (published as number)) > 1e-9);

const glanceFigures = [
  "england",
  "peerMedian",
  "peerLowerQuartile",
  "opportunityAtMedian",
  "opportunityAtLowerQuartile",
] as const;

/**
 * A row of an area at a glance as a registered page shows it: the rate marked as `markAreaRate`
 * does, and `hidden` naming each other figure (England, the peers' median and quartile, the
 * opportunity) that the public side's own row lacks or has otherwise, as a peers' median over a
 * peer's hidden rate would be.
 */
export function markGlanceRow(
  row: GlanceRow,
  published: GlanceRow | undefined,
): GlanceRow & { hidden: Record<(typeof glanceFigures)[number], boolean> } {
  const pub =
    published?.intervention.intervention_id === row.intervention.intervention_id ? published : undefined;
  const hidden = Object.fromEntries(
    glanceFigures.map((f) => [f, notAsPublished(row[f], pub?.[f])]),
  ) as Record<(typeof glanceFigures)[number], boolean>;
  return { ...row, rate: markAreaRate(row.rate, pub?.rate), hidden };
}

import type { LoadedRelease } from "../release/readRelease.ts";
import type { InterventionRow } from "../release/tables.ts";

/** A provider's spells of one intervention over a period; null when a month of it is hidden. */
export interface PeriodSpells {
  start: string;
  end: string;
  spells: number | null;
  /** "derived" when hidden because a month in the period is hidden (the total would narrow it). */
  suppressed: "derived" | null;
}

/**
 * A trust's spells of an intervention in its list's baseline year and in the latest 12 months,
 * summed from the published monthly series (no goal is set for providers). A total over a hidden
 * month is hidden too, the rule the API's financial-year totals follow. Null without a series.
 */
export function providerActivity(
  release: LoadedRelease,
  intervention: InterventionRow,
  code: string,
): { baseline: PeriodSpells | null; latest: PeriodSpells } | null {
  const months = release.monthlyOf.get(`${intervention.intervention_id}|provider|${code}`);
  if (!months) return null;
  const total = (period: { start: string; end: string }): PeriodSpells => {
    const inside = months.filter((m) => m.month >= period.start && m.month <= period.end);
    const hidden = inside.some((m) => m.spells === null);
    return {
      ...period,
      spells: hidden ? null : inside.reduce((s, m) => s + (m.spells as number), 0),
      suppressed: hidden ? "derived" : null,
    };
  };
  const baseline = release.manifest.periods.baseline[intervention.list];
  return { baseline: baseline ? total(baseline) : null, latest: total(release.manifest.periods.latest) };
}

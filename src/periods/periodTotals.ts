import type { Suppression } from "../release/tables.ts";
import { monthsIn, monthsOf, type Period, type PeriodGrain, periodOf } from "./period.ts";

/** A published monthly figure: null when the release hides it. */
export interface MonthFigure {
  month: string;
  spells: number | null;
}

/** A total the release itself publishes for a window of months (the baseline year, the latest 12 months). */
export interface PublishedTotal {
  start: string;
  end: string;
  spells: number | null;
}

/** One period's spells as the public side may show them. */
export interface PeriodFigure extends Period {
  /** Months of the period the release covers (fewer than the grain's at its edges). */
  months: number;
  /** True when the release covers every month of the period. */
  complete: boolean;
  spells: number | null;
  /** "derived" when hidden because a month in it is hidden, or the release's own marker. */
  suppressed: Suppression;
}

/**
 * Periods of `grain` from published months. A period's total is the sum of its months only when
 * every one of them is published, or the release's own total when it publishes one for exactly that
 * window (that total went through disclosure control with its months). Anything else is hidden
 * ("derived"): a total over a hidden month, beside its published months, would give that month away
 * by subtraction. Rolling periods start once 12 months are covered; other grains keep partial
 * periods at the edges, marked incomplete.
 */
export function periodTotals(
  months: readonly MonthFigure[],
  grain: PeriodGrain,
  published: readonly PublishedTotal[] = [],
): PeriodFigure[] {
  const byMonth = new Map(months.map((m) => [m.month.slice(0, 7), m.spells]));
  const ordered = [...months].sort((a, b) => a.month.localeCompare(b.month));
  const windows = new Map<string, Period>();
  for (const m of ordered) {
    const period = periodOf(m.month, grain);
    windows.set(`${period.start}|${period.end}`, period);
  }
  const out: PeriodFigure[] = [];
  for (const period of windows.values()) {
    const inPeriod = monthsOf(period).map((m) => byMonth.get(m.slice(0, 7)));
    const covered = inPeriod.filter((v) => v !== undefined).length;
    const complete = covered === monthsIn[grain];
    if (grain === "rolling_12" && !complete) continue;
    const hidden = inPeriod.some((v) => v === null);
    const own = published.find((t) => t.start === period.start && t.end === period.end);
    if (own && complete && (own.spells !== null || hidden)) {
      out.push({
        ...period,
        months: covered,
        complete,
        spells: own.spells,
        suppressed: own.spells === null ? "redacted" : null,
      });
      continue;
    }
    const spells = hidden ? null : inPeriod.reduce<number>((sum, v) => sum + (v ?? 0), 0);
    out.push({ ...period, months: covered, complete, spells, suppressed: hidden ? "derived" : null });
  }
  return out;
}

import { protectCount } from "./protectCount.ts";
import type { Cell, PublicTable } from "./reviewTables.ts";

/** Intervals of weeks since the previous appointment: [from, to) weeks, the last open-ended. */
export const survivalIntervals = [
  [0, 1],
  [1, 2],
  [2, 3],
  [3, 4],
  [4, 6],
  [6, 8],
  [8, 12],
  [12, 18],
  [18, 26],
  [26, 39],
  [39, 52],
  [52, Number.POSITIVE_INFINITY],
] as const;

/** Weeks bands as labels ("0–1 weeks", "52+ weeks"). */
export const intervalLabel = ([from, to]: readonly [number, number]) =>
  Number.isFinite(to) ? `${from}–${to} weeks` : `${from}+ weeks`;

export interface IntervalCounts {
  /** Waits that ended (the next appointment came) in the interval. */
  events: number;
  /** Waits censored in the interval: discharged or still open at the period's end. */
  censored: number;
}

export interface SurvivalStep {
  interval: string;
  atRisk: number | null;
  events: number | null;
  censored: number | null;
  /** Percentage still waiting at the interval's end, one decimal; null once it cannot be shown. */
  stillWaiting: number | null;
}

/**
 * Kaplan–Meier estimate over intervals, from protected counts only, so the curve reveals nothing
 * the rounded counts do not: the number at risk at the start of an interval is the protected
 * total less the protected events and censorings of the earlier intervals; censored waits leave
 * the risk set at the end of their interval (the Kaplan–Meier convention for ties); S(t) is the
 * product of (1 − events ÷ at risk). The curve stops at the first interval whose counts are
 * suppressed or whose number at risk falls below 10.
 */
export function protectedSurvival(raw: readonly IntervalCounts[]): SurvivalStep[] {
  const total = raw.reduce((s, r) => s + r.events + r.censored, 0);
  let atRisk: number | null = protectCount(total);
  let survival = 1;
  let stopped = false;
  return raw.map((r, i) => {
    const events = protectCount(r.events);
    const censored = protectCount(r.censored);
    const interval = intervalLabel(survivalIntervals[i] ?? [i, i + 1]);
    if (stopped || atRisk === null || atRisk < 10 || events === null || censored === null) {
      stopped = true;
      return { interval, atRisk: null, events, censored, stillWaiting: null };
    }
    const shownAtRisk: number = atRisk;
    survival *= 1 - Math.min(events, shownAtRisk) / shownAtRisk;
    atRisk = shownAtRisk - events - censored;
    return {
      interval,
      atRisk: shownAtRisk,
      events,
      censored,
      stillWaiting: Math.round(1000 * survival) / 10,
    };
  });
}

/** Week of the wait (0…52, 52 meaning 52 or more) → its interval's index. */
export function intervalOfWeek(week: number): number {
  return survivalIntervals.findIndex(([from, to]) => week >= from && week < to);
}

export interface SurvivalRawRow {
  gap: string;
  ord: number;
  commissioner: string;
  week: number;
  events: number;
  censored: number;
}

/** The survival table: a curve per kind of wait for the whole service and each area. */
export function survivalTable(raw: readonly SurvivalRawRow[]): PublicTable {
  const groups = new Map<string, { gap: string; ord: number; area: string; counts: IntervalCounts[] }>();
  const add = (gap: string, ord: number, area: string, week: number, events: number, censored: number) => {
    const key = `${ord}|${area === "Whole service" ? "" : area}`;
    let g = groups.get(key);
    if (!g) {
      g = { gap, ord, area, counts: survivalIntervals.map(() => ({ events: 0, censored: 0 })) };
      groups.set(key, g);
    }
    const slot = g.counts[intervalOfWeek(week)];
    if (slot) {
      slot.events += events;
      slot.censored += censored;
    }
  };
  for (const r of raw) {
    const week = Number(r.week);
    add(r.gap, Number(r.ord), "Whole service", week, Number(r.events), Number(r.censored));
    add(r.gap, Number(r.ord), `Sub-ICB ${r.commissioner}`, week, Number(r.events), Number(r.censored));
  }
  const rows: Record<string, Cell>[] = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([, g]) =>
      protectedSurvival(g.counts).map((s) => ({
        gap: g.gap,
        area: g.area,
        interval: s.interval,
        at_risk: s.atRisk,
        events: s.events,
        censored: s.censored,
        still_waiting: s.stillWaiting,
      })),
    );
  return {
    id: "survival",
    page: "access",
    title: "Survival curves: still waiting for the next appointment, by weeks since the last",
    method:
      "For every referral (or attended treatment appointment) dated in the period, the time until the next attended treatment appointment, in weeks. A wait ends when that appointment comes; it is censored when the referral is discharged without it, or is still open at the period's end (the open pathways). Still waiting (%) is the Kaplan–Meier estimate at the end of each interval: the product over intervals of (1 − waits ended ÷ waits at risk). It is worked out from the rounded counts shown, censored waits leaving the risk set at the end of their interval, and stops where a count is suppressed or fewer than 10 are at risk. A curve that stays high shows waits that a distribution of finished waits hides.",
    columns: [
      { key: "gap", label: "Wait", kind: "label" },
      { key: "area", label: "Area", kind: "label" },
      { key: "interval", label: "Weeks since the last", kind: "label" },
      { key: "at_risk", label: "Waiting at the start", kind: "count" },
      { key: "events", label: "Next appointment came", kind: "count" },
      { key: "censored", label: "Censored", kind: "count" },
      { key: "still_waiting", label: "Still waiting (%)", kind: "percent" },
    ],
    rows,
    chart: { value: "still_waiting", label: "Still waiting (%)", type: "survival" },
  };
}

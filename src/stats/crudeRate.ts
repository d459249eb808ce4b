import { poissonCountInterval } from "./poisson.ts";
import type { Interval } from "./types.ts";
import { requireDenominator, requireNonNegative } from "./validate.ts";

/** Crude rate per `multiplier` (default 100,000) with exact (< 10 events) or Byar's limits. */
export function crudeRate(
  events: number,
  population: number,
  opts: { multiplier?: number; confidence?: number } = {},
): Interval & { events: number; population: number } {
  requireNonNegative("events", events);
  requireDenominator("population", population, events);
  const multiplier = opts.multiplier ?? 100_000;
  requireNonNegative("multiplier", multiplier);
  if (population === 0) return { value: 0, lower: 0, upper: 0, events, population };
  const limits = poissonCountInterval(events, { confidence: opts.confidence ?? 0.95 });
  const scale = multiplier / population;
  return {
    value: events * scale,
    lower: limits.lower * scale,
    upper: limits.upper * scale,
    events,
    population,
  };
}

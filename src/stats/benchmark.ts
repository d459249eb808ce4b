import { byarsCountInterval } from "./byars.ts";
import type { Interval } from "./types.ts";
import { checkConfidence, requireFinite, requireNonNegative } from "./validate.ts";

/** How a rate's interval sits against a benchmark value. */
export type BenchmarkClass = "higher" | "similar" | "lower";

/**
 * Dobson limits of a directly standardised rate at another confidence level, from its 95% limits
 * and its count O. Dobson's limit is DSR + √(var/O)(O_lim − O) with O_lim Byar's limit of O, so
 * the factor √(var/O) is (upper₉₅ − DSR) ÷ (O_upper₉₅ − O), and the new limits follow from Byar's
 * limits of O at the new level. Exact for limits made by `directlyStandardisedRate`; units as given.
 */
export function dobsonLimitsAt(rate: Interval, events: number, confidence: number, from = 0.95): Interval {
  requireFinite("rate.value", rate.value);
  requireFinite("rate.upper", rate.upper);
  requireNonNegative("events", events);
  checkConfidence(confidence);
  if (confidence === from) return { ...rate };
  const given = byarsCountInterval(events, from);
  const factor = (rate.upper - rate.value) / (given.upper - events);
  const wanted = byarsCountInterval(events, confidence);
  return {
    value: rate.value,
    lower: rate.value + factor * (wanted.lower - events),
    upper: rate.value + factor * (wanted.upper - events),
  };
}

/**
 * Compares a rate with a benchmark value as Fingertips does: significantly higher when the whole
 * interval is above the benchmark, lower when it is wholly below, otherwise similar.
 */
export function compareWithBenchmark(rate: Interval, benchmark: number): BenchmarkClass {
  requireFinite("benchmark", benchmark);
  if (rate.lower > benchmark) return "higher";
  if (rate.upper < benchmark) return "lower";
  return "similar";
}

/**
 * Spells above a benchmark rate (Model Health System's opportunity): spells × (1 − benchmark ÷
 * rate) when the rate is above the benchmark, else 0. Same units as `spells`.
 */
export function opportunityAt(spells: number, rate: number, benchmark: number): number {
  requireNonNegative("spells", spells);
  requireNonNegative("rate", rate);
  requireNonNegative("benchmark", benchmark);
  return rate > benchmark ? spells * (1 - benchmark / rate) : 0;
}

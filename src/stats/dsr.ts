import { byarsCountInterval } from "./byars.ts";
import { checkConfidence, requireDenominator, requireNonNegative } from "./validate.ts";

/** One stratum of a directly standardised rate: local events and population, standard weight. */
export interface DsrStratum {
  events: number;
  population: number;
  weight: number;
}

/** A directly standardised rate; value and limits are null (with `reason`) when not calculated. */
export interface DsrResult {
  value: number | null;
  lower: number | null;
  upper: number | null;
  events: number;
  population: number;
  reason: string | null;
}

/**
 * Directly standardised rate per `multiplier` (default 100,000) with Dobson limits:
 * DSR = Σ(xᵢwᵢ/nᵢ)/Σwᵢ, var = Σ(xᵢwᵢ²/nᵢ²)/(Σwᵢ)², limit = DSR + √(var/O)(O_lim − O), O_lim Byar's.
 * Not calculated below `minEvents` (default 10) total events. A stratum with no population and
 * no events contributes nothing; a stratum with events and no population is an error.
 */
export function directlyStandardisedRate(
  strata: readonly DsrStratum[],
  opts: { multiplier?: number; confidence?: number; minEvents?: number } = {},
): DsrResult {
  const multiplier = opts.multiplier ?? 100_000;
  const confidence = checkConfidence(opts.confidence);
  const minEvents = opts.minEvents ?? 10;
  requireNonNegative("multiplier", multiplier);
  let events = 0;
  let population = 0;
  let totalWeight = 0;
  let weighted = 0;
  let variance = 0;
  strata.forEach((s, i) => {
    requireNonNegative(`strata[${i}].events`, s.events);
    requireDenominator(`strata[${i}].population`, s.population, s.events);
    requireNonNegative(`strata[${i}].weight`, s.weight);
    events += s.events;
    population += s.population;
    totalWeight += s.weight;
    if (s.population > 0) {
      weighted += (s.events * s.weight) / s.population;
      variance += (s.events * s.weight * s.weight) / (s.population * s.population);
    }
  });
  if (events < minEvents) {
    return {
      value: null,
      lower: null,
      upper: null,
      events,
      population,
      reason: `fewer than ${minEvents} events`,
    };
  }
  if (totalWeight === 0) {
    return {
      value: null,
      lower: null,
      upper: null,
      events,
      population,
      reason: "standard weights sum to zero",
    };
  }
  const dsr = weighted / totalWeight;
  const v = variance / (totalWeight * totalWeight);
  const limits = byarsCountInterval(events, confidence);
  const factor = Math.sqrt(v / events);
  return {
    value: dsr * multiplier,
    lower: (dsr + factor * (limits.lower - events)) * multiplier,
    upper: (dsr + factor * (limits.upper - events)) * multiplier,
    events,
    population,
    reason: null,
  };
}

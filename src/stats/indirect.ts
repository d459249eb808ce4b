import { EbiError } from "../errors/index.ts";
import { type PoissonMethod, poissonCountInterval } from "./poisson.ts";
import type { Interval } from "./types.ts";
import { requireDenominator, requireNonNegative } from "./validate.ts";

/** One stratum of an indirectly standardised ratio: local events and population, reference rate per person. */
export interface IndirectStratum {
  events: number;
  population: number;
  referenceRate: number;
}

/** Options of indirect standardisation. */
export interface IndirectOptions {
  confidence?: number;
  method?: PoissonMethod;
  /** Scale of the ratio: 1 (default) or 100 for a ratio shown as a percentage. */
  multiplier?: number;
}

/**
 * Indirectly standardised ratio O ÷ E with E = Σ nᵢ × reference rateᵢ (rates per person); limits
 * are the Poisson limits of O (exact below 10, Byar's from 10) divided by E.
 */
export function indirectlyStandardisedRatio(
  strata: readonly IndirectStratum[],
  opts: IndirectOptions = {},
): Interval & { observed: number; expected: number } {
  let observed = 0;
  let expected = 0;
  strata.forEach((s, i) => {
    requireNonNegative(`strata[${i}].events`, s.events);
    requireDenominator(`strata[${i}].population`, s.population, s.events);
    requireNonNegative(`strata[${i}].referenceRate`, s.referenceRate);
    observed += s.events;
    expected += s.population * s.referenceRate;
  });
  if (!(expected > 0)) {
    throw new EbiError(
      "EBI_STATS_INPUT",
      "expected count is zero; a standardised ratio needs expected events.",
      {
        field: "expected",
        value: expected,
        expected: "> 0",
      },
    );
  }
  const m = opts.multiplier ?? 1;
  const limits = poissonCountInterval(observed, {
    confidence: opts.confidence ?? 0.95,
    method: opts.method ?? "auto",
  });
  return {
    value: (observed / expected) * m,
    lower: (limits.lower / expected) * m,
    upper: (limits.upper / expected) * m,
    observed,
    expected,
  };
}

/**
 * Indirectly standardised rate = ratio × the reference population's crude rate (per `multiplier`,
 * default 100,000, with `referenceCrudeRate` given per person).
 */
export function indirectlyStandardisedRate(
  strata: readonly IndirectStratum[],
  referenceCrudeRate: number,
  opts: Omit<IndirectOptions, "multiplier"> & { multiplier?: number } = {},
): Interval & { observed: number; expected: number } {
  requireNonNegative("referenceCrudeRate", referenceCrudeRate);
  const ratio = indirectlyStandardisedRatio(strata, { confidence: opts.confidence, method: opts.method });
  const scale = referenceCrudeRate * (opts.multiplier ?? 100_000);
  return {
    ...ratio,
    value: ratio.value * scale,
    lower: ratio.lower * scale,
    upper: ratio.upper * scale,
  };
}

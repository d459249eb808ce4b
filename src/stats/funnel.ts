import { exactPoissonCountInterval } from "./exactPoisson.ts";
import { chooseMethod, requireDenominator, requireNonNegative } from "./validate.ts";
import { wilsonInterval } from "./wilson.ts";

/** What a funnel plots: a proportion (fraction), a standardised ratio (O/E) or a crude rate. */
export const funnelTypes = ["proportion", "ratio", "rate"] as const;
export type FunnelType = (typeof funnelTypes)[number];

/** Funnel limits at one denominator, in the units of the plotted value. */
export interface FunnelLimits {
  denominator: number;
  lower95: number;
  upper95: number;
  lower998: number;
  upper998: number;
}

/** Where a unit sits against the funnel. */
export type FunnelClass = "higher-99.8" | "higher-95" | "not-different" | "lower-95" | "lower-99.8";

/** Inputs of a funnel: the type, the England (or peer) value and, for rates, the multiplier. */
export interface FunnelSpec {
  type: FunnelType;
  /** Target: a fraction for proportions, a ratio (usually 1) for ratios, a rate per multiplier for rates. */
  target: number;
  /** Rates only: per how many people (default 100,000). */
  multiplier?: number;
}

function limitsAt(
  spec: FunnelSpec,
  denominator: number,
  confidence: number,
): { lower: number; upper: number } {
  if (spec.type === "proportion") {
    // Wilson interval of a unit of this size observing exactly the target proportion.
    const w = wilsonInterval(spec.target * denominator, denominator, { confidence });
    return { lower: w.lower, upper: w.upper };
  }
  // Ratios: denominator is the expected count E; rates: denominator is the population.
  const perUnit = spec.type === "ratio" ? spec.target : spec.target / (spec.multiplier ?? 100_000);
  const scale = spec.type === "ratio" ? 1 / denominator : (spec.multiplier ?? 100_000) / denominator;
  const expected = perUnit * denominator;
  const p = exactPoissonCountInterval(expected, confidence);
  return { lower: p.lower * scale, upper: p.upper * scale };
}

/**
 * 95% and 99.8% funnel limits around the target at one denominator: exact Poisson limits of the
 * expected count (target × denominator) for ratios and rates, Wilson limits for proportions.
 */
export function funnelLimits(spec: FunnelSpec, denominator: number): FunnelLimits {
  chooseMethod("funnel", spec.type, funnelTypes);
  requireNonNegative("target", spec.target);
  requireNonNegative("denominator", denominator);
  requireDenominator("denominator", denominator, 1);
  const a = limitsAt(spec, denominator, 0.95);
  const b = limitsAt(spec, denominator, 0.998);
  return { denominator, lower95: a.lower, upper95: a.upper, lower998: b.lower, upper998: b.upper };
}

/** Classifies a unit's value (same units as the target) at its denominator against the funnel. */
export function classifyAgainstFunnel(spec: FunnelSpec, value: number, denominator: number): FunnelClass {
  requireNonNegative("value", value);
  const l = funnelLimits(spec, denominator);
  if (value > l.upper998) return "higher-99.8";
  if (value > l.upper95) return "higher-95";
  if (value < l.lower998) return "lower-99.8";
  if (value < l.lower95) return "lower-95";
  return "not-different";
}

/** Plain-English label of a funnel class. */
export function funnelLabel(c: FunnelClass): string {
  if (c === "not-different") return "not significantly different";
  const [side, level] = c.split("-") as [string, string];
  return `${side} than expected (${level}%)`;
}

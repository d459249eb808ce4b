import { EbiError } from "../errors/index.ts";
import { normalCritical } from "./gammaQuantile.ts";
import type { Interval } from "./types.ts";
import { checkConfidence, requireDenominator, requireNonNegative } from "./validate.ts";

/** Events and population of one group. */
export interface GroupCount {
  events: number;
  population: number;
}

function check(name: string, g: GroupCount): void {
  requireNonNegative(`${name}.events`, g.events);
  requireDenominator(`${name}.population`, g.population, g.events);
  if (g.population === 0) {
    throw new EbiError("EBI_STATS_INPUT", `${name}.population is zero; comparing rates needs people.`, {
      field: `${name}.population`,
      value: 0,
      expected: "> 0",
    });
  }
}

/**
 * Rate ratio (a ÷ b) of two crude rates with a log-normal interval:
 * exp(ln RR ± z √(1/Oa + 1/Ob)). Both groups need at least one event.
 */
export function rateRatio(a: GroupCount, b: GroupCount, opts: { confidence?: number } = {}): Interval {
  check("a", a);
  check("b", b);
  if (a.events === 0 || b.events === 0) {
    throw new EbiError("EBI_STATS_INPUT", "a rate ratio needs at least one event in each group.", {
      field: "events",
      value: [a.events, b.events],
      expected: "> 0 in both groups",
    });
  }
  const z = normalCritical(checkConfidence(opts.confidence));
  const rr = a.events / a.population / (b.events / b.population);
  const se = Math.sqrt(1 / a.events + 1 / b.events);
  return { value: rr, lower: rr * Math.exp(-z * se), upper: rr * Math.exp(z * se) };
}

/**
 * Absolute gap (rate a − rate b) per `multiplier` (default 100,000) with a normal interval:
 * ± z √(Oa/na² + Ob/nb²) × multiplier (Poisson variance of each count).
 */
export function rateDifference(
  a: GroupCount,
  b: GroupCount,
  opts: { confidence?: number; multiplier?: number } = {},
): Interval {
  check("a", a);
  check("b", b);
  const z = normalCritical(checkConfidence(opts.confidence));
  const m = opts.multiplier ?? 100_000;
  const diff = a.events / a.population - b.events / b.population;
  const se = Math.sqrt(a.events / a.population ** 2 + b.events / b.population ** 2);
  return { value: diff * m, lower: (diff - z * se) * m, upper: (diff + z * se) * m };
}

import { EbiError } from "../errors/index.ts";
import { normalCritical } from "./gammaQuantile.ts";
import type { Interval } from "./types.ts";

/**
 * Standard errors from a rate's published 95% limits: on the log scale (ln upper − ln lower) ÷ 2z,
 * on the rate's own scale (upper − lower) ÷ 2z. Dobson limits are not symmetric, so these are the
 * usual approximations when only a rate and its limits are kept.
 */
function check(name: string, r: Interval): void {
  if (![r.value, r.lower, r.upper].every(Number.isFinite) || r.lower > r.value || r.value > r.upper)
    throw new EbiError("EBI_STATS_INPUT", `${name} needs a finite rate inside its limits.`, {
      field: name,
      value: r,
      expected: "lower ≤ value ≤ upper, all finite",
    });
}

/**
 * Ratio of two standardised rates (a ÷ b) with a 95% interval exp(ln RR ± z √(se_a² + se_b²)),
 * each se_ln taken from its rate's 95% limits. Both rates and lower limits must be above 0.
 */
export function standardisedRateRatio(a: Interval, b: Interval): Interval {
  check("a", a);
  check("b", b);
  if (!(a.lower > 0 && b.lower > 0))
    throw new EbiError(
      "EBI_STATS_INPUT",
      "a ratio of standardised rates needs both rates' lower limits above 0.",
      {
        field: "lower",
        value: [a.lower, b.lower],
        expected: "> 0",
      },
    );
  const z = normalCritical(0.95);
  const seLog = (r: Interval) => (Math.log(r.upper) - Math.log(r.lower)) / (2 * z);
  const ratio = a.value / b.value;
  const se = Math.sqrt(seLog(a) ** 2 + seLog(b) ** 2);
  return { value: ratio, lower: ratio * Math.exp(-z * se), upper: ratio * Math.exp(z * se) };
}

/** Difference of two standardised rates (a − b), same units, with a 95% interval ± z √(se_a² + se_b²). */
export function standardisedRateDifference(a: Interval, b: Interval): Interval {
  check("a", a);
  check("b", b);
  const z = normalCritical(0.95);
  const se = (r: Interval) => (r.upper - r.lower) / (2 * z);
  const difference = a.value - b.value;
  const half = z * Math.sqrt(se(a) ** 2 + se(b) ** 2);
  return { value: difference, lower: difference - half, upper: difference + half };
}

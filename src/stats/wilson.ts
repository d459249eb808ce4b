import { EbiError } from "../errors/index.ts";
import { normalCritical } from "./gammaQuantile.ts";
import type { Interval } from "./types.ts";
import { checkConfidence, requireDenominator, requireNonNegative } from "./validate.ts";

/** Proportion successes ÷ trials (a fraction) with its Wilson score interval. */
export function wilsonInterval(
  successes: number,
  trials: number,
  opts: { confidence?: number } = {},
): Interval {
  requireNonNegative("successes", successes);
  requireDenominator("trials", trials, successes);
  if (successes > trials) {
    throw new EbiError("EBI_STATS_INPUT", `successes (${successes}) exceed trials (${trials}).`, {
      field: "successes",
      value: successes,
      expected: `≤ ${trials}`,
    });
  }
  if (trials === 0) return { value: 0, lower: 0, upper: 1 };
  const z = normalCritical(checkConfidence(opts.confidence));
  const z2 = z * z;
  const centre = 2 * successes + z2;
  const spread = z * Math.sqrt(z2 + 4 * successes * (1 - successes / trials));
  const denominator = 2 * (trials + z2);
  return {
    value: successes / trials,
    lower: Math.max(0, (centre - spread) / denominator),
    upper: Math.min(1, (centre + spread) / denominator),
  };
}

import { normalCritical } from "./gammaQuantile.ts";
import { checkConfidence, requireNonNegative } from "./validate.ts";

/** Byar's approximation to the Poisson confidence limits of an observed count (count units). */
export function byarsCountInterval(count: number, confidence = 0.95): { lower: number; upper: number } {
  requireNonNegative("count", count);
  const z = normalCritical(checkConfidence(confidence));
  const lower = count === 0 ? 0 : count * (1 - 1 / (9 * count) - z / (3 * Math.sqrt(count))) ** 3;
  const x1 = count + 1;
  const upper = x1 * (1 - 1 / (9 * x1) + z / (3 * Math.sqrt(x1))) ** 3;
  return { lower: Math.max(0, lower), upper };
}

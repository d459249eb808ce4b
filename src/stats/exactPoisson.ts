import { gammaQuantile } from "./gammaQuantile.ts";
import { checkConfidence, requireNonNegative } from "./validate.ts";

/**
 * Exact (Garwood) Poisson confidence limits of an observed count:
 * lower = χ²(α/2; 2x) ÷ 2, upper = χ²(1 − α/2; 2x + 2) ÷ 2 (count units). Non-integer counts
 * are accepted because funnel limits need them around an expected value.
 */
export function exactPoissonCountInterval(
  count: number,
  confidence = 0.95,
): { lower: number; upper: number } {
  requireNonNegative("count", count);
  const alpha = 1 - checkConfidence(confidence);
  // A release asks for the limits of the same few small counts hundreds of thousands of times, and
  // each is an iterative inversion: whole counts are worked out once per confidence level.
  const key = Number.isInteger(count) && count < cachedBelow ? `${confidence}|${count}` : undefined;
  const known = key === undefined ? undefined : cache.get(key);
  if (known) return { ...known };
  const lower = count === 0 ? 0 : gammaQuantile(alpha / 2, count);
  const upper = gammaQuantile(1 - alpha / 2, count + 1);
  if (key !== undefined) cache.set(key, { lower, upper });
  return { lower, upper };
}

const cachedBelow = 1000;
const cache = new Map<string, { lower: number; upper: number }>();

import { EbiError } from "../errors/index.ts";
import { requireFinite } from "./validate.ts";

// Lanczos approximation (g = 7, n = 9), accurate to about 1e-15 for positive arguments.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** Natural log of the gamma function for x > 0 (Lanczos). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < 9; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * Regularised lower incomplete gamma P(a, x): power series when x < a + 1, otherwise the
 * continued fraction for Q = 1 − P evaluated by the modified Lentz method
 * (Press et al., Numerical Recipes, 3rd ed., §6.2).
 */
export function regularisedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    return sum * Math.exp(logPrefix);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-17) break;
  }
  return 1 - Math.exp(logPrefix) * h;
}

/**
 * Quantile of the gamma distribution with unit scale: the x with P(shape, x) = p.
 * Brackets the root geometrically, bisects to a factor of 1e-15, then polishes with Newton steps
 * (derivative of P is the gamma density) kept inside the bracket.
 */
export function gammaQuantile(p: number, shape: number): number {
  requireFinite("p", p);
  requireFinite("shape", shape);
  if (p < 0 || p > 1) throw new EbiError("EBI_STATS_INPUT", `p must be in 0..1, got ${p}.`, { value: p });
  if (shape <= 0) {
    throw new EbiError("EBI_STATS_INPUT", `shape must be positive, got ${shape}.`, { value: shape });
  }
  if (p === 0) return 0;
  if (p === 1) return Number.POSITIVE_INFINITY;
  let hi = Math.max(1, shape);
  while (regularisedGammaP(shape, hi) < p) hi *= 2;
  let lo = hi / 2;
  while (lo > 1e-300 && regularisedGammaP(shape, lo) >= p) {
    hi = lo;
    lo /= 2;
  }
  for (let i = 0; i < 200 && hi - lo > hi * 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (regularisedGammaP(shape, mid) < p) lo = mid;
    else hi = mid;
  }
  let x = (lo + hi) / 2;
  for (let i = 0; i < 3; i++) {
    const density = Math.exp((shape - 1) * Math.log(x) - x - logGamma(shape));
    if (!(density > 0)) break;
    const next = x - (regularisedGammaP(shape, x) - p) / density;
    if (!(next > lo && next < hi)) break;
    x = next;
  }
  return x;
}

/** Quantile of the χ² distribution with `df` degrees of freedom (= 2 × gamma quantile, shape df/2). */
export function chiSquareQuantile(p: number, df: number): number {
  return 2 * gammaQuantile(p, df / 2);
}

/** Two-sided standard normal critical value z for a confidence level, via z² = χ²₁ quantile. */
export function normalCritical(confidence: number): number {
  return Math.sqrt(chiSquareQuantile(confidence, 1));
}

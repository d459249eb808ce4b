import { EbiError } from "../errors/index.ts";
import { logGamma } from "./gammaQuantile.ts";

/** Regularised incomplete beta I_x(a, b), by its continued fraction (modified Lentz), for 0 ≤ x ≤ 1. */
export function regularisedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  // The fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) beyond it.
  if (x > (a + 1) / (a + b + 2)) return 1 - regularisedBeta(1 - x, b, a);
  const front =
    Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x)) / a;
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
  let f = d;
  for (let m = 1; m <= 300; m++) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 + even * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = 1 + even / c;
    c = Math.abs(c) < tiny ? tiny : c;
    f *= c * d;
    const odd = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + odd * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = 1 + odd / c;
    c = Math.abs(c) < tiny ? tiny : c;
    const step = c * d;
    f *= step;
    if (Math.abs(step - 1) < 1e-14) break;
  }
  return front * f;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * regularisedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The two-sided critical value of Student's t: P(|T| ≤ value) = `confidence` (default 0.95). */
export function studentTCritical(df: number, confidence = 0.95): number {
  if (!(df > 0) || !Number.isFinite(df))
    throw new EbiError("EBI_STATS_INPUT", `Student's t needs degrees of freedom above 0, got ${df}.`, {
      field: "df",
      value: df,
      expected: "> 0",
    });
  if (!(confidence > 0 && confidence < 1))
    throw new EbiError("EBI_STATS_INPUT", `confidence must be between 0 and 1, got ${confidence}.`, {
      field: "confidence",
      value: confidence,
      expected: "0 < confidence < 1",
    });
  const target = 1 - (1 - confidence) / 2;
  let low = 0;
  let high = 1;
  while (studentTCdf(high, df) < target) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12; i++) {
    const mid = (low + high) / 2;
    if (studentTCdf(mid, df) < target) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

import { EbiError } from "../errors/index.ts";
import { requireFinite } from "./validate.ts";

/**
 * Percentile by Hyndman & Fan type 7 (as Excel PERCENTILE.INC and R's default): sort, h = (n−1)p,
 * interpolate linearly between the values at ⌊h⌋ and ⌈h⌉ (0-based). `p` is a fraction 0..1.
 */
export function percentile(values: readonly number[], p: number): number {
  requireFinite("p", p);
  if (p < 0 || p > 1) throw new EbiError("EBI_STATS_INPUT", `p must be in 0..1, got ${p}.`, { value: p });
  if (values.length === 0) {
    throw new EbiError("EBI_STATS_INPUT", "percentile of an empty set of values.", { expected: "≥ 1 value" });
  }
  values.forEach((v, i) => {
    requireFinite(`values[${i}]`, v);
  });
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const below = sorted[lo] as number;
  const above = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return below + (h - lo) * (above - below);
}

/** 10th and 90th percentiles (type 7) and the N-fold variation p90 ÷ p10. */
export function nFoldVariation(values: readonly number[]): { p10: number; p90: number; nFold: number } {
  const p10 = percentile(values, 0.1);
  const p90 = percentile(values, 0.9);
  if (p10 <= 0) {
    throw new EbiError("EBI_STATS_INPUT", `N-fold variation needs a positive 10th percentile, got ${p10}.`, {
      field: "p10",
      value: p10,
      expected: "> 0",
    });
  }
  return { p10, p90, nFold: p90 / p10 };
}

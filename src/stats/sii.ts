import { EbiError } from "../errors/index.ts";
import { percentile } from "./percentile.ts";
import { checkConfidence, requireFinite, requireNonNegative } from "./validate.ts";

/** One deprivation group: its (standardised) rate and population; optional standard error of the rate. */
export interface SiiGroup {
  rate: number;
  population: number;
  /** Standard error of the rate; if absent, simulation uses the Poisson √(rate × multiplier ÷ population). */
  se?: number;
}

/** Options of the slope and relative index of inequality. */
export interface SiiOptions {
  /** Number of simulations for the intervals (0 or absent: no intervals). */
  simulations?: number;
  seed?: number;
  confidence?: number;
  /** Rates are per this many people (default 100,000); used only for the Poisson standard error. */
  multiplier?: number;
}

/** Slope (SII) and relative (RII) index of inequality, with simulated limits when asked. */
export interface SiiResult {
  sii: number;
  rii: number;
  intercept: number;
  siiLower?: number;
  siiUpper?: number;
  riiLower?: number;
  riiUpper?: number;
}

function weightedFit(
  rates: readonly number[],
  x: readonly number[],
  w: readonly number[],
): { slope: number; intercept: number } {
  let mx = 0;
  let my = 0;
  rates.forEach((r, i) => {
    mx += (w[i] as number) * (x[i] as number);
    my += (w[i] as number) * r;
  });
  let sxy = 0;
  let sxx = 0;
  rates.forEach((r, i) => {
    const dx = (x[i] as number) - mx;
    sxy += (w[i] as number) * dx * (r - my);
    sxx += (w[i] as number) * dx * dx;
  });
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

// mulberry32: a small seeded generator so simulated intervals are reproducible.
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * SII and RII (PHE method): groups ordered most → least deprived; each at its population-weighted
 * mid-rank xᵢ = (cumulative share before it) + shareᵢ/2 on 0–1; weighted least squares of rate on x
 * with weights = population share (i.e. OLS after multiplying rows by √share). SII = slope (rate at
 * least deprived minus most deprived); RII = (intercept + SII) ÷ intercept.
 */
export function slopeIndexOfInequality(groups: readonly SiiGroup[], opts: SiiOptions = {}): SiiResult {
  if (groups.length < 2) {
    throw new EbiError("EBI_STATS_INPUT", `SII needs at least 2 groups, got ${groups.length}.`, {
      expected: "≥ 2 groups",
    });
  }
  groups.forEach((g, i) => {
    requireFinite(`groups[${i}].rate`, g.rate);
    requireNonNegative(`groups[${i}].population`, g.population);
    if (g.se !== undefined) requireNonNegative(`groups[${i}].se`, g.se);
  });
  const total = groups.reduce((a, g) => a + g.population, 0);
  if (!(total > 0) || groups.some((g) => g.population === 0)) {
    throw new EbiError("EBI_STATS_INPUT", "every SII group needs a positive population.", {
      field: "population",
    });
  }
  const w = groups.map((g) => g.population / total);
  let cumulative = 0;
  const x = w.map((share) => {
    const mid = cumulative + share / 2;
    cumulative += share;
    return mid;
  });
  const rates = groups.map((g) => g.rate);
  const { slope, intercept } = weightedFit(rates, x, w);
  const result: SiiResult = { sii: slope, rii: (intercept + slope) / intercept, intercept };
  const n = opts.simulations ?? 0;
  if (n <= 0) return result;
  const alpha = 1 - checkConfidence(opts.confidence);
  const m = opts.multiplier ?? 100_000;
  const se = groups.map((g) => g.se ?? Math.sqrt(Math.max(g.rate, 0) * (m / g.population)));
  const random = generator(opts.seed ?? 1);
  const siis: number[] = [];
  const riis: number[] = [];
  for (let s = 0; s < n; s++) {
    const drawn = rates.map((r, i) => {
      // Box–Muller normal draw.
      const u = 1 - random();
      const v = random();
      return r + (se[i] as number) * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    });
    const f = weightedFit(drawn, x, w);
    siis.push(f.slope);
    riis.push((f.intercept + f.slope) / f.intercept);
  }
  return {
    ...result,
    siiLower: percentile(siis, alpha / 2),
    siiUpper: percentile(siis, 1 - alpha / 2),
    riiLower: percentile(riis, alpha / 2),
    riiUpper: percentile(riis, 1 - alpha / 2),
  };
}

import { EbiError } from "../errors/index.ts";
import { studentTCritical } from "./studentT.ts";
import type { Interval } from "./types.ts";
import { requireFinite } from "./validate.ts";

/** One point of a time series: time (e.g. quarters from the first) and the value measured then. */
export interface SeriesPoint {
  t: number;
  y: number;
}

/** A segmented regression's estimates, each with its interval (Student's t on n − 4 degrees of freedom). */
export interface SegmentedFit {
  /** Line before the change: value at t = 0 and change per unit of t. */
  pre: { intercept: number; slope: number };
  /** Line from the change on. */
  post: { intercept: number; slope: number };
  /** Jump at the first post point: the post line minus the pre line projected there. */
  levelChange: Interval;
  /** Post slope minus pre slope. */
  slopeChange: Interval;
  /** At `at` (default the last point): the post line minus the pre line projected there. */
  effect: Interval & { at: number };
  /** Residual standard deviation and degrees of freedom. */
  sigma: number;
  df: number;
  n: { pre: number; post: number };
}

function line(points: readonly SeriesPoint[]) {
  const n = points.length;
  const tBar = points.reduce((a, p) => a + p.t, 0) / n;
  const yBar = points.reduce((a, p) => a + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.t - tBar) ** 2;
    sxy += (p.t - tBar) * (p.y - yBar);
  }
  const slope = sxy / sxx;
  const intercept = yBar - slope * tBar;
  const rss = points.reduce((a, p) => a + (p.y - intercept - slope * p.t) ** 2, 0);
  return { n, tBar, sxx, slope, intercept, rss };
}

/**
 * Interrupted time series by segmented regression, y = β0 + β1·t + β2·post + β3·(t − t0)·post + ε,
 * with one residual variance: the same fit as a line before `breakAt` and a line from it on, so
 * σ² = (RSS_pre + RSS_post) ÷ (n − 4), Var(slope change) = σ²(1/Sxx_pre + 1/Sxx_post), and the
 * variance of the difference of the two lines at time u is
 * σ²[1/n_pre + (u − t̄_pre)²/Sxx_pre + 1/n_post + (u − t̄_post)²/Sxx_post].
 * Needs 3 points on each side with distinct times. Errors are taken as independent (no autocorrelation).
 */
export function segmentedRegression(
  points: readonly SeriesPoint[],
  breakAt: number,
  opts: { confidence?: number; at?: number } = {},
): SegmentedFit {
  points.forEach((p, i) => {
    requireFinite(`points[${i}].t`, p.t);
    requireFinite(`points[${i}].y`, p.y);
  });
  requireFinite("breakAt", breakAt);
  const pre = points.filter((p) => p.t < breakAt);
  const post = points.filter((p) => p.t >= breakAt);
  const distinct = (ps: readonly SeriesPoint[]) => new Set(ps.map((p) => p.t)).size;
  if (distinct(pre) < 3 || distinct(post) < 3)
    throw new EbiError(
      "EBI_STATS_INPUT",
      `segmented regression needs at least 3 distinct times before and after the change (got ${distinct(pre)} and ${distinct(post)}).`,
      { field: "points", value: { pre: pre.length, post: post.length }, expected: "≥ 3 each side" },
    );
  const a = line(pre);
  const b = line(post);
  const df = a.n + b.n - 4;
  const sigma2 = (a.rss + b.rss) / df;
  const t = studentTCritical(df, opts.confidence ?? 0.95);
  const at = opts.at ?? Math.max(...points.map((p) => p.t));
  const gapAt = (u: number): Interval => {
    const value = b.intercept + b.slope * u - (a.intercept + a.slope * u);
    const se = Math.sqrt(
      sigma2 * (1 / a.n + (u - a.tBar) ** 2 / a.sxx + 1 / b.n + (u - b.tBar) ** 2 / b.sxx),
    );
    return { value, lower: value - t * se, upper: value + t * se };
  };
  const slopeValue = b.slope - a.slope;
  const slopeSe = Math.sqrt(sigma2 * (1 / a.sxx + 1 / b.sxx));
  return {
    pre: { intercept: a.intercept, slope: a.slope },
    post: { intercept: b.intercept, slope: b.slope },
    levelChange: gapAt(breakAt),
    slopeChange: { value: slopeValue, lower: slopeValue - t * slopeSe, upper: slopeValue + t * slopeSe },
    effect: { ...gapAt(at), at },
    sigma: Math.sqrt(sigma2),
    df,
    n: { pre: a.n, post: b.n },
  };
}

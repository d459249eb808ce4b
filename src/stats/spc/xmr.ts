import { EbiError } from "../../errors/index.ts";
import type { Direction } from "../types.ts";
import { requireFinite } from "../validate.ts";
import { assuranceIcon, specialCauseType, type VariationIcon, variationIcon } from "./icons.ts";
import { evaluateRules, type LimitedPoint, type Side, type SpcRule } from "./rules.ts";

/** Options of an XmR chart. */
export interface XmrOptions {
  /** Desired direction of the measure (default "lower", as for EBI activity). */
  direction?: Direction;
  /** Goal for the assurance icon, in the measure's units. */
  target?: number;
  /** ISO dates from which limits are recalculated (a new segment starts at the first point on/after each). */
  rebaseAt?: string[];
  /** Points on one side of the mean that make a shift (default 7). */
  runLength?: number;
  /** Points all rising or all falling that make a trend (default 7). */
  trendLength?: number;
  /** Drop moving ranges ≥ 3.267 × mean(MR) and recompute mean(MR) (default false). */
  screenMovingRanges?: boolean;
  /** Segments with fewer points than this have trial limits (default 13). */
  trialBelow?: number;
  /**
   * Inclusive ISO date ranges of points that are charted but left out of the mean, the moving
   * ranges and every special-cause rule (an exceptional period, such as a pandemic collapse).
   */
  exclude?: readonly (readonly [string, string])[];
}

/** One charted point with its segment's limits and special-cause signals. */
export interface XmrPoint extends LimitedPoint {
  date: string;
  trial: boolean;
  /** True when the point lies in an excluded range: charted, but neither in the limits nor signalled. */
  excluded: boolean;
  special: "improvement" | "concern" | "neutral" | null;
  side: Side | null;
  rules: SpcRule[];
}

/** An XmR chart with its icons. */
export interface XmrChart {
  points: XmrPoint[];
  variation: VariationIcon;
  assurance: "pass" | "fail" | "hit-and-miss" | null;
}

/** XmR constant: 3 ÷ d2 (d2 = 1.128 for ranges of two). */
export const XMR_LIMIT_FACTOR = 2.66;
/** Upper limit of a moving range: D4 for ranges of two. */
export const MR_SCREEN_FACTOR = 3.267;

/** XmR chart per NHS "Making Data Count": mean ± 2.66 × mean(MR), near band at two thirds of that. */
export function xmrChart(
  points: readonly { date: string; value: number }[],
  opts: XmrOptions = {},
): XmrChart {
  const direction = opts.direction ?? "lower";
  const runLength = opts.runLength ?? 7;
  const trendLength = opts.trendLength ?? 7;
  const trialBelow = opts.trialBelow ?? 13;
  for (const [name, n] of [
    ["runLength", runLength],
    ["trendLength", trendLength],
  ] as const) {
    if (!Number.isInteger(n) || n < 2) {
      throw new EbiError("EBI_STATS_INPUT", `${name} must be an integer ≥ 2, got ${n}.`, {
        field: name,
        value: n,
      });
    }
  }
  if (opts.target !== undefined) requireFinite("target", opts.target);
  points.forEach((p, i) => {
    requireFinite(`points[${i}].value`, p.value);
    if (i > 0 && p.date < (points[i - 1] as { date: string }).date) {
      throw new EbiError(
        "EBI_STATS_INPUT",
        `points must be in date order; ${p.date} follows ${(points[i - 1] as { date: string }).date}.`,
        {
          row: i,
          field: "date",
          value: p.date,
        },
      );
    }
  });
  const rebase = [...(opts.rebaseAt ?? [])].sort();
  const segmentOf = (date: string) => rebase.filter((d) => date >= d).length;
  const segments = new Map<number, number[]>();
  points.forEach((p, i) => {
    const s = segmentOf(p.date);
    segments.set(s, [...(segments.get(s) ?? []), i]);
  });
  const out: XmrPoint[] = new Array(points.length);
  const excluded = (date: string) => (opts.exclude ?? []).some(([from, to]) => date >= from && date <= to);
  for (const all of segments.values()) {
    const indices = all.filter((i) => !excluded((points[i] as { date: string }).date));
    const values = indices.map((i) => (points[i] as { value: number }).value);
    const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
    let ranges = values.slice(1).map((v, k) => Math.abs(v - (values[k] as number)));
    let mrBar = ranges.length ? ranges.reduce((a, b) => a + b, 0) / ranges.length : 0;
    if (opts.screenMovingRanges && ranges.length) {
      const limit = MR_SCREEN_FACTOR * mrBar;
      ranges = ranges.filter((r) => r < limit);
      mrBar = ranges.length ? ranges.reduce((a, b) => a + b, 0) / ranges.length : 0;
    }
    const half = XMR_LIMIT_FACTOR * mrBar;
    const near = (2 / 3) * half;
    const limitsOf = (value: number): LimitedPoint => ({
      value,
      mean,
      lower: mean - half,
      upper: mean + half,
      nearLower: mean - near,
      nearUpper: mean + near,
    });
    const limited = values.map(limitsOf);
    const hits = evaluateRules(limited, runLength, trendLength);
    const trial = values.length < trialBelow;
    indices.forEach((i, k) => {
      const h = hits[k] ?? [];
      const side = h[0]?.side ?? null;
      out[i] = {
        date: (points[i] as { date: string }).date,
        ...(limited[k] as LimitedPoint),
        trial,
        excluded: false,
        special: side ? specialCauseType(side, direction) : null,
        side,
        rules: h.map((x) => x.rule),
      };
    });
    for (const i of all) {
      if (out[i]) continue;
      const p = points[i] as { date: string; value: number };
      out[i] = {
        date: p.date,
        ...limitsOf(p.value),
        trial,
        excluded: true,
        special: null,
        side: null,
        rules: [],
      };
    }
  }
  const last = out.filter((p) => !p.excluded).at(-1);
  return {
    points: out,
    variation: last ? variationIcon(last.special, last.side) : "common",
    assurance: last ? assuranceIcon(opts.target, direction, last.lower, last.upper) : null,
  };
}

/** Special-cause rules in precedence order (Making Data Count). */
export type SpcRule = "outside" | "trend" | "twoOfThree" | "shift";
/** Which side of the mean a signal points to. */
export type Side = "high" | "low";

/** One point with the limits of the segment it belongs to. */
export interface LimitedPoint {
  value: number;
  mean: number;
  lower: number;
  upper: number;
  nearLower: number;
  nearUpper: number;
}

/** A rule firing on a point, and the side it signals. */
export interface RuleHit {
  rule: SpcRule;
  side: Side;
}

/**
 * Evaluates the four rules over one segment (points sharing limits). Returns, per point, the hits
 * in precedence order: outside limits; a trend of `trendLength` points all rising or all falling
 * (a tie breaks it); two of three consecutive points beyond the near-limit band on one side;
 * a shift of `runLength` points on one side of the mean (a point on the mean breaks it).
 */
export function evaluateRules(
  points: readonly LimitedPoint[],
  runLength: number,
  trendLength: number,
): RuleHit[][] {
  const hits: RuleHit[][] = points.map(() => []);
  const outside: (Side | null)[] = points.map((p) =>
    p.value > p.upper ? "high" : p.value < p.lower ? "low" : null,
  );
  const trend: (Side | null)[] = points.map(() => null);
  const twoOfThree: (Side | null)[] = points.map(() => null);
  const shift: (Side | null)[] = points.map(() => null);

  // Trend: a run of k points has k − 1 consecutive steps in one direction.
  let start = 0;
  let dir = 0;
  for (let i = 1; i <= points.length; i++) {
    const step =
      i < points.length
        ? Math.sign((points[i] as LimitedPoint).value - (points[i - 1] as LimitedPoint).value)
        : 0;
    if (step !== 0 && step === dir) continue;
    if (dir !== 0 && i - start >= trendLength) {
      for (let j = start; j < i; j++) trend[j] = dir > 0 ? "high" : "low";
    }
    dir = step;
    start = i - 1;
  }

  for (let i = 0; i + 2 < points.length; i++) {
    for (const side of ["high", "low"] as const) {
      const beyond = [i, i + 1, i + 2].filter((j) => {
        const p = points[j] as LimitedPoint;
        return side === "high" ? p.value > p.nearUpper : p.value < p.nearLower;
      });
      if (beyond.length >= 2) for (const j of beyond) twoOfThree[j] = side;
    }
  }

  let runStart = 0;
  let runSide = 0;
  for (let i = 0; i <= points.length; i++) {
    const p = points[i];
    const side = p ? Math.sign(p.value - p.mean) : 0;
    if (side !== 0 && side === runSide) continue;
    if (runSide !== 0 && i - runStart >= runLength) {
      for (let j = runStart; j < i; j++) shift[j] = runSide > 0 ? "high" : "low";
    }
    runSide = side;
    runStart = i;
  }

  points.forEach((_, i) => {
    const list = hits[i] as RuleHit[];
    const o = outside[i];
    const t = trend[i];
    const w = twoOfThree[i];
    const s = shift[i];
    if (o) list.push({ rule: "outside", side: o });
    if (t) list.push({ rule: "trend", side: t });
    if (w) list.push({ rule: "twoOfThree", side: w });
    if (s) list.push({ rule: "shift", side: s });
  });
  return hits;
}

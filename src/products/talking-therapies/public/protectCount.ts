/**
 * Disclosure control for public talking-therapies figures. NHS England's rule for these
 * statistics: counts below 5 are suppressed and every other count is rounded to the nearest 5.
 * EBI Insight's own rule is stricter on one point: no public figure may be 1 to 5, so a count that
 * would round to 5 (a true 5, 6 or 7) is suppressed as well. Zero is shown: it reveals no person.
 */
import { wilsonInterval } from "../../../stats/index.ts";

/** The smallest true count shown (it rounds to 10). */
export const smallestShownCount = 8;

/** A count as published: 0, a multiple of 5 that is at least 10, or null (suppressed, shown [c]). */
export function protectCount(n: number): number | null {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`A count must be a whole number ≥ 0, not ${n}.`);
  if (n === 0) return 0;
  if (n < smallestShownCount) return null;
  return 5 * Math.round(n / 5);
}

/**
 * A percentage (in percent, one decimal place) from two already protected counts, so that it
 * reveals nothing the counts do not: null when either is suppressed, "–" when the denominator is 0.
 */
export function protectedPercent(
  numerator: number | null,
  denominator: number | null,
): number | string | null {
  if (denominator === 0) return "–";
  if (numerator === null || denominator === null) return null;
  return Math.round((1000 * numerator) / denominator) / 10;
}

/**
 * The 95% Wilson score interval of a percentage from two protected counts, as "lower–upper" in
 * percent to one decimal place: null when either is suppressed, "–" when the denominator is 0.
 */
export function protectedInterval(numerator: number | null, denominator: number | null): string | null {
  if (denominator === 0) return "–";
  if (numerator === null || denominator === null) return null;
  const i = wilsonInterval(Math.min(numerator, denominator), denominator);
  return `${(100 * i.lower).toFixed(1)}–${(100 * i.upper).toFixed(1)}`;
}

/** A mean or median of a group, shown to one decimal place only when the group's count is shown. */
export function protectedAverage(value: number | null, groupCount: number): number | null {
  if (value === null || protectCount(groupCount) === null) return null;
  return Math.round(10 * value) / 10;
}

/** True when a figure could be a published count: 0, null, or a multiple of 5 of at least 10. */
export function isProtectedCount(value: unknown): boolean {
  return value === null || value === 0 || (typeof value === "number" && value >= 10 && value % 5 === 0);
}

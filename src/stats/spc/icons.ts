import type { Direction } from "../types.ts";
import type { Side } from "./rules.ts";

/** Special-cause type of a signal on `side` for a measure with the desired `direction`. */
export function specialCauseType(side: Side, direction: Direction): "improvement" | "concern" | "neutral" {
  if (direction === "neutral") return "neutral";
  const good: Side = direction === "lower" ? "low" : "high";
  return side === good ? "improvement" : "concern";
}

/** Variation icon of a chart: the type and side of the latest point, or "common". */
export type VariationIcon =
  | "common"
  | "improvement-high"
  | "improvement-low"
  | "concern-high"
  | "concern-low"
  | "neutral-high"
  | "neutral-low";

/** Variation icon from the latest point's type and side. */
export function variationIcon(
  special: "improvement" | "concern" | "neutral" | null,
  side: Side | null,
): VariationIcon {
  if (special === null || side === null) return "common";
  return `${special}-${side}`;
}

/** Assurance icon: a target outside the limits on the good side passes consistently, on the bad side fails. */
export function assuranceIcon(
  target: number | undefined,
  direction: Direction,
  lower: number,
  upper: number,
): "pass" | "fail" | "hit-and-miss" | null {
  if (target === undefined || direction === "neutral") return null;
  if (direction === "lower") {
    if (target > upper) return "pass";
    if (target < lower) return "fail";
    return "hit-and-miss";
  }
  if (target < lower) return "pass";
  if (target > upper) return "fail";
  return "hit-and-miss";
}

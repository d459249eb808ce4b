/** Desired direction of a measure: for EBI activity lower is better. */
export type Direction = "lower" | "higher" | "neutral";

/** An estimate with its confidence limits, all in the same units. */
export interface Interval {
  value: number;
  lower: number;
  upper: number;
}

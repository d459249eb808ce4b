import { byarsCountInterval } from "./byars.ts";
import { exactPoissonCountInterval } from "./exactPoisson.ts";
import { chooseMethod } from "./validate.ts";

/** Methods for the confidence limits of a count; "auto" is exact below 10 events, Byar's from 10. */
export const poissonMethods = ["auto", "exact", "byars"] as const;
export type PoissonMethod = (typeof poissonMethods)[number];

/** Options for the confidence limits of a count. */
export interface PoissonOptions {
  /** Confidence level as a fraction (default 0.95; 0.90–0.9999). */
  confidence?: number;
  method?: PoissonMethod;
}

/** Confidence limits of a Poisson count itself (count units). */
export function poissonCountInterval(
  count: number,
  opts: PoissonOptions = {},
): { lower: number; upper: number } {
  const method = chooseMethod("Poisson interval", opts.method ?? "auto", poissonMethods);
  const confidence = opts.confidence ?? 0.95;
  if (method === "exact" || (method === "auto" && count < 10)) {
    return exactPoissonCountInterval(count, confidence);
  }
  return byarsCountInterval(count, confidence);
}

import { EbiError } from "../errors/index.ts";

/** Throws EBI_STATS_INPUT unless `value` is a finite number. */
export function requireFinite(name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new EbiError("EBI_STATS_INPUT", `${name} must be a finite number, got ${String(value)}.`, {
      field: name,
      value,
      expected: "finite number",
    });
  }
}

/** Throws EBI_STATS_INPUT unless `value` is finite and ≥ 0. */
export function requireNonNegative(name: string, value: number): void {
  requireFinite(name, value);
  if (value < 0) {
    throw new EbiError("EBI_STATS_INPUT", `${name} must not be negative, got ${value}.`, {
      field: name,
      value,
      expected: "≥ 0",
    });
  }
}

/** Throws EBI_STATS_INPUT unless the denominator is positive whenever events exist. */
export function requireDenominator(name: string, denominator: number, events: number): void {
  requireNonNegative(name, denominator);
  if (denominator === 0 && events > 0) {
    throw new EbiError(
      "EBI_STATS_INPUT",
      `${name} is zero but ${events} events were given; a rate needs a positive denominator.`,
      { field: name, value: denominator, expected: "> 0 where events exist" },
    );
  }
}

/** Checks a confidence level (a fraction in 0.90–0.9999) and returns it. */
export function checkConfidence(confidence: number | undefined): number {
  const c = confidence ?? 0.95;
  requireFinite("confidence", c);
  if (c < 0.9 || c > 0.9999) {
    throw new EbiError(
      "EBI_STATS_INPUT",
      `confidence must be a fraction between 0.90 and 0.9999 (e.g. 0.95, 0.998), got ${c}.`,
      { field: "confidence", value: c, expected: "0.90–0.9999" },
    );
  }
  return c;
}

/** Returns `name` when it is one of `allowed`, else throws EBI_STATS_METHOD listing them. */
export function chooseMethod<T extends string>(kind: string, name: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(name)) return name as T;
  throw new EbiError(
    "EBI_STATS_METHOD",
    `Unknown ${kind} method "${name}"; choose one of: ${allowed.join(", ")}.`,
    { field: "method", value: name, expected: allowed.join(" | ") },
  );
}

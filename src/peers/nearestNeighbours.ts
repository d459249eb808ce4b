import { EbiError } from "../errors/index.ts";

/** One unit to match: a code and its variables, in the same order for every unit. */
export interface PeerUnit {
  code: string;
  variables: readonly number[];
}

/** A neighbour of the target with its distance in standard deviations. */
export interface Neighbour {
  code: string;
  distance: number;
}

/**
 * Each variable as a z-score over the units: (x − mean) ÷ standard deviation (population form,
 * dividing by n); a variable that does not vary scores 0 for every unit.
 */
export function standardiseVariables(units: readonly PeerUnit[]): PeerUnit[] {
  const width = units[0]?.variables.length ?? 0;
  units.forEach((u, i) => {
    if (u.variables.length !== width || !u.variables.every(Number.isFinite))
      throw new EbiError("EBI_STATS_INPUT", `peer unit ${u.code} needs ${width} finite variables.`, {
        field: `units[${i}].variables`,
        value: u.variables,
        expected: `${width} finite numbers`,
      });
  });
  const n = units.length;
  const means = Array.from(
    { length: width },
    (_, k) => units.reduce((s, u) => s + (u.variables[k] as number), 0) / n,
  );
  const sds = means.map((mean, k) =>
    Math.sqrt(units.reduce((s, u) => s + ((u.variables[k] as number) - mean) ** 2, 0) / n),
  );
  return units.map((u) => ({
    code: u.code,
    variables: u.variables.map((x, k) =>
      (sds[k] as number) > 0 ? (x - (means[k] as number)) / (sds[k] as number) : 0,
    ),
  }));
}

/**
 * The `k` units nearest to `target` by Euclidean distance on standardised variables (equal
 * weights), nearest first, ties by code; the target itself is never its own neighbour.
 */
export function nearestNeighbours(units: readonly PeerUnit[], target: string, k: number): Neighbour[] {
  const scored = standardiseVariables(units);
  const self = scored.find((u) => u.code === target);
  if (!self)
    throw new EbiError("EBI_NOT_FOUND", `No peer unit ${JSON.stringify(target)} to match.`, {
      value: target,
    });
  return scored
    .filter((u) => u.code !== target)
    .map((u) => ({
      code: u.code,
      distance: Math.sqrt(u.variables.reduce((s, x, i) => s + (x - (self.variables[i] as number)) ** 2, 0)),
    }))
    .sort((a, b) => a.distance - b.distance || a.code.localeCompare(b.code))
    .slice(0, Math.max(0, k));
}

import { CellState, type CellSystem } from "./CellSystem.ts";

/**
 * Hides further cells until no relation has exactly one unknown member (a lone unknown in a
 * relation is its total minus the published parts). The complement chosen is the smallest
 * published part, preferring non-zero ones, so as little as possible is hidden; the total is
 * hidden only when every part already is. Mutates `states`; returns how many cells it hid.
 */
export function secondarySuppression(system: CellSystem, states: Uint8Array): number {
  let hidden = 0;
  const queue: number[] = system.relations.map((_, r) => r);
  const queued = new Uint8Array(system.relations.length).fill(1);
  while (queue.length > 0) {
    const r = queue.pop() as number;
    queued[r] = 0;
    const relation = system.relations[r];
    if (!relation) continue;
    const members = [relation.total, ...relation.parts];
    const unknown = members.filter((cell) => states[cell] !== CellState.published).length;
    if (unknown !== 1) continue;
    const complement = smallestPublished(system, states, relation.parts) ?? relation.total;
    if (states[complement] !== CellState.published) continue;
    states[complement] = CellState.secondary;
    hidden++;
    for (const next of system.relationsOf(complement)) {
      if (!queued[next]) {
        queued[next] = 1;
        queue.push(next);
      }
    }
  }
  return hidden;
}

/** The published cell among `cells` with the smallest value, non-zero values first. */
export function smallestPublished(
  system: CellSystem,
  states: Uint8Array,
  cells: readonly number[],
): number | undefined {
  let best: number | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const cell of cells) {
    if (states[cell] !== CellState.published) continue;
    const value = system.values[cell] ?? 0;
    // Zeros rank after every non-zero value: hiding a zero protects little when zeros are common.
    const rank = value > 0 ? value : Number.MAX_SAFE_INTEGER;
    if (rank < bestRank) {
      bestRank = rank;
      best = cell;
    }
  }
  return best;
}

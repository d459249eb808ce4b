import type { Relation } from "./CellSystem.ts";

/** What a reader of the public tables knows about each cell. */
export interface PublicView {
  /** The published value, or null where the cell is redacted or never shown. */
  published: readonly (number | null)[];
  /** What the reader can assume about a redacted cell: e.g. [1, 5] for "primary", [0, ∞) otherwise. */
  lower: readonly number[];
  upper: readonly number[];
}

const EPSILON = 1e-7;

/**
 * The redacted cells whose value a reader can work out from the published values and relations:
 * by bounds (each relation narrows its unknowns' ranges until nothing changes) and by linear
 * algebra (a cell is determined when its unit vector lies in the row space of the relations
 * restricted to the unknowns). Written apart from the suppression code so it checks it.
 */
export function findRecoverableCells(relations: readonly Relation[], view: PublicView): number[] {
  const recovered = new Set<number>([
    ...recoverableByBounds(relations, view),
    ...recoverableByRank(relations, view),
  ]);
  return [...recovered].sort((a, b) => a - b);
}

/** Interval propagation over `total = Σ parts`; returns unknown cells whose range closes to a point. */
export function recoverableByBounds(relations: readonly Relation[], view: PublicView): number[] {
  const lower = view.published.map((v, i) => v ?? view.lower[i] ?? 0);
  const upper = view.published.map((v, i) => v ?? view.upper[i] ?? Number.POSITIVE_INFINITY);
  for (let pass = 0, changed = true; changed && pass < 100; pass++) {
    changed = false;
    for (const { total, parts } of relations) {
      let partsLower = 0;
      let partsUpper = 0;
      for (const p of parts) {
        partsLower += lower[p] ?? 0;
        partsUpper += upper[p] ?? Number.POSITIVE_INFINITY;
      }
      changed = tighten(lower, upper, total, partsLower, partsUpper) || changed;
      const totalLower = lower[total] ?? 0;
      const totalUpper = upper[total] ?? Number.POSITIVE_INFINITY;
      for (const p of parts) {
        const othersLower = partsLower - (lower[p] ?? 0);
        const othersUpper = partsUpper - (upper[p] ?? Number.POSITIVE_INFINITY);
        // ∞ − ∞ is NaN: the other parts are unbounded, so nothing is learnt about p's lower bound.
        const low =
          Number.isNaN(othersUpper) || !Number.isFinite(othersUpper) ? -Infinity : totalLower - othersUpper;
        changed = tighten(lower, upper, p, low, totalUpper - othersLower) || changed;
      }
    }
  }
  const found: number[] = [];
  view.published.forEach((value, cell) => {
    if (value === null && Math.abs((upper[cell] ?? Infinity) - (lower[cell] ?? 0)) < EPSILON)
      found.push(cell);
  });
  return found;
}

function tighten(lower: number[], upper: number[], cell: number, low: number, high: number): boolean {
  let changed = false;
  if (low > (lower[cell] ?? 0) + EPSILON) {
    lower[cell] = low;
    changed = true;
  }
  if (high < (upper[cell] ?? Infinity) - EPSILON) {
    upper[cell] = high;
    changed = true;
  }
  return changed;
}

/**
 * Gauss–Jordan elimination of the relations over the unknown cells, kept sparse (rows as maps).
 * After full reduction a cell is determined exactly when its pivot row holds no other unknown.
 */
export function recoverableByRank(relations: readonly Relation[], view: PublicView): number[] {
  const pivotRow = new Map<number, Map<number, number>>();
  const rowsWith = new Map<number, Set<number>>(); // unknown cell → pivots whose rows contain it
  for (const { total, parts } of relations) {
    const row = new Map<number, number>();
    if (view.published[total] === null) row.set(total, -1);
    for (const p of parts) if (view.published[p] === null) row.set(p, (row.get(p) ?? 0) + 1);
    if (row.size === 0) continue;
    // Reduce the new row by the existing pivots.
    for (const [cell, coefficient] of [...row]) {
      const pivot = pivotRow.get(cell);
      if (pivot && row.has(cell)) addScaled(row, pivot, -(row.get(cell) ?? coefficient));
    }
    for (const [cell, coefficient] of row) if (Math.abs(coefficient) < EPSILON) row.delete(cell);
    const first = row.keys().next();
    if (first.done) continue;
    const pivotCell = first.value;
    const scale = row.get(pivotCell) ?? 1;
    for (const [cell, coefficient] of row) row.set(cell, coefficient / scale);
    // Eliminate the new pivot from every earlier row that holds it.
    for (const other of [...(rowsWith.get(pivotCell) ?? [])]) {
      const otherRow = pivotRow.get(other);
      if (!otherRow) continue;
      const factor = otherRow.get(pivotCell) ?? 0;
      const before = [...otherRow.keys()];
      addScaled(otherRow, row, -factor);
      for (const cell of before) if (!otherRow.has(cell)) rowsWith.get(cell)?.delete(other);
      for (const cell of otherRow.keys()) track(rowsWith, cell, other);
    }
    pivotRow.set(pivotCell, row);
    for (const cell of row.keys()) track(rowsWith, cell, pivotCell);
  }
  const found: number[] = [];
  for (const [cell, row] of pivotRow) if (row.size === 1) found.push(cell);
  return found.sort((a, b) => a - b);
}

/** target += factor × source, dropping entries that cancel. */
function addScaled(target: Map<number, number>, source: Map<number, number>, factor: number): void {
  for (const [cell, coefficient] of source) {
    const next = (target.get(cell) ?? 0) + factor * coefficient;
    if (Math.abs(next) < EPSILON) target.delete(cell);
    else target.set(cell, next);
  }
}

function track(index: Map<number, Set<number>>, cell: number, pivot: number): void {
  const set = index.get(cell);
  if (set) set.add(pivot);
  else index.set(cell, new Set([pivot]));
}

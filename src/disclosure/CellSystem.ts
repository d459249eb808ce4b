/**
 * Published counts and the linear relations between them (a total equals the sum of its parts),
 * the shape every disclosure step works on. Cells are numbered; keys are kept so callers can map
 * states back onto table rows.
 */

/** What the public side shows of a cell. */
export const CellState = {
  published: 0,
  /** The count is 1..threshold. */
  primary: 1,
  /** Hidden so that a primary cell cannot be worked out. */
  secondary: 2,
  /** Never published (e.g. the "not known" remainder of a total); its value is unknown but ≥ 0. */
  hidden: 3,
} as const;
export type CellState = (typeof CellState)[keyof typeof CellState];

/** One relation: `total` = Σ `parts`. */
export interface Relation {
  total: number;
  parts: number[];
}

export class CellSystem {
  readonly keys: string[] = [];
  readonly values: number[] = [];
  readonly relations: Relation[] = [];
  readonly #index = new Map<string, number>();
  #byCell: number[][] | null = null;

  /** Adds (or finds) a cell; `value` is the unredacted count. */
  cell(key: string, value: number): number {
    const existing = this.#index.get(key);
    if (existing !== undefined) return existing;
    const id = this.keys.length;
    this.keys.push(key);
    this.values.push(value);
    this.#index.set(key, id);
    this.#byCell = null;
    return id;
  }

  /** The cell with this key, if any. */
  find(key: string): number | undefined {
    return this.#index.get(key);
  }

  get size(): number {
    return this.keys.length;
  }

  /**
   * Records `total = Σ parts`. When the unredacted values do not add up (activity with no known
   * group, say), the difference becomes a hidden remainder cell so the relation stays exact.
   * A relation whose parts exceed the total is not an identity and is not recorded.
   */
  relate(total: number, parts: number[]): void {
    if (parts.length === 0) return;
    const sum = parts.reduce((s, p) => s + (this.values[p] ?? 0), 0);
    const gap = (this.values[total] ?? 0) - sum;
    if (gap < -1e-9) return;
    const all = [...parts];
    if (gap > 1e-9) all.push(this.cell(`remainder:${this.keys[total]}:${this.relations.length}`, gap));
    this.relations.push({ total, parts: all });
    this.#byCell = null;
  }

  /** Relations each cell takes part in. */
  relationsOf(cell: number): readonly number[] {
    if (!this.#byCell) {
      const byCell: number[][] = Array.from({ length: this.size }, () => []);
      this.relations.forEach((relation, r) => {
        byCell[relation.total]?.push(r);
        for (const part of relation.parts) byCell[part]?.push(r);
      });
      this.#byCell = byCell;
    }
    return this.#byCell[cell] ?? [];
  }

  /** True for the remainder cells `relate` adds; they are never published. */
  isRemainder(cell: number): boolean {
    return this.keys[cell]?.startsWith("remainder:") ?? false;
  }

  /** Initial states: remainders hidden, counts of 1..threshold primary, the rest published. */
  primaryStates(threshold: number): Uint8Array {
    const states = new Uint8Array(this.size);
    for (let cell = 0; cell < this.size; cell++) {
      const value = this.values[cell] ?? 0;
      if (this.isRemainder(cell)) states[cell] = CellState.hidden;
      else if (value >= 1 && value <= threshold) states[cell] = CellState.primary;
    }
    return states;
  }
}

import type { Highs } from "highs";
import * as highsModule from "highs";
import { EbiError } from "../errors/index.ts";

/** One linear constraint: `lower ≤ Σ coefficients[k] × x[variables[k]] ≤ upper`. */
export interface LinearRow {
  variables: number[];
  coefficients: number[];
  lower: number;
  upper: number;
}

/** Unknowns with bounds and the linear constraints between them. Bounds may be ±Infinity. */
export interface LinearProblem {
  lower: number[];
  upper: number[];
  rows: LinearRow[];
}

export interface IntervalOptions {
  /** The unknowns are whole numbers: LP bounds are rounded inwards (ceil of min, floor of max). */
  integer?: boolean;
  /**
   * A judge's shortcut: the true value of a target and the width that protects it. When some
   * feasible point puts a target at least `width` above its true value, its interval is that wide
   * whatever the exact min and max, so they are not solved: the interval is reported as
   * [the unknown's own lower bound, that point's value], narrower than or equal to the true one.
   */
  enough?: { value: (target: number) => number | undefined; width: number };
  /**
   * Solve each bound as a mixed-integer programme (every unknown a whole number) instead of an LP
   * rounded inwards: exact where the LP relaxation is loose (e.g. 2a + 3b = 7 allows a = 3.5, yet
   * a whole-number a can only be 2). "auto" does so only in components with a coefficient other
   * than ±1 (trajectory shares, rates × populations, weighted strata): sums of counts with unit
   * coefficients over a hierarchy are where rounding the LP bound inwards is already tight.
   */
  mip?: boolean | "auto";
  /** Solve only the components holding at least one of these unknowns (the rest are known unchanged). */
  within?: ReadonlySet<number>;
}

/** Solver effort, for the benchmark and the release's disclosure report. */
export interface IntervalStats {
  components: number;
  largestComponent: number;
  solves: number;
  seconds: number;
}

type Loader = () => Promise<Highs>;
// The package ships an ES module whose default export is the loader, typed as CommonJS: take the
// loader from whichever shape the module resolved to.
const loaderOf = (m: unknown): Loader => {
  const d = (m as { default?: unknown }).default;
  if (typeof d === "function") return d as Loader;
  return (d as { default: Loader }).default;
};
let solver: Promise<Highs> | undefined;
/** HiGHS (WebAssembly), loaded once per process. */
function highs(): Promise<Highs> {
  solver ??= loaderOf(highsModule)();
  return solver;
}

const TOLERANCE = 1e-6;
const MIP_CAP = 1e9;

/**
 * The tightest interval of each `target` unknown over every point satisfying the problem, by
 * linear programming (HiGHS): min and max of the unknown, one pair of solves per target on the
 * connected component of constraints it belongs to (unknowns linked by no row are independent, so
 * each component is its own small LP). Throws EBI_DISCLOSURE_INCONSISTENT if a component has no
 * solution, which means the published figures contradict the relations assumed between them.
 */
export async function cellIntervals(
  problem: LinearProblem,
  targets: readonly number[],
  options: IntervalOptions = {},
): Promise<{ intervals: Map<number, [number, number]>; stats: IntervalStats }> {
  const started = performance.now();
  const lib = await highs();
  const n = problem.lower.length;
  const parent = componentOf(problem);
  const find = (v: number): number => parent[v] as number;
  const wanted = new Set(targets);
  const members = new Map<number, number[]>();
  for (let v = 0; v < n; v++) {
    const root = find(v);
    const list = members.get(root);
    if (list) list.push(v);
    else members.set(root, [v]);
  }
  const rowsOf = new Map<number, LinearRow[]>();
  for (const row of problem.rows) {
    const first = row.variables[0];
    if (first === undefined) continue;
    const root = find(first);
    const list = rowsOf.get(root);
    if (list) list.push(row);
    else rowsOf.set(root, [row]);
  }

  const intervals = new Map<number, [number, number]>();
  const stats: IntervalStats = { components: 0, largestComponent: 0, solves: 0, seconds: 0 };
  const round = (value: number, up: boolean) =>
    !options.integer || !Number.isFinite(value)
      ? value
      : up
        ? Math.ceil(value - TOLERANCE)
        : Math.floor(value + TOLERANCE);

  for (const [root, vars] of members) {
    const goals = vars.filter((v) => wanted.has(v));
    if (goals.length === 0) continue;
    const within = options.within;
    if (within && !vars.some((v) => within.has(v))) continue;
    const rows = rowsOf.get(root) ?? [];
    stats.components++;
    stats.largestComponent = Math.max(stats.largestComponent, vars.length);
    if (rows.length === 0) {
      for (const v of goals)
        intervals.set(v, [round(problem.lower[v] ?? 0, true), round(problem.upper[v] ?? Infinity, false)]);
      continue;
    }
    const mip =
      options.mip === "auto"
        ? rows.some((r) => r.coefficients.some((c) => Math.abs(Math.abs(c) - 1) > 1e-12))
        : options.mip === true;
    const column = new Map(vars.map((v, i) => [v, i] as const));
    const starts = [0];
    const indices: number[] = [];
    const values: number[] = [];
    for (const row of rows) {
      row.variables.forEach((v, k) => {
        indices.push(column.get(v) as number);
        values.push(row.coefficients[k] ?? 0);
      });
      starts.push(indices.length);
    }
    const finite = (x: number) => (x === Infinity ? lib.infinity : x === -Infinity ? -lib.infinity : x);
    // A MIP solver reports an unbounded integer max unreliably: cap columns far above any count.
    const columnUpper = (x: number) => (mip ? Math.min(x, MIP_CAP) : finite(x));
    const model = lib.createModel({
      numCols: vars.length,
      numRows: rows.length,
      colCost: new Float64Array(vars.length),
      colLower: vars.map((v) => finite(problem.lower[v] ?? 0)),
      colUpper: vars.map((v) => columnUpper(problem.upper[v] ?? Infinity)),
      rowLower: rows.map((r) => finite(r.lower)),
      rowUpper: rows.map((r) => finite(r.upper)),
      ...(mip ? { integrality: new Int32Array(vars.length).fill(1) } : {}),
      matrix: {
        format: "csr",
        numRows: rows.length,
        numCols: vars.length,
        starts: Int32Array.from(starts),
        indices: Int32Array.from(indices),
        values: Float64Array.from(values),
      },
    });
    try {
      // Presolve off: each solve then starts from the last basis, a few pivots away.
      // Primal simplex: after an objective change the last basis is still feasible, so it goes on
      // from there rather than starting over.
      model.options.set(
        mip
          ? { output_flag: false, mip_rel_gap: 0, mip_abs_gap: 0 }
          : { output_flag: false, presolve: "off", simplex_strategy: 4 },
      );
      const all = { kind: "range" as const, from: 0, to: vars.length - 1 };
      let remaining = goals;
      const enough = options.enough;
      if (enough) {
        // Batch witnesses: maximise the sum of the targets still open; each whose value in that one
        // solution is already `width` above its true value is protected, whatever its exact max.
        model.changeObjectiveSense(lib.constants.objectiveSense.maximize);
        for (let pass = 0; pass < 4 && remaining.length > 0; pass++) {
          const costs = new Float64Array(vars.length);
          for (const v of remaining) costs[column.get(v) as number] = 1;
          model.changeColsCost(all, costs);
          model.run();
          stats.solves++;
          if (model.getModelStatus() !== lib.constants.modelStatus.optimal) break;
          const values = model.getSolution().colValue;
          const open: number[] = [];
          for (const v of remaining) {
            const known = enough.value(v);
            const reached = values[column.get(v) as number] ?? 0;
            if (known !== undefined && reached - known >= enough.width - TOLERANCE)
              intervals.set(v, [(problem.lower[v] ?? 0) + 0, round(reached, false) + 0]);
            else open.push(v);
          }
          if (open.length === remaining.length) break;
          remaining = open;
        }
        model.changeColsCost(all, new Float64Array(vars.length));
      }
      let previous: number | null = null;
      // Each max solve's point is a witness for the targets still to come: any it already lifts
      // `width` above its true value is protected without a solve of its own.
      const settledBy = new Set<number>();
      for (const v of remaining) {
        if (settledBy.has(v)) continue;
        const col = column.get(v) as number;
        if (previous !== null) model.changeColCost(previous, 0);
        model.changeColCost(col, 1);
        previous = col;
        const bound = (sense: "minimize" | "maximize"): number => {
          model.changeObjectiveSense(lib.constants.objectiveSense[sense]);
          model.run();
          stats.solves++;
          const status = model.getModelStatus();
          if (status === lib.constants.modelStatus.optimal) {
            const value = model.getObjectiveValue();
            return mip && Math.abs(value) >= MIP_CAP / 2 ? Math.sign(value) * Infinity : value;
          }
          if (status === lib.constants.modelStatus.unbounded)
            return sense === "maximize" ? Infinity : -Infinity;
          if (
            status === lib.constants.modelStatus.infeasible ||
            status === lib.constants.modelStatus.unboundedOrInfeasible
          )
            throw new EbiError(
              "EBI_DISCLOSURE_INCONSISTENT",
              "The published figures contradict the relations between them: no set of hidden values satisfies them.",
              { unknowns: vars.length, relations: rows.length },
            );
          throw new EbiError("EBI_INTERNAL", `The LP solver stopped with status ${status}.`);
        };
        const high = bound("maximize");
        const known = options.enough?.value(v);
        if (enough && model.getModelStatus() === lib.constants.modelStatus.optimal) {
          const point = model.getSolution().colValue;
          for (const other of remaining) {
            if (other === v || settledBy.has(other) || intervals.has(other)) continue;
            const truth = enough.value(other);
            const reached = point[column.get(other) as number] ?? 0;
            if (truth !== undefined && reached - truth >= enough.width - TOLERANCE) {
              settledBy.add(other);
              intervals.set(other, [(problem.lower[other] ?? 0) + 0, round(reached, false) + 0]);
            }
          }
        }
        // The min is not needed when the max alone settles it: far enough above the true value
        // (protected), or not even `width` above the unknown's own lower bound (exposed).
        const floor = problem.lower[v] ?? 0;
        const settled =
          known !== undefined &&
          options.enough !== undefined &&
          (high - known >= options.enough.width - TOLERANCE ||
            high - floor < options.enough.width - TOLERANCE);
        const low = settled ? floor : bound("minimize");
        // + 0 turns a −0 from rounding into 0.
        intervals.set(v, [round(low, true) + 0, round(high, false) + 0]);
      }
    } finally {
      model.dispose();
    }
  }
  stats.seconds = (performance.now() - started) / 1000;
  return { intervals, stats };
}

/** True when an interval protects a hidden count under `threshold`: at least threshold + 1 wide and not inside 1..threshold. */
export function protects(interval: readonly [number, number], threshold: number): boolean {
  const [low, high] = interval;
  const insideSmall = low >= 1 && high <= threshold;
  return high - low >= threshold + 1 - TOLERANCE && !insideSmall;
}

/**
 * The problem with some unknowns fixed to known values (a reader who holds those counts): each
 * fixed unknown moves into its rows' bounds, leaving it in no row. `touched` holds the unknowns
 * still in a row that lost a fixed one: only their components can have changed, since a row that
 * held no fixed unknown is as it was and a fixed unknown links nothing any more.
 */
export function fixUnknowns(
  problem: LinearProblem,
  fixed: ReadonlyMap<number, number>,
): { problem: LinearProblem; touched: Set<number> } {
  const touched = new Set<number>();
  const rows: LinearRow[] = [];
  for (const row of problem.rows) {
    if (!row.variables.some((v) => fixed.has(v))) {
      rows.push(row);
      continue;
    }
    const variables: number[] = [];
    const coefficients: number[] = [];
    let constant = 0;
    row.variables.forEach((v, k) => {
      const c = row.coefficients[k] ?? 0;
      const value = fixed.get(v);
      if (value === undefined) {
        variables.push(v);
        coefficients.push(c);
      } else constant += c * value;
    });
    if (variables.length === 0) continue;
    for (const v of variables) touched.add(v);
    rows.push({ variables, coefficients, lower: row.lower - constant, upper: row.upper - constant });
  }
  const lower = [...problem.lower];
  const upper = [...problem.upper];
  for (const [v, value] of fixed) {
    lower[v] = value;
    upper[v] = value;
  }
  return { problem: { lower, upper, rows }, touched };
}

/** The connected component (a root unknown) of every unknown: unknowns meet only through rows. */
export function componentOf(problem: LinearProblem): Int32Array {
  const parent = Int32Array.from({ length: problem.lower.length }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      const up = parent[parent[x] as number] as number;
      parent[x] = up;
      x = up;
    }
    return x;
  };
  for (const row of problem.rows) {
    const first = row.variables[0];
    if (first === undefined) continue;
    for (const v of row.variables) {
      const a = find(first);
      const b = find(v);
      if (a !== b) parent[b] = a;
    }
  }
  for (let v = 0; v < parent.length; v++) parent[v] = find(v);
  return parent;
}

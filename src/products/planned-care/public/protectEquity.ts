import type { LinearProblem } from "../../../disclosure/cellIntervals.ts";
import {
  CellState,
  CellSystem,
  cellIntervals,
  findRecoverableCells,
  protects,
  secondarySuppression,
} from "../../../disclosure/index.ts";
import { smallestPublished } from "../../../disclosure/secondarySuppression.ts";
import { EbiError } from "../../../errors/index.ts";
import type { EquityCell } from "../equityFigures.ts";

/** An equity cell as published: its count and rate hidden (null, `suppressed`) when the count is or would reveal 1..threshold. */
export interface PublicEquityCell extends Omit<EquityCell, "spells"> {
  spells: number | null;
  suppressed: boolean;
}

/** What protection did, for the build's manifest. */
export interface EquityProtection {
  threshold: number;
  cells: number;
  primary: number;
  secondary: number;
  /** Extra cells hidden because the attacker's interval of a small count was too narrow. */
  widened: number;
  lpSeconds: number;
}

const cellKey = (
  c: Pick<EquityCell, "group_id" | "fyear" | "level" | "org_code" | "dimension" | "group_code">,
) =>
  // The unknown quintile is the unknown decile: one count, one cell.
  `${c.group_id}|${c.fyear}|${c.level}|${c.org_code}|${c.dimension === "imd_quintile" && c.group_code === "unknown" ? "imd_decile" : c.dimension}|${c.group_code}`;

/**
 * The relations a reader can use: within a group, year and commissioner, total = Σ IMD deciles =
 * Σ quintiles = Σ age bands = Σ sexes = Σ ethnic groups, and quintile q = deciles 2q − 1 + 2q; across
 * commissioners, England = Σ regions and region = Σ its ICBs, cell by cell.
 */
export function equityCellSystem(
  cells: readonly EquityCell[],
  parentOf: ReadonlyMap<string, string>,
): { system: CellSystem; index: number[] } {
  const system = new CellSystem();
  const index = cells.map((c) => system.cell(cellKey(c), c.spells));
  const byUnit = new Map<string, EquityCell[]>();
  for (const c of cells) {
    const k = `${c.group_id}|${c.fyear}|${c.level}|${c.org_code}`;
    const list = byUnit.get(k);
    if (list) list.push(c);
    else byUnit.set(k, [c]);
  }
  for (const unit of byUnit.values()) {
    const total = unit.find((c) => c.dimension === "total");
    if (!total) continue;
    const id = (c: EquityCell) => system.find(cellKey(c)) as number;
    for (const dimension of ["imd_decile", "imd_quintile", "age_band", "sex", "ethnic_group"] as const) {
      const parts = unit.filter((c) => c.dimension === dimension).map(id);
      system.relate(id(total), [...new Set(parts)]);
    }
    for (let q = 1; q <= 5; q++) {
      const quintile = unit.find((c) => c.dimension === "imd_quintile" && c.group_code === String(q));
      const deciles = unit.filter(
        (c) => c.dimension === "imd_decile" && Math.ceil(Number(c.group_code) / 2) === q,
      );
      if (quintile) system.relate(id(quintile), deciles.map(id));
    }
  }
  // Hierarchy: each parent's cell = Σ its children's.
  const children = new Map<string, number[]>();
  for (const c of cells) {
    const parent = parentOf.get(`${c.level}|${c.org_code}`);
    if (!parent) continue;
    const k = cellKey({
      ...c,
      level: parent.split("|")[0] as string,
      org_code: parent.split("|")[1] as string,
    });
    const list = children.get(k);
    const me = system.find(cellKey(c)) as number;
    if (list) {
      if (!list.includes(me)) list.push(me);
    } else children.set(k, [me]);
  }
  for (const [k, parts] of children) {
    const total = system.find(k);
    if (total !== undefined) system.relate(total, parts);
  }
  return { system, index };
}

/** The attacker's linear problem: hidden cells are unknowns ≥ 0, each relation an equality on what is published. */
function attackProblem(
  system: CellSystem,
  states: Uint8Array,
): { problem: LinearProblem; variableOf: Map<number, number> } {
  const variableOf = new Map<number, number>();
  const problem: LinearProblem = { lower: [], upper: [], rows: [] };
  for (let cell = 0; cell < system.size; cell++)
    if (states[cell] !== CellState.published) {
      variableOf.set(cell, problem.lower.length);
      problem.lower.push(0);
      problem.upper.push(Number.POSITIVE_INFINITY);
    }
  for (const { total, parts } of system.relations) {
    const variables: number[] = [];
    const coefficients: number[] = [];
    let constant = 0;
    const add = (cell: number, sign: number) => {
      const v = variableOf.get(cell);
      if (v === undefined) constant -= sign * (system.values[cell] ?? 0);
      else {
        variables.push(v);
        coefficients.push(sign);
      }
    };
    add(total, 1);
    for (const p of parts) add(p, -1);
    if (variables.length > 0)
      problem.rows.push({ variables, coefficients, lower: constant, upper: constant });
  }
  return { problem, variableOf };
}

/**
 * Hides a cell above the threshold in every relation of `cell`, so its unknowns can no longer sum
 * small; when none of its relations has one left, looks one relation further out, through the hidden
 * cells it is tied to (up to four steps). Returns how many cells it hid.
 */
function widen(system: CellSystem, states: Uint8Array, cell: number, threshold: number): number {
  let frontier = [cell];
  const seen = new Set<number>(frontier);
  for (let depth = 0; depth < 4 && frontier.length > 0; depth++) {
    let hid = 0;
    const next: number[] = [];
    for (const c of frontier)
      for (const r of system.relationsOf(c)) {
        const relation = system.relations[r];
        if (!relation) continue;
        const members = [relation.total, ...relation.parts];
        const extra = smallestPublished(
          system,
          states,
          members.filter((m) => states[m] === CellState.published && (system.values[m] ?? 0) > threshold),
        );
        if (extra !== undefined) {
          states[extra] = CellState.secondary;
          hid++;
        }
        for (const m of members)
          if (states[m] !== CellState.published && !seen.has(m)) {
            seen.add(m);
            next.push(m);
          }
      }
    if (hid > 0) return hid;
    frontier = next;
  }
  return 0;
}

/**
 * Primary suppression of counts 1..threshold, secondary suppression until no relation has a lone
 * hidden member, then the attacker's test: by linear programming (HiGHS) the tightest interval
 * each small count can be given from everything published; while one is narrower than
 * threshold + 1, a further cell in its relations is hidden. Rates go with their counts; a
 * "remainder" (activity with no known commissioner) is never published. Fails rather than
 * publish a recoverable count. The same cells in any order are protected the same way.
 */
export async function protectEquity(
  cells: readonly EquityCell[],
  parentOf: ReadonlyMap<string, string>,
  threshold: number,
): Promise<{ cells: PublicEquityCell[]; protection: EquityProtection }> {
  // Built in key order, so that which cells secondary suppression picks does not depend on the order rows came in.
  const sorted = [...cells].sort((a, b) => {
    const ka = cellKey(a);
    const kb = cellKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const { system } = equityCellSystem(sorted, parentOf);
  const index = cells.map((c) => system.find(cellKey(c)) as number);
  const states = new Uint8Array(system.size);
  let primary = 0;
  for (let cell = 0; cell < system.size; cell++) {
    const value = system.values[cell] ?? 0;
    if (system.keys[cell]?.startsWith("remainder:")) states[cell] = CellState.hidden;
    else if (value >= 1 && value <= threshold) {
      states[cell] = CellState.primary;
      primary++;
    }
  }
  secondarySuppression(system, states);
  let widened = 0;
  let lpSeconds = 0;
  let lastExposed: string[] = [];
  for (let round = 0; round < 50; round++) {
    const { problem, variableOf } = attackProblem(system, states);
    const small = [...variableOf.entries()].filter(([cell]) => states[cell] === CellState.primary);
    if (small.length === 0) break;
    const cellOfVariable = new Map([...variableOf.entries()].map(([c, v]) => [v, c]));
    const { intervals, stats } = await cellIntervals(
      problem,
      small.map(([, v]) => v),
      {
        integer: true,
        enough: { value: (v) => system.values[cellOfVariable.get(v) ?? -1], width: threshold + 1 },
      },
    );
    lpSeconds += stats.seconds;
    const exposed = small.filter(([, v]) => !protects(intervals.get(v) ?? [0, 0], threshold)).map(([c]) => c);
    if (exposed.length === 0) break;
    lastExposed = exposed.map((c) => {
      const v = variableOf.get(c) as number;
      return `${system.keys[c]}=${system.values[c]} in [${intervals.get(v)?.join(", ")}]`;
    });
    for (const cell of exposed) widened += widen(system, states, cell, threshold);
    secondarySuppression(system, states);
    if (round === 49)
      throw new EbiError(
        "EBI_DISCLOSURE_UNSAFE",
        `Planned-care equity: ${lastExposed.length} small counts stay narrowable after 50 rounds of suppression (first ${lastExposed.slice(0, 3).join("; ")}).`,
      );
  }
  // An independent check: no hidden cell is pinned by bounds or by the relations' rank.
  const published = Array.from(system.values, (v, i) => (states[i] === CellState.published ? v : null));
  const recovered = findRecoverableCells(system.relations, {
    published,
    lower: published.map(() => 0),
    upper: published.map(() => Number.POSITIVE_INFINITY),
  }).filter((c) => (system.values[c] ?? 0) >= 1 && (system.values[c] ?? 0) <= threshold);
  if (recovered.length > 0)
    throw new EbiError(
      "EBI_DISCLOSURE_UNSAFE",
      `Planned-care equity: ${recovered.length} hidden small counts can be worked out (first ${system.keys[recovered[0] as number]}).`,
    );
  let secondary = 0;
  for (let cell = 0; cell < system.size; cell++) if (states[cell] === CellState.secondary) secondary++;
  const out: PublicEquityCell[] = cells.map((c, i) =>
    states[index[i] as number] !== CellState.published
      ? { ...c, spells: null, rate: null, lower: null, upper: null, suppressed: true }
      : { ...c, suppressed: false },
  );
  return {
    cells: out,
    protection: {
      threshold,
      cells: system.size,
      primary,
      secondary,
      widened,
      lpSeconds: Math.round(lpSeconds * 1000) / 1000,
    },
  };
}

import { EbiError } from "../errors/index.ts";
import type {
  BaselineRow,
  EquityRow,
  MonthlyRow,
  OrganisationRow,
  Suppression,
  TrajectoryRow,
  VariationRow,
} from "../release/tables.ts";
import { auditPublicRelease } from "./auditPublicRelease.ts";
import { CellState, type CellSystem } from "./CellSystem.ts";
import { findRecoverableCells, type PublicView } from "./findRecoverableCells.ts";
import { cellKey, groupByIntervention, releaseCellSystem } from "./releaseCellSystem.ts";
import { secondarySuppression, smallestPublished } from "./secondarySuppression.ts";

/** The tables of a release, registered (full) or public (protected): rows as in src/release/tables.ts. */
export interface ReleaseTables {
  organisations: OrganisationRow[];
  monthly: MonthlyRow[];
  baselines: BaselineRow[];
  trajectory: TrajectoryRow[];
  variation: VariationRow[];
  equity: EquityRow[];
}

export interface DisclosureOptions {
  /** Counts from 1 to this are redacted (default 5). */
  threshold?: number;
}

export interface DisclosureReport {
  threshold: number;
  method: string;
  cells: number;
  primary: number;
  secondary: number;
  /** Extra rounds in which the independent check found a recoverable cell and more was hidden. */
  repairRounds: number;
}

export const disclosureMethod =
  "Counts of 1 to the threshold redacted (primary); further counts hidden (secondary) until no relation " +
  "published beside them (hierarchy totals, months within a period, groups within a breakdown, IMD quintiles " +
  "of deciles) has a lone unknown; figures computed from a hidden count hidden with it (derived); then an " +
  "independent check by bounds and linear algebra that no redacted count can be worked out.";

const MAX_REPAIR_ROUNDS = 25;

/**
 * Writes the public side of a release: copies of the registered tables with small counts redacted,
 * secondary suppression across every published total, and figures derived from hidden counts hidden
 * too. Throws EBI_DISCLOSURE_RECOVERABLE if any redacted count can still be worked out.
 */
export function protectRelease(
  registered: ReleaseTables,
  options: DisclosureOptions = {},
): { tables: ReleaseTables; report: DisclosureReport } {
  const threshold = options.threshold ?? 5;
  const report: DisclosureReport = {
    threshold,
    method: disclosureMethod,
    cells: 0,
    primary: 0,
    secondary: 0,
    repairRounds: 0,
  };
  const hidden = new Map<string, Suppression>(); // `${intervention}|${cellKey}` → why
  for (const [intervention, counts] of groupByIntervention(registered)) {
    const system = releaseCellSystem(counts, registered.organisations);
    const states = system.primaryStates(threshold);
    secondarySuppression(system, states);
    report.repairRounds += repairUntilSafe(system, states, intervention);
    for (let cell = 0; cell < system.size; cell++) {
      const state = states[cell];
      if (system.isRemainder(cell)) continue;
      report.cells++;
      if (state === CellState.primary) report.primary++;
      if (state === CellState.secondary) report.secondary++;
      if (state === CellState.primary || state === CellState.secondary)
        hidden.set(`${intervention}|${system.keys[cell]}`, "redacted");
    }
  }
  const tables = applySuppression(registered, hidden);
  const problems = auditPublicRelease(registered, tables, threshold);
  if (problems.length > 0) {
    throw new EbiError(
      "EBI_DISCLOSURE_RECOVERABLE",
      `The public release would disclose small counts: ${problems.slice(0, 3).join("; ")}`,
      { problems: problems.slice(0, 50) },
    );
  }
  return { tables, report };
}

/** Hides one more cell beside each primary the independent check recovers, until none is. */
function repairUntilSafe(system: CellSystem, states: Uint8Array, intervention: string): number {
  let recovered: number[] = [];
  for (let round = 0; round < MAX_REPAIR_ROUNDS; round++) {
    recovered = findRecoverableCells(system.relations, viewOf(system, states)).filter(
      (cell) => states[cell] === CellState.primary,
    );
    if (recovered.length === 0) return round;
    for (const cell of recovered) {
      const extra = nearestPublished(system, states, cell);
      if (extra !== undefined) states[extra] = CellState.secondary;
    }
    secondarySuppression(system, states);
  }
  throw new EbiError(
    "EBI_DISCLOSURE_RECOVERABLE",
    `Secondary suppression for ${intervention} did not converge in ${MAX_REPAIR_ROUNDS} rounds.`,
    {
      intervention,
      cells: recovered.slice(0, 5).map((cell) => ({
        cell: system.keys[cell],
        relations: system.relationsOf(cell).map((r) => {
          const relation = system.relations[r];
          return relation
            ? [relation.total, ...relation.parts].map(
                (c) => `${system.keys[c]}=${system.values[c]}:${states[c]}`,
              )
            : [];
        }),
      })),
    },
  );
}

/**
 * The published cell to hide next to protect `cell`: the smallest non-zero one in the cell's own
 * relations, else in relations reached through hidden cells (a value can be pinned through a chain
 * of hidden totals), else a zero, which still adds an unknown. Hiding a zero cannot widen a range
 * whose other members are all ≥ 0, so non-zero cells come first.
 */
function nearestPublished(system: CellSystem, states: Uint8Array, cell: number): number | undefined {
  for (const nonZeroOnly of [true, false]) {
    const seen = new Set<number>([cell]);
    let frontier = [cell];
    for (let depth = 0; depth < 6 && frontier.length > 0; depth++) {
      const next: number[] = [];
      for (const current of frontier) {
        for (const r of system.relationsOf(current)) {
          const relation = system.relations[r];
          if (!relation) continue;
          const members = [...relation.parts, relation.total];
          const candidates = nonZeroOnly ? members.filter((c) => (system.values[c] ?? 0) > 0) : members;
          const found = smallestPublished(system, states, candidates);
          if (found !== undefined) return found;
          for (const m of members)
            if (!seen.has(m) && states[m] !== CellState.published) {
              seen.add(m);
              next.push(m);
            }
        }
      }
      frontier = next;
    }
  }
  return undefined;
}

/**
 * What a reader of the public tables knows: the published values, and for a redacted count only
 * that it is ≥ 0, because small and protecting counts carry the same marker.
 */
export function viewOf(system: CellSystem, states: Uint8Array): PublicView {
  const published: (number | null)[] = [];
  for (let cell = 0; cell < system.size; cell++)
    published.push(states[cell] === CellState.published ? (system.values[cell] ?? 0) : null);
  return {
    published,
    lower: published.map(() => 0),
    upper: published.map(() => Number.POSITIVE_INFINITY),
  };
}

/** Copies the tables, nulling every hidden count and every figure computed from one. */
function applySuppression(registered: ReleaseTables, hidden: Map<string, Suppression>): ReleaseTables {
  const why = (intervention: string, key: string): Suppression =>
    hidden.get(`${intervention}|${key}`) ?? null;
  const monthly = registered.monthly.map((row) => {
    const reason = why(row.intervention_id, cellKey.monthly(row));
    return reason ? { ...row, spells: null, suppressed: reason } : { ...row };
  });
  const baselineHidden = new Set<string>();
  const baselines = registered.baselines.map((row) => {
    const base = why(row.intervention_id, cellKey.baseline(row));
    const latest = why(row.intervention_id, cellKey.latest(row));
    let out: BaselineRow = { ...row };
    if (base) {
      baselineHidden.add(`${row.intervention_id}|${row.level}|${row.org_code}`);
      out = {
        ...out,
        baseline_spells: null,
        crude_rate: null,
        dsr: null,
        dsr_lower: null,
        dsr_upper: null,
        goal_rate: null,
        goal_spells: null,
        opportunity_spells: null,
        progress: null,
        baseline_cost: null,
        opportunity_cost: null,
      };
    }
    if (latest) out = { ...out, latest_spells: null, latest_dsr: null, progress: null };
    const reason = base ?? latest;
    return reason ? { ...out, suppressed: reason } : out;
  });
  // A trajectory month spreads the goal by a seasonal profile, so it can reveal its baseline month.
  const baselineOf = new Map(
    registered.baselines.map((b) => [`${b.intervention_id}|${b.level}|${b.org_code}`, b]),
  );
  const trajectory = registered.trajectory.map((row) => {
    const baseline = baselineOf.get(`${row.intervention_id}|${row.level}|${row.org_code}`);
    const monthOfYear = row.month.slice(5, 7);
    const baselineMonth = baseline
      ? [...monthsBetween(baseline.baseline_start, baseline.baseline_end)].find(
          (m) => m.slice(5, 7) === monthOfYear,
        )
      : undefined;
    const hiddenRow = baselineHidden.has(`${row.intervention_id}|${row.level}|${row.org_code}`);
    const hiddenMonth =
      baselineMonth !== undefined &&
      why(
        row.intervention_id,
        cellKey.monthly({ level: row.level, org_code: row.org_code, month: baselineMonth }),
      ) !== null;
    return hiddenRow || hiddenMonth
      ? { ...row, goal_spells: null, suppressed: "derived" as const }
      : { ...row };
  });
  const equity = registered.equity.map((row) => {
    const reason = why(row.intervention_id, cellKey.equity(row));
    return reason
      ? { ...row, spells: null, crude_rate: null, dsr: null, lower: null, upper: null, suppressed: reason }
      : { ...row };
  });
  return {
    organisations: registered.organisations.map((o) => ({ ...o })),
    variation: registered.variation.map((v) => ({ ...v })),
    monthly,
    baselines,
    trajectory,
    equity,
  };
}

/** First days of the months from `start` to `end` inclusive ('YYYY-MM-DD'). */
export function* monthsBetween(start: string, end: string): Generator<string> {
  let year = Number(start.slice(0, 4));
  let month = Number(start.slice(5, 7));
  for (;;) {
    const value = `${year}-${String(month).padStart(2, "0")}-01`;
    if (value > end) return;
    yield value;
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
}

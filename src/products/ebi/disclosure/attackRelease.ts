import {
  cellIntervals,
  componentOf,
  fixUnknowns,
  type IntervalStats,
  type LinearProblem,
  protects,
} from "../../../disclosure/cellIntervals.ts";
import { type InsiderScope, orgOfCell } from "../../../disclosure/insiderScopes.ts";
import { EbiError } from "../../../errors/index.ts";
import { cellKeyOf } from "../../../release/declareTable.ts";
import type { BaselineRow, EquityRow, OrgLevel } from "../release/tables.ts";
import { auditPublicRelease } from "./auditPublicRelease.ts";
import { declaredCountTables, declaredSums } from "./declaredCountTables.ts";
import type { ReleaseTables } from "./protectRelease.ts";
import { publicGoals, publicTrajectory, publicVariation } from "./publicFigures.ts";
import { cellKey } from "./releaseCellSystem.ts";

/**
 * The attacker: everything a reader of the public tables can work out about each hidden count.
 * It reads the public tables alone (the registered side only tells it which sums are exact
 * identities, which a careful attacker would assume anyway) and derives its own relations:
 * commissioner hierarchy, England = Σ providers, periods = Σ months, breakdowns = period totals,
 * IMD quintiles = deciles, published rates × published populations, and the goal trajectory.
 * Then, by linear programming (HiGHS), the least and greatest value every hidden count can take
 * given all of them at once, non-negativity and whole numbers. Figures that are not counts
 * (percentiles, goals, opportunities, money, progress, trajectory) must be what the published
 * figures alone produce; any that is not is reported, and its channel is attacked too.
 */

export interface AttackOptions {
  threshold: number;
  rounding: number | null;
  /** The goal percentile the release used (manifest `goal.percentile`). */
  goalPercentile: number;
  /** Registered count tables: which published sums are exact (an attacker is assumed to know). */
  registered?: Pick<ReleaseTables, "monthly" | "baselines" | "equity"> &
    Partial<Pick<ReleaseTables, "quarterly">>;
  /**
   * Which hidden counts to bound (`${intervention}|${cellKey}`); all when absent. A judge that knows
   * the true values need only bound the small ones: any other count's true value lies in its
   * interval, so that interval can never sit inside 1..threshold.
   */
  targets?: (id: string) => boolean;
  /** With `targets`: each target's true value, so a max far enough above it settles the interval. */
  truth?: (id: string) => number | undefined;
  /**
   * Registered scopes to attack as insiders: for each, the scope's own counts are fixed to their
   * true values (`truth`) and the hidden counts outside it are bounded again (those `targets` allows).
   */
  insiders?: readonly InsiderScope[];
  /** With `insiders`: skip the public attack (already passed) and attack as the insiders only. */
  insidersOnly?: boolean;
  /**
   * With `insiders`: which hidden counts each scope bounds again (`scope`, `${intervention}|${cellKey}`),
   * on top of `targets`; all when absent. A repair round re-checks only what the last round exposed.
   */
  insiderTargets?: (scope: string, id: string) => boolean;
  /**
   * With `insiders`: attack every scope on every hidden count outside it, in every component, as
   * a reference for the shortcuts (false). By default a scope is skipped for a count outside a
   * larger scope that holds it too (that scope's holder knows more, so finds at least as much),
   * and only components its counts touch are solved again.
   */
  insiderShortcuts?: boolean;
  /** Bound by mixed-integer programming instead of LP rounded inwards (slower, exact for whole counts). */
  mip?: boolean;
}

/** What one scope's insider can work out about the hidden counts outside the scope, for one intervention. */
export interface InsiderAttack {
  scope: string;
  intervention: string;
  /** Counts of the scope that the public side hides or rounds, and that the insider knows. */
  known: number;
  /** Hidden counts outside the scope whose bounds the known ones can change, and were bounded again. */
  targets: number;
  solves: number;
  /** `${intervention}|${cellKey}` → [min, max] with the scope's counts known. */
  intervals: Map<string, [number, number]>;
}

export interface AttackResult {
  /** `${intervention}|${cellKey}` of every hidden count → the tightest [min, max] the attacker finds. */
  intervals: Map<string, [number, number]>;
  /** Public figures that are not computed from published figures alone, in words. */
  notFromPublished: string[];
  stats: IntervalStats & { interventions: number; hidden: number };
  /** One entry per scope and intervention where the scope's counts touch a hidden count outside it. */
  insider: InsiderAttack[];
}

type Term = { variable: number } | { constant: number };

/** The unknowns of one intervention: hidden counts, and published counts known only to a rounding band. */
class Unknowns {
  readonly problem: LinearProblem = { lower: [], upper: [], rows: [] };
  readonly hidden: { key: string; variable: number }[] = [];
  readonly #terms = new Map<string, Term>();

  constructor(
    private readonly threshold: number,
    private readonly rounding: number | null,
  ) {}

  /** Registers a count as the public side shows it (null = hidden). */
  count(key: string, published: number | null): void {
    if (this.#terms.has(key)) return;
    if (published === null) {
      const variable = this.#variable(0, Infinity);
      this.hidden.push({ key, variable });
      this.#terms.set(key, { variable });
    } else if (this.rounding && published !== 0) {
      const half = Math.floor(this.rounding / 2);
      // A published rounded count stands for a true count in its rounding band that was not small.
      this.#terms.set(key, {
        variable: this.#variable(Math.max(this.threshold + 1, published - half), published + half),
      });
    } else this.#terms.set(key, { constant: published });
  }

  term(key: string): Term | undefined {
    return this.#terms.get(key);
  }

  /** Every count that is an unknown (hidden, or published only to a rounding band), with its variable. */
  *variables(): Generator<[string, number]> {
    for (const [key, term] of this.#terms) if ("variable" in term) yield [key, term.variable];
  }

  #variable(lower: number, upper: number): number {
    this.problem.lower.push(lower);
    this.problem.upper.push(upper);
    return this.problem.lower.length - 1;
  }

  /** Adds `lower ≤ Σ weight × cell ≤ upper`; skipped when a cell is not published at all or nothing in it is unknown. */
  row(cells: readonly [string, number][], lower: number, upper: number): void {
    const variables: number[] = [];
    const coefficients: number[] = [];
    let constant = 0;
    for (const [key, weight] of cells) {
      const term = this.#terms.get(key);
      if (!term) return;
      if ("constant" in term) constant += weight * term.constant;
      else {
        variables.push(term.variable);
        coefficients.push(weight);
      }
    }
    if (variables.length === 0) return;
    this.problem.rows.push({ variables, coefficients, lower: lower - constant, upper: upper - constant });
  }

  /** `total = Σ parts` when exact, else `total ≥ Σ parts` (activity with no known part). */
  sum(total: string, parts: readonly string[], exact: boolean): void {
    if (parts.length === 0) return;
    this.row([[total, 1], ...parts.map((p) => [p, -1] as [string, number])], 0, exact ? 0 : Infinity);
  }
}

const childLevel: Partial<Record<OrgLevel, OrgLevel>> = { england: "region", region: "icb", icb: "sub_icb" };

/** Runs the attack on a public release; see the file comment. */
export async function attackRelease(published: ReleaseTables, options: AttackOptions): Promise<AttackResult> {
  const result: AttackResult = {
    intervals: new Map(),
    notFromPublished: [],
    stats: { components: 0, largestComponent: 0, solves: 0, seconds: 0, interventions: 0, hidden: 0 },
    insider: [],
  };
  const registeredValue = new Map<string, number>();
  if (options.registered) {
    for (const r of options.registered.monthly)
      if (r.spells !== null) registeredValue.set(`${r.intervention_id}|${cellKey.monthly(r)}`, r.spells);
    for (const r of options.registered.baselines) {
      if (r.baseline_spells !== null)
        registeredValue.set(`${r.intervention_id}|${cellKey.baseline(r)}`, r.baseline_spells);
      if (r.latest_spells !== null)
        registeredValue.set(`${r.intervention_id}|${cellKey.latest(r)}`, r.latest_spells);
    }
    for (const r of options.registered.equity)
      if (r.spells !== null) registeredValue.set(`${r.intervention_id}|${cellKey.equity(r)}`, r.spells);
    for (const [id, key, value] of declaredCells(options.registered))
      if (value !== null) registeredValue.set(`${id}|${key}`, value);
  }

  const children = new Map<string, string[]>();
  for (const o of published.organisations) {
    if (!o.parent_code || o.level === "provider") continue;
    const parent = published.organisations.find(
      (p) => p.org_code === o.parent_code && childLevel[p.level] === o.level,
    );
    if (!parent) continue;
    const k = `${parent.level}|${parent.org_code}`;
    children.set(k, [...(children.get(k) ?? []), o.org_code]);
  }
  const providers = published.organisations.filter((o) => o.level === "provider").map((o) => o.org_code);

  const byIntervention = <T extends { intervention_id: string }>(rows: readonly T[]) => {
    const map = new Map<string, T[]>();
    for (const row of rows) {
      const list = map.get(row.intervention_id);
      if (list) list.push(row);
      else map.set(row.intervention_id, [row]);
    }
    return map;
  };
  const monthlyBy = byIntervention(published.monthly);
  const baselinesBy = byIntervention(published.baselines);
  const equityBy = byIntervention(published.equity);
  const trajectoryBy = byIntervention(published.trajectory);
  const variationBy = new Map(published.variation.map((v) => [v.intervention_id, v]));
  const declaredBy = new Map<string, Record<string, Record<string, unknown>[]>>();
  for (const table of declaredCountTables)
    for (const row of (published as unknown as Record<string, Record<string, unknown>[] | undefined>)[
      table.name
    ] ?? []) {
      const id = String(row[table.unit ?? ""]);
      const tables = declaredBy.get(id) ?? {};
      const list = tables[table.name] ?? [];
      list.push(row);
      tables[table.name] = list;
      declaredBy.set(id, tables);
    }

  for (const [intervention, baselines] of baselinesBy) {
    result.stats.interventions++;
    const monthly = monthlyBy.get(intervention) ?? [];
    const equity = equityBy.get(intervention) ?? [];
    const unknowns = new Unknowns(options.threshold, options.rounding);
    for (const r of monthly) unknowns.count(cellKey.monthly(r), r.spells);
    for (const r of baselines) {
      unknowns.count(cellKey.baseline(r), r.baseline_spells);
      unknowns.count(cellKey.latest(r), r.latest_spells);
    }
    for (const r of equity) unknowns.count(cellKey.equity(r), r.spells);
    const declared = declaredBy.get(intervention) ?? {};
    for (const [, key, value] of declaredCells(declared)) unknowns.count(key, value);

    const exact = (total: string, parts: readonly string[]) => {
      const t = registeredValue.get(`${intervention}|${total}`);
      if (t === undefined) return false;
      const s = parts.reduce((acc, p) => acc + (registeredValue.get(`${intervention}|${p}`) ?? 0), 0);
      return Math.abs(t - s) < 1e-9;
    };
    const sum = (total: string, parts: string[]) => unknowns.sum(total, parts, exact(total, parts));

    const months = [...new Set(monthly.map((m) => m.month))].sort();
    for (const [parentKey, kids] of children) {
      const [level, org] = parentKey.split("|") as [OrgLevel, string];
      const kidLevel = childLevel[level] as OrgLevel;
      for (const month of months)
        sum(
          cellKey.monthly({ level, org_code: org, month }),
          kids.map((k) => cellKey.monthly({ level: kidLevel, org_code: k, month })),
        );
      for (const key of [cellKey.baseline, cellKey.latest])
        sum(
          key({ level, org_code: org }),
          kids.map((k) => key({ level: kidLevel, org_code: k })),
        );
    }
    for (const month of months)
      sum(
        cellKey.monthly({ level: "england", org_code: "ENG", month }),
        providers.map((p) => cellKey.monthly({ level: "provider", org_code: p, month })),
      );
    for (const [total, parts] of declaredSums(declared, children, months)) sum(total, parts);
    for (const b of baselines) {
      const inPeriod = (start: string, end: string) =>
        months.filter((m) => m >= start && m <= end).map((m) => cellKey.monthly({ ...b, month: m }));
      sum(cellKey.baseline(b), inPeriod(b.baseline_start, b.baseline_end));
      sum(cellKey.latest(b), inPeriod(b.latest_start, b.latest_end));
    }
    const breakdowns = new Map<string, EquityRow[]>();
    const groupsSeen = new Map<string, EquityRow>();
    for (const r of equity) {
      const k = `${r.period}|${r.dimension}|${r.level}|${r.org_code}`;
      breakdowns.set(k, [...(breakdowns.get(k) ?? []), r]);
      if (r.level === "england") groupsSeen.set(`${r.period}|${r.dimension}|${r.group_code}`, r);
    }
    for (const rows of breakdowns.values()) {
      const first = rows[0] as EquityRow;
      sum(
        first.period === "baseline" ? cellKey.baseline(first) : cellKey.latest(first),
        rows.map((r) => cellKey.equity(r)),
      );
      if (first.dimension !== "imd_quintile") continue;
      for (const q of rows) {
        const n = Number(q.group_code);
        const deciles = Number.isInteger(n)
          ? [String(2 * n - 1), String(2 * n)]
          : q.group_code === "unknown"
            ? ["unknown"]
            : [];
        sum(
          cellKey.equity(q),
          deciles.map((d) => cellKey.equity({ ...q, dimension: "imd_decile", group_code: d })),
        );
      }
    }
    for (const [parentKey, kids] of children) {
      const [level, org] = parentKey.split("|") as [OrgLevel, string];
      const kidLevel = childLevel[level] as OrgLevel;
      for (const g of groupsSeen.values())
        sum(
          cellKey.equity({ ...g, level, org_code: org }),
          kids.map((k) => cellKey.equity({ ...g, level: kidLevel, org_code: k })),
        );
    }

    // Published rate × published population: a rate that says more than its published count.
    const rateRow = (key: string, count: number | null, rate: number | null, population: number | null) => {
      if (rate === null || population === null || !(population > 0)) return;
      const low = (rate * (population - 0.5)) / 100_000 - 1e-6;
      const high = (rate * (population + 0.5)) / 100_000 + 1e-6;
      if (count !== null && count >= low && count <= high && !options.rounding) return;
      if (count !== null && options.rounding && count >= low && count <= high) return;
      unknowns.row([[key, 1]], low, high);
    };
    for (const b of baselines) rateRow(cellKey.baseline(b), b.baseline_spells, b.crude_rate, b.population);
    for (const r of equity) rateRow(cellKey.equity(r), r.spells, r.crude_rate, r.population);

    // Modelled figures: each must be what the published figures alone produce.
    const variation = variationBy.get(intervention);
    const expectedVariation = publicVariation(intervention, baselines);
    const variationFromPublished =
      !variation ||
      (variation.units === expectedVariation.units &&
        (["p10", "p25", "p50", "p75", "p90", "n_fold"] as const).every((f) =>
          same(variation[f], expectedVariation[f]),
        ));
    if (!variationFromPublished)
      result.notFromPublished.push(
        `${intervention}: the spread of rates (variation) is not computed from the published sub-ICB rates alone`,
      );
    const expectedGoals = new Map(
      publicGoals(baselines, published.organisations, options.goalPercentile).map((b) => [
        `${b.level}|${b.org_code}`,
        b,
      ]),
    );
    const goalsFromPublished = baselines.every((b) => {
      const e = expectedGoals.get(`${b.level}|${b.org_code}`) as BaselineRow;
      const fields = [
        "goal_rate",
        "goal_spells",
        "opportunity_spells",
        "progress",
        "baseline_cost",
        "opportunity_cost",
      ] as const;
      const bad = fields.filter((f) => !same(b[f], e[f]));
      if (bad.length > 0)
        result.notFromPublished.push(
          `${intervention} ${b.level} ${b.org_code}: ${bad.join(", ")} not computed from published figures alone`,
        );
      return bad.length === 0;
    });
    const trajectory = trajectoryBy.get(intervention) ?? [];
    const expectedTrajectory = publicTrajectory(trajectory, baselines, monthly);
    const goalOf = new Map(baselines.map((b) => [`${b.level}|${b.org_code}`, b.goal_spells] as const));
    const england = baselines.find((b) => b.level === "england");
    trajectory.forEach((row, i) => {
      if (same(row.goal_spells, expectedTrajectory[i]?.goal_spells ?? null)) return;
      result.notFromPublished.push(
        `${intervention} ${row.level} ${row.org_code} ${row.month}: trajectory not computed from published figures alone`,
      );
      // The trajectory's own method: goal × England's share of that baseline month.
      const goal = goalOf.get(`${row.level}|${row.org_code}`) ?? null;
      if (row.goal_spells === null || goal === null || !(goal > 0) || !england) return;
      const month = [...months].find(
        (m) =>
          m >= england.baseline_start && m <= england.baseline_end && m.slice(5, 7) === row.month.slice(5, 7),
      );
      if (!month) return;
      unknowns.row(
        [
          [cellKey.monthly({ level: "england", org_code: "ENG", month }), 1],
          [cellKey.baseline(england), -row.goal_spells / goal],
        ],
        -1e-6,
        1e-6,
      );
    });

    // Percentiles and opportunities over hidden units: say what they give away.
    if (!variationFromPublished || !goalsFromPublished) {
      const found = goalChannel(baselines, variation, published.organisations);
      if (found.hiddenRate !== null)
        result.notFromPublished.push(
          `${intervention}: the percentiles solve a hidden sub-ICB DSR exactly (${found.hiddenRate})`,
        );
      for (const [icb, baseline] of found.hiddenBaseline)
        result.notFromPublished.push(
          `${intervention} ${icb}: opportunities and percentiles give a hidden sub-ICB baseline of ${baseline}`,
        );
    }

    const targets = options.targets;
    const truth = options.truth;
    const keyOf = new Map(unknowns.hidden.map((h) => [h.variable, `${intervention}|${h.key}`] as const));
    const publicTargets = options.insidersOnly
      ? []
      : unknowns.hidden.filter((h) => !targets || targets(`${intervention}|${h.key}`)).map((h) => h.variable);
    const { intervals, stats } = await cellIntervals(unknowns.problem, publicTargets, {
      integer: true,
      mip: options.mip ?? "auto",
      enough: truth ? { value: (v) => truth(keyOf.get(v) ?? ""), width: options.threshold + 1 } : undefined,
    });
    result.stats.components += stats.components;
    result.stats.largestComponent = Math.max(result.stats.largestComponent, stats.largestComponent);
    result.stats.solves += stats.solves;
    result.stats.seconds += stats.seconds;
    result.stats.hidden += unknowns.hidden.length;
    for (const h of unknowns.hidden) {
      const interval = intervals.get(h.variable);
      if (interval) result.intervals.set(`${intervention}|${h.key}`, interval);
    }
    if (options.insiders && truth) {
      const shortcuts = options.insiderShortcuts !== false;
      const wider = shortcuts ? widerScopes(options.insiders) : new Map<string, InsiderScope[]>();
      const component = shortcuts ? componentOf(unknowns.problem) : null;
      for (const scope of options.insiders) {
        const attack = await insiderAttack(unknowns, intervention, scope, options, truth, {
          wider: wider.get(scope.name) ?? [],
          component,
        });
        if (attack) {
          result.insider.push(attack);
          result.stats.solves += attack.solves;
        }
      }
    }
  }
  return result;
}

/** `[intervention, cell key, count]` of every count in the declared tables beyond the built-in ones. */
function* declaredCells(tables: object): Generator<[string, string, number | null]> {
  for (const table of declaredCountTables)
    for (const row of (tables as Record<string, Record<string, unknown>[] | undefined>)[table.name] ?? [])
      for (const count of table.counts)
        yield [String(row[table.unit ?? ""]), cellKeyOf(count, row), row[count.column] as number | null];
}

/**
 * For each scope, the other scopes holding every organisation it holds and more (a region over its
 * ICBs, an ICB over its sub-ICB locations); of two scopes holding the same organisations, the first
 * listed counts as the wider. Fixing more counts to their true values only narrows what is
 * feasible, so a wider scope's holder bounds any count outside both at least as tightly.
 */
function widerScopes(scopes: readonly InsiderScope[]): Map<string, InsiderScope[]> {
  const out = new Map<string, InsiderScope[]>();
  scopes.forEach((scope, i) => {
    const wider = scopes.filter(
      (other, j) =>
        j !== i &&
        other.orgs.size >= scope.orgs.size &&
        (other.orgs.size > scope.orgs.size || j < i) &&
        [...scope.orgs].every((o) => other.orgs.has(o)),
    );
    out.set(scope.name, wider);
  });
  return out;
}

/**
 * One scope's insider over one intervention: the scope's unknowns fixed to their true values,
 * then only the components a fixed unknown was linked into are bounded again (elsewhere nothing
 * changed). Null when the scope knows nothing hidden or touches no hidden count outside it.
 * With shortcuts, a count outside a wider scope is left to that scope's holder, and the problem
 * is cut down to the components holding the scope's counts before anything is fixed.
 */
async function insiderAttack(
  unknowns: Unknowns,
  intervention: string,
  scope: InsiderScope,
  options: AttackOptions,
  truth: (id: string) => number | undefined,
  shortcuts: { wider: readonly InsiderScope[]; component: Int32Array | null },
): Promise<InsiderAttack | null> {
  const fixed = new Map<number, number>();
  for (const [key, variable] of unknowns.variables()) {
    const org = orgOfCell(key);
    if (org === null || !scope.orgs.has(org)) continue;
    const value = truth(`${intervention}|${key}`);
    if (value !== undefined) fixed.set(variable, value);
  }
  if (fixed.size === 0) return null;
  const component = shortcuts.component;
  const reached = component ? new Set([...fixed.keys()].map((v) => component[v] as number)) : null;
  const outside = unknowns.hidden.filter((h) => {
    if (fixed.has(h.variable)) return false;
    if (reached && !reached.has(component?.[h.variable] as number)) return false;
    const org = orgOfCell(h.key);
    if (org !== null && scope.orgs.has(org)) return false;
    if (shortcuts.wider.some((w) => org === null || !w.orgs.has(org))) return false;
    const id = `${intervention}|${h.key}`;
    if (options.insiderTargets && !options.insiderTargets(scope.name, id)) return false;
    return !options.targets || options.targets(id);
  });
  if (outside.length === 0) return null;
  // Rows of components the scope's counts are not in are unchanged: leave them out of the copy.
  const base: LinearProblem =
    component && reached
      ? {
          lower: unknowns.problem.lower,
          upper: unknowns.problem.upper,
          rows: unknowns.problem.rows.filter((r) =>
            reached.has(component[r.variables[0] as number] as number),
          ),
        }
      : unknowns.problem;
  const { problem, touched } = fixUnknowns(base, fixed);
  const keyOf = new Map(outside.map((h) => [h.variable, `${intervention}|${h.key}`] as const));
  const { intervals, stats } = await cellIntervals(
    problem,
    outside.map((h) => h.variable),
    {
      integer: true,
      mip: options.mip ?? "auto",
      ...(options.insiderShortcuts === false ? {} : { within: touched }),
      enough: { value: (v) => truth(keyOf.get(v) ?? ""), width: options.threshold + 1 },
    },
  );
  const attack: InsiderAttack = {
    scope: scope.name,
    intervention,
    known: fixed.size,
    targets: intervals.size,
    solves: stats.solves,
    intervals: new Map(),
  };
  for (const [variable, interval] of intervals) attack.intervals.set(keyOf.get(variable) as string, interval);
  return attack.targets > 0 ? attack : null;
}

function same(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** What the percentile and opportunity channels give away about hidden units. */
export interface GoalChannelFinding {
  /** A hidden unit's DSR solved from the percentiles (null when they do not pin one). */
  hiddenRate: number | null;
  /** Per ICB: the opportunity its hidden sub-ICB locations hold between them (ICB − published ones). */
  hiddenOpportunity: Map<string, number>;
  /** Per ICB: the baseline of the hidden location that carries the solved DSR, opportunity ÷ (1 − goal rate ÷ DSR). */
  hiddenBaseline: Map<string, number>;
}

/**
 * Percentiles and opportunities computed over hidden units: with one hidden DSR among the
 * percentiles' inputs (the unit count says how many), each percentile is linear in it given its
 * rank, which solves it; an ICB's opportunity less its published sub-ICB opportunities is what its
 * hidden ones hold, baseline × (1 − goal rate ÷ DSR), which with the solved DSR gives that baseline.
 */
export function goalChannel(
  baselines: readonly BaselineRow[],
  variation: ReleaseTables["variation"][number] | undefined,
  organisations: ReleaseTables["organisations"],
): GoalChannelFinding {
  const finding: GoalChannelFinding = {
    hiddenRate: null,
    hiddenOpportunity: new Map(),
    hiddenBaseline: new Map(),
  };
  if (!variation) return finding;
  const rates = baselines
    .filter((b) => b.level === "sub_icb" && b.dsr !== null)
    .map((b) => b.dsr as number)
    .sort((a, b) => a - b);
  if (variation.units === rates.length + 1)
    finding.hiddenRate = solveOneHiddenValue(rates, [
      [0.1, variation.p10],
      [0.25, variation.p25],
      [0.5, variation.p50],
      [0.75, variation.p75],
      [0.9, variation.p90],
    ]);
  const goalRate = Math.max(
    ...baselines
      .filter((b) => b.level === "sub_icb" && b.goal_rate !== null)
      .map((b) => b.goal_rate as number),
  );
  const rowOf = new Map(baselines.map((b) => [`${b.level}|${b.org_code}`, b]));
  for (const icb of organisations.filter((o) => o.level === "icb")) {
    const parent = rowOf.get(`icb|${icb.org_code}`);
    if (!parent || parent.opportunity_spells === null) continue;
    const kids = organisations
      .filter((o) => o.level === "sub_icb" && o.parent_code === icb.org_code)
      .map((o) => rowOf.get(`sub_icb|${o.org_code}`))
      .filter((b): b is BaselineRow => b !== undefined);
    if (!kids.some((k) => k.opportunity_spells === null)) continue;
    const residual = parent.opportunity_spells - kids.reduce((s, k) => s + (k.opportunity_spells ?? 0), 0);
    if (!(residual > 1e-9)) continue;
    finding.hiddenOpportunity.set(icb.org_code, residual);
    const rate = finding.hiddenRate;
    if (rate !== null && Number.isFinite(goalRate) && rate > goalRate)
      finding.hiddenBaseline.set(icb.org_code, residual / (1 - goalRate / rate));
  }
  return finding;
}

/** The one value x which, added to `known`, gives every type-7 percentile listed; null if none or many. */
export function solveOneHiddenValue(
  known: readonly number[],
  percentiles: readonly [number, number | null][],
): number | null {
  const n = known.length + 1;
  const candidates: number[] = [];
  for (const [q, p] of percentiles) {
    if (p === null) continue;
    const h = (n - 1) * q;
    const lo = Math.floor(h);
    const f = h - lo;
    for (let rank = 0; rank < n; rank++) {
      const at = (i: number) => (i < rank ? known[i] : i === rank ? Number.NaN : known[i - 1]) as number;
      let x: number | null = null;
      if (rank === lo && f < 1) x = (p - f * at(Math.min(lo + 1, n - 1))) / (1 - f);
      else if (rank === lo + 1 && f > 0) x = (p - (1 - f) * at(lo)) / f;
      if (x === null || !Number.isFinite(x)) continue;
      const below = rank > 0 ? (known[rank - 1] as number) : -Infinity;
      const above = rank < known.length ? (known[rank] as number) : Infinity;
      if (x >= below - 1e-9 && x <= above + 1e-9) candidates.push(x);
    }
  }
  const consistent = candidates.filter((x) =>
    percentiles.every(([q, p]) => {
      if (p === null) return true;
      const all = [...known, x].sort((a, b) => a - b);
      const h = (all.length - 1) * q;
      const lo = Math.floor(h);
      const v =
        (all[lo] as number) +
        (h - lo) * ((all[Math.min(lo + 1, all.length - 1)] as number) - (all[lo] as number));
      return same(v, p);
    }),
  );
  const distinct = consistent.filter((x, i) => consistent.findIndex((y) => same(x, y)) === i);
  return distinct.length === 1 ? (distinct[0] as number) : null;
}

/** A hidden count the attacker can narrow too far: its key, true value and the interval found. */
export interface Exposure {
  intervention: string;
  key: string;
  value: number;
  interval: [number, number];
  /** Set when the attacker is an insider holding this registered scope (`level|org_code`). */
  scope?: string;
}

/** The insider audit of one scope over the interventions where its counts touch hidden ones outside it. */
export interface ScopeAudit {
  scope: string;
  interventions: number;
  known: number;
  targets: number;
  solves: number;
  exposed: number;
}

/**
 * The full audit of a public release against its registered source: the structural checks of
 * `auditPublicRelease`, every modelled figure computed from published figures, and the attack.
 * A hidden count of 1..threshold is protected only when the attacker's interval is at least
 * threshold + 1 wide and not inside 1..threshold; no hidden count may be narrowed to inside
 * 1..threshold.
 */
export async function auditRelease(
  registered: ReleaseTables,
  published: ReleaseTables,
  policy: { threshold: number; rounding: number | null },
  goalPercentile: number,
  extra: Pick<AttackOptions, "insiders" | "insidersOnly" | "insiderTargets" | "insiderShortcuts" | "mip"> & {
    /** Bound only these hidden counts in the public attack (`${intervention}|${cellKey}`), of the small ones. */
    publicTargets?: (id: string) => boolean;
  } = {},
): Promise<{ problems: string[]; exposed: Exposure[]; stats: AttackResult["stats"]; scopes: ScopeAudit[] }> {
  const problems = auditPublicRelease(registered, published, policy.threshold, policy.rounding);
  const truth = new Map<string, number>();
  const note = (id: string, key: string, value: number | null) => {
    if (value !== null) truth.set(`${id}|${key}`, value);
  };
  for (const r of registered.monthly) note(r.intervention_id, cellKey.monthly(r), r.spells);
  for (const r of registered.baselines) {
    note(r.intervention_id, cellKey.baseline(r), r.baseline_spells);
    note(r.intervention_id, cellKey.latest(r), r.latest_spells);
  }
  for (const r of registered.equity) note(r.intervention_id, cellKey.equity(r), r.spells);
  for (const [id, key, value] of declaredCells(registered)) note(id, key, value);
  let attack: AttackResult;
  try {
    attack = await attackRelease(published, {
      ...policy,
      goalPercentile,
      registered,
      targets: (id) => {
        const value = truth.get(id);
        return (
          value !== undefined &&
          value >= 1 &&
          value <= policy.threshold &&
          (!extra.publicTargets || extra.publicTargets(id))
        );
      },
      truth: (id) => truth.get(id),
      insiders: extra.insiders,
      insidersOnly: extra.insidersOnly,
      insiderTargets: extra.insiderTargets,
      insiderShortcuts: extra.insiderShortcuts,
      mip: extra.mip,
    });
  } catch (error) {
    // A public side the solver finds self-contradictory cannot be shown safe: it is a problem, not a crash.
    if (!(error instanceof EbiError) || error.code !== "EBI_DISCLOSURE_INCONSISTENT") throw error;
    problems.push(error.message);
    return {
      problems,
      exposed: [],
      stats: { components: 0, largestComponent: 0, solves: 0, seconds: 0, interventions: 0, hidden: 0 },
      scopes: [],
    };
  }
  problems.push(...attack.notFromPublished);
  const exposed: Exposure[] = [];
  const judge = (id: string, interval: [number, number], scope?: string) => {
    const value = truth.get(id);
    if (value === undefined) return false;
    const small = value >= 1 && value <= policy.threshold;
    const insideSmall = interval[0] >= 1 && interval[1] <= policy.threshold;
    if (!((small && !protects(interval, policy.threshold)) || insideSmall)) return false;
    const [intervention, ...rest] = id.split("|");
    exposed.push({ intervention: intervention as string, key: rest.join("|"), value, interval, scope });
    return true;
  };
  for (const [id, interval] of attack.intervals) judge(id, interval);
  const scopes = new Map<string, ScopeAudit>();
  for (const run of attack.insider) {
    const audit = scopes.get(run.scope) ?? {
      scope: run.scope,
      interventions: 0,
      known: 0,
      targets: 0,
      solves: 0,
      exposed: 0,
    };
    audit.interventions++;
    audit.known += run.known;
    audit.targets += run.targets;
    audit.solves += run.solves;
    for (const [id, interval] of run.intervals) if (judge(id, interval, run.scope)) audit.exposed++;
    scopes.set(run.scope, audit);
  }
  for (const e of exposed.slice(0, 50))
    problems.push(
      `${e.intervention} ${e.key}: the hidden count ${e.value} can be narrowed to ${e.interval[0]}..${e.interval[1]}${e.scope ? ` by a registered user of ${e.scope} who knows their own counts` : ""}`,
    );
  return { problems, exposed, stats: attack.stats, scopes: [...scopes.values()] };
}

import { CellState, type CellSystem } from "../../../disclosure/CellSystem.ts";
import { findRecoverableCells, type PublicView } from "../../../disclosure/findRecoverableCells.ts";
import { type InsiderScope, orgOfCell, registeredScopes } from "../../../disclosure/insiderScopes.ts";
import { type DisclosurePolicy, roundCount, withThreshold } from "../../../disclosure/policy.ts";
import { secondarySuppression, smallestPublished } from "../../../disclosure/secondarySuppression.ts";
import { EbiError } from "../../../errors/index.ts";
import { cellKeyOf } from "../../../release/declareTable.ts";
import {
  type BaselineRow,
  type ReleaseTables,
  releaseTableDeclarations,
  type Suppression,
  type TrajectoryRow,
  type VariationRow,
} from "../release/tables.ts";
import { auditRelease, type ScopeAudit } from "./attackRelease.ts";
import { declaredCountTables } from "./declaredCountTables.ts";
import { ebiDashboardPolicy } from "./policies.ts";
import { publicGoals, publicTrajectory, publicVariation } from "./publicFigures.ts";
import { cellKey, groupByIntervention, releaseCellSystem } from "./releaseCellSystem.ts";

export type { ReleaseTables };

export interface DisclosureOptions {
  /** The rule the public side follows (default: the EBI dashboard rule, 1–5 redacted). */
  policy?: DisclosurePolicy;
  /** Replaces the policy's threshold (`--threshold`). */
  threshold?: number;
  /** The goal percentile the release uses (default 25), for goals computed from published rates. */
  goalPercentile?: number;
  /**
   * The registered scopes whose users also know their own counts (default: every scope a user can
   * hold, `registeredScopes`); the hidden counts outside each must stay protected from them. An
   * empty list leaves out the insider audit.
   */
  insiderScopes?: readonly InsiderScope[];
  /** Called after each intervention is protected (done of total). */
  onProgress?: (done: number, total: number, intervention: string) => void;
}

export interface DisclosureReport {
  policy: string;
  threshold: number;
  rounding: number | null;
  method: string;
  cells: number;
  primary: number;
  secondary: number;
  /** Extra rounds in which a check found a hidden count it could narrow too far and more was hidden. */
  repairRounds: number;
  /** The attacker audit of the final public side: LP solves, components and seconds. */
  audit: { hidden: number; solves: number; components: number; largestComponent: number; seconds: number };
  /**
   * The insider audit: per registered scope, the hidden counts outside it attacked with the
   * scope's own counts known, the solves, and how many were found too narrow (and repaired).
   */
  insider: {
    scopes: number;
    solves: number;
    seconds: number;
    /** Hidden counts an insider could narrow too far before further cells were hidden. */
    repaired: number;
    perScope: ScopeAudit[];
  };
}

export const disclosureMethod =
  "Counts of 1 to the threshold hidden (primary), other counts rounded when the policy says so; further counts " +
  "hidden (secondary) until no relation published beside them (hierarchy totals, months within a period, groups " +
  "within a breakdown, IMD quintiles of deciles) has a lone unknown; percentiles, goals, opportunities, money, " +
  "progress and trajectories computed from published figures only; then an attacker audit independent of the " +
  "suppression: for every hidden count, the least and greatest value any linear combination of the public figures " +
  "allows (linear programming, HiGHS), which must be at least threshold + 1 apart and not inside 1..threshold. " +
  "More is hidden until the audit passes; if it cannot, nothing is published.";

/** The method's sentence for the insider audit, added when the build ran it. */
export const insiderMethod =
  "Then the same attack by the users of each registered scope (provider, sub-ICB location, ICB, region), knowing " +
  "their own counts, on the hidden counts outside it; more is hidden until it passes too.";

/** The method's sentence when the insider audit was left out of the build. */
export const insiderNotRunMethod =
  "The insider audit (registered users who know their own scope's counts) was not run for this release " +
  "(ebi build --insider-audit runs it).";

/** Whether builds and `ebi releases audit` run the insider audit unless told otherwise (`--no-insider-audit`, `--insider-audit`). */
export const insiderAuditByDefault = false;

const MAX_REPAIR_ROUNDS = 25;

/**
 * Writes the public side of a release: copies of the registered tables with small counts hidden,
 * other counts rounded if the policy says so, secondary suppression across every published total,
 * and modelled figures recomputed from published figures. Each intervention's public side is
 * attacked by `auditRelease`; any hidden count it narrows too far gets a further cell hidden
 * beside it, until the audit passes. Throws EBI_DISCLOSURE_UNSAFE when it cannot.
 */
export async function protectRelease(
  registered: ReleaseTables,
  options: DisclosureOptions = {},
): Promise<{ tables: ReleaseTables; report: DisclosureReport }> {
  const base = options.policy ?? ebiDashboardPolicy;
  const policy = options.threshold === undefined ? base : withThreshold(base, options.threshold);
  const threshold = policy.threshold;
  const goalPercentile = options.goalPercentile ?? 25;
  const report: DisclosureReport = {
    policy: policy.id,
    threshold,
    rounding: policy.rounding,
    method: disclosureMethod,
    cells: 0,
    primary: 0,
    secondary: 0,
    repairRounds: 0,
    audit: { hidden: 0, solves: 0, components: 0, largestComponent: 0, seconds: 0 },
    insider: { scopes: 0, solves: 0, seconds: 0, repaired: 0, perScope: [] },
  };
  const scopes = options.insiderScopes ?? registeredScopes(registered.organisations);
  const scopeByName = new Map(scopes.map((scope) => [scope.name, scope]));
  report.insider.scopes = scopes.length;
  report.method = `${disclosureMethod} ${scopes.length > 0 ? insiderMethod : insiderNotRunMethod}`;
  const perScope = new Map<string, ScopeAudit>();
  const scopeAudit = (name: string) => {
    let audit = perScope.get(name);
    if (!audit) {
      audit = { scope: name, interventions: 0, known: 0, targets: 0, solves: 0, exposed: 0 };
      perScope.set(name, audit);
    }
    return audit;
  };
  const parts: ReleaseTables[] = [];
  const byIntervention = splitByIntervention(registered);
  const groups = groupByIntervention(registered);
  let done = 0;
  for (const [intervention, counts] of groups) {
    const own = byIntervention.get(intervention) as ReleaseTables;
    const system = releaseCellSystem(counts, registered.organisations);
    const { states, rounds } = suppressionStates(system, threshold, policy.rounding, intervention);
    report.repairRounds += rounds;
    let tables: ReleaseTables | null = null;
    // Hiding more only widens what an attacker can say (a published count becomes an unknown, a
    // rate shown beside it goes), so a count found protected stays protected in later rounds: each
    // round re-checks only what the last one exposed. null = not checked yet, so everything.
    let publicOpen: Set<string> | null = null;
    let insiderOpen: Map<string, Set<string>> | null = null;
    for (let round = 0; ; round++) {
      const hidden = new Map<string, Suppression>();
      for (let cell = 0; cell < system.size; cell++) {
        const state = states[cell];
        if (!system.isRemainder(cell) && (state === CellState.primary || state === CellState.secondary))
          hidden.set(`${intervention}|${system.keys[cell]}`, "redacted");
      }
      const candidate = applySuppression(own, hidden, policy, goalPercentile);
      const open = publicOpen;
      const audit = await auditRelease(own, candidate, policy, goalPercentile, {
        ...(open ? { publicTargets: (id: string) => open.has(id) } : {}),
      });
      report.audit.solves += audit.stats.solves;
      // The first round bounds every small count; later ones only what it exposed.
      if (open === null) report.audit.components += audit.stats.components;
      report.audit.largestComponent = Math.max(report.audit.largestComponent, audit.stats.largestComponent);
      report.audit.seconds += audit.stats.seconds;
      let { problems, exposed } = audit;
      publicOpen = new Set(exposed.map((e) => `${e.intervention}|${e.key}`));
      if (problems.length === 0 && scopes.length > 0) {
        // Safe from the public: now from each registered user who also knows their own counts.
        const started = performance.now();
        const first = insiderOpen === null;
        const reopen = insiderOpen;
        const inside = await auditRelease(own, candidate, policy, goalPercentile, {
          insiders: scopes,
          insidersOnly: true,
          ...(reopen
            ? { insiderTargets: (scope: string, id: string) => reopen.get(scope)?.has(id) === true }
            : {}),
        });
        report.insider.seconds += (performance.now() - started) / 1000;
        report.insider.solves += inside.stats.solves;
        report.insider.repaired += inside.exposed.length;
        ({ problems, exposed } = inside);
        insiderOpen = new Map();
        for (const e of exposed) {
          const scope = e.scope ?? "";
          const ids = insiderOpen.get(scope) ?? new Set<string>();
          ids.add(`${e.intervention}|${e.key}`);
          insiderOpen.set(scope, ids);
        }
        for (const run of inside.scopes) {
          const total = scopeAudit(run.scope);
          total.solves += run.solves;
          total.exposed += run.exposed;
          if (!first) continue;
          total.interventions += run.interventions;
          total.known += run.known;
          total.targets += run.targets;
        }
      }
      if (problems.length === 0) {
        tables = candidate;
        report.audit.hidden += audit.stats.hidden;
        break;
      }
      let added = 0;
      for (const exposure of exposed) {
        const cell = system.find(exposure.key);
        if (cell === undefined) continue;
        // Against an insider only a cell outside their scope helps: they know their own counts.
        const scope = exposure.scope ? scopeByName.get(exposure.scope) : undefined;
        const extra = nearestPublished(system, states, cell, (c) => {
          const org = orgOfCell(system.keys[c] ?? "");
          return !scope || org === null || !scope.orgs.has(org);
        });
        if (extra !== undefined) {
          states[extra] = CellState.secondary;
          added++;
        }
      }
      if (added === 0 || round >= MAX_REPAIR_ROUNDS) {
        const insider = exposed.find((e) => e.scope);
        if (insider && audit.problems.length === 0)
          throw new EbiError(
            "EBI_DISCLOSURE_INSIDER_UNSAFE",
            `The public side of ${intervention} lets a registered user of ${insider.scope} work out hidden counts outside their scope under the ${policy.name}: ${problems.slice(0, 3).join("; ")}`,
            { intervention, policy: policy.id, scope: insider.scope, problems: problems.slice(0, 50) },
          );
        throw new EbiError(
          "EBI_DISCLOSURE_UNSAFE",
          `The public side of ${intervention} fails the disclosure audit under the ${policy.name}: ${problems.slice(0, 3).join("; ")}`,
          { intervention, policy: policy.id, problems: problems.slice(0, 50) },
        );
      }
      secondarySuppression(system, states);
      report.repairRounds++;
    }
    parts.push(tables);
    options.onProgress?.(++done, groups.size, intervention);
    for (let cell = 0; cell < system.size; cell++) {
      if (system.isRemainder(cell)) continue;
      report.cells++;
      if (states[cell] === CellState.primary) report.primary++;
      if (states[cell] === CellState.secondary) report.secondary++;
    }
  }
  report.insider.perScope = [...perScope.values()].sort((a, b) => a.scope.localeCompare(b.scope));
  // Tables split by intervention are joined back in order; the others are copied whole.
  const joined: Record<string, object[]> = {};
  for (const table of releaseTableDeclarations)
    joined[table.name] = table.unit
      ? parts.flatMap((p) => p[table.name] as object[])
      : (registered[table.name] as object[]).map((row) => ({ ...row }));
  return { tables: joined as unknown as ReleaseTables, report };
}

/**
 * The first pass of suppression over one intervention's cells: primary, secondary until no relation
 * has a lone unknown, then (without rounding) one more cell beside each primary that bounds or
 * elimination alone can still determine. The attacker audit then decides whether it is enough.
 */
export function suppressionStates(
  system: CellSystem,
  threshold: number,
  rounding: number | null,
  intervention: string,
): { states: Uint8Array; rounds: number } {
  const states = system.primaryStates(threshold);
  secondarySuppression(system, states);
  const rounds = rounding ? 0 : repairUntilSafe(system, states, intervention);
  return { states, rounds };
}

/** The registered tables of each intervention: tables split by intervention per row, others shared. */
function splitByIntervention(registered: ReleaseTables): Map<string, ReleaseTables> {
  const out = new Map<string, Record<string, unknown[]>>();
  const of = (id: string) => {
    let t = out.get(id);
    if (!t) {
      t = Object.fromEntries(
        releaseTableDeclarations.map((table) => [table.name, table.unit ? [] : registered[table.name]]),
      ) as Record<string, unknown[]>;
      out.set(id, t);
    }
    return t;
  };
  for (const table of releaseTableDeclarations) {
    const unit = table.unit;
    if (!unit) continue;
    for (const row of registered[table.name] as unknown as Record<string, unknown>[])
      of(String(row[unit]))[table.name]?.push(row);
  }
  return out as unknown as Map<string, ReleaseTables>;
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
function nearestPublished(
  system: CellSystem,
  states: Uint8Array,
  cell: number,
  allowed: (cell: number) => boolean = () => true,
): number | undefined {
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
          const candidates = members.filter(
            (c) => allowed(c) && (!nonZeroOnly || (system.values[c] ?? 0) > 0),
          );
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

/**
 * Copies one intervention's tables for the public side: hidden counts nulled, other counts rounded
 * under the policy, rates and intervals kept only where their count is published (under rounding,
 * crude rates are recomputed from the rounded count and intervals, which depend on the exact count,
 * are dropped), and every modelled figure recomputed from the published figures alone.
 */
export function applySuppression(
  registered: ReleaseTables,
  hidden: Map<string, Suppression>,
  policy: Pick<DisclosurePolicy, "rounding">,
  goalPercentile: number,
): ReleaseTables {
  const rounding = policy.rounding;
  const why = (intervention: string, key: string): Suppression =>
    hidden.get(`${intervention}|${key}`) ?? null;
  const shown = (value: number | null) => (value === null ? null : roundCount(value, rounding));
  const rate = (count: number | null, population: number | null, registeredRate: number | null) =>
    count === null || registeredRate === null
      ? null
      : rounding && population
        ? (count / population) * 100_000
        : registeredRate;
  const monthly = registered.monthly.map((row) => {
    const reason = why(row.intervention_id, cellKey.monthly(row));
    return reason ? { ...row, spells: null, suppressed: reason } : { ...row, spells: shown(row.spells) };
  });
  const counted = registered.baselines.map((row): BaselineRow => {
    const base = why(row.intervention_id, cellKey.baseline(row));
    const latest = why(row.intervention_id, cellKey.latest(row));
    const baseline_spells = base ? null : shown(row.baseline_spells);
    const latest_spells = latest ? null : shown(row.latest_spells);
    const keepInterval = baseline_spells !== null && !rounding;
    return {
      ...row,
      baseline_spells,
      latest_spells,
      crude_rate: rate(baseline_spells, row.population, row.crude_rate),
      dsr: baseline_spells === null ? null : row.dsr,
      dsr_lower: keepInterval ? row.dsr_lower : null,
      dsr_upper: keepInterval ? row.dsr_upper : null,
      latest_dsr: latest_spells === null ? null : row.latest_dsr,
      suppressed: base ?? latest ?? null,
    };
  });
  const byIntervention = new Map<string, BaselineRow[]>();
  for (const row of counted)
    byIntervention.set(row.intervention_id, [...(byIntervention.get(row.intervention_id) ?? []), row]);
  const baselines: BaselineRow[] = [];
  const variation: VariationRow[] = [];
  const trajectory: TrajectoryRow[] = [];
  for (const [intervention, rows] of byIntervention) {
    const goals = publicGoals(rows, registered.organisations, goalPercentile);
    baselines.push(...goals);
    if (registered.variation.some((v) => v.intervention_id === intervention))
      variation.push(publicVariation(intervention, goals));
    trajectory.push(
      ...publicTrajectory(
        registered.trajectory.filter((t) => t.intervention_id === intervention),
        goals,
        monthly.filter((m) => m.intervention_id === intervention),
      ),
    );
  }
  const equity = registered.equity.map((row) => {
    const reason = why(row.intervention_id, cellKey.equity(row));
    if (reason)
      return {
        ...row,
        spells: null,
        crude_rate: null,
        dsr: null,
        lower: null,
        upper: null,
        suppressed: reason,
      };
    const spells = shown(row.spells);
    return {
      ...row,
      spells,
      crude_rate: rate(spells, row.population, row.crude_rate),
      lower: rounding ? null : row.lower,
      upper: rounding ? null : row.upper,
    };
  });
  // The other declared count tables: each count hidden or rounded, its derived figures with it.
  const declared = Object.fromEntries(
    declaredCountTables.map((table) => {
      const rows = (registered as unknown as Record<string, Record<string, unknown>[] | undefined>)[
        table.name
      ];
      return [
        table.name,
        (rows ?? []).map((row) => {
          const out: Record<string, unknown> = { ...row };
          for (const count of table.counts) {
            const reason = why(String(row[table.unit ?? ""]), cellKeyOf(count, row));
            if (reason) {
              out[count.column] = null;
              out.suppressed = reason;
              for (const [column, from] of Object.entries(table.derivedFrom))
                if (from?.includes(count.column)) out[column] = null;
            } else out[count.column] = shown(row[count.column] as number | null);
          }
          return out;
        }),
      ];
    }),
  ) as unknown as Pick<ReleaseTables, "quarterly">;
  return {
    organisations: registered.organisations.map((o) => ({ ...o })),
    variation,
    monthly,
    baselines,
    trajectory,
    equity,
    ...declared,
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

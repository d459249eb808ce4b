import { percentile } from "../../../stats/index.ts";
import type {
  BaselineRow,
  MonthlyRow,
  OrganisationRow,
  TrajectoryRow,
  VariationRow,
} from "../release/tables.ts";

/**
 * The public side's modelled figures, computed from published figures only, so that none of them
 * carries information about a hidden count: spread of rates, goals, opportunities, money, progress
 * and the goal trajectory. Each function reads the public (protected) rows it is given and nothing
 * else; the audit calls the same functions on the written public tables to prove the figures are
 * what published inputs alone produce.
 */

export const publicPercentileDefinition =
  "Hyndman and Fan type 7 (linear interpolation; Excel PERCENTILE.INC) over the baseline DSRs of the sub-ICB locations whose figures are published";

/** The sub-ICB DSRs a reader can see: baseline published and a DSR shown. */
function publishedSubIcbRates(baselines: readonly BaselineRow[]): number[] {
  return baselines
    .filter((b) => b.level === "sub_icb" && b.baseline_spells !== null && b.dsr !== null)
    .map((b) => b.dsr as number)
    .sort((a, b) => a - b);
}

/** Spread of published sub-ICB baseline DSRs (per 100,000) for one intervention; `units` counts only those. */
export function publicVariation(intervention_id: string, baselines: readonly BaselineRow[]): VariationRow {
  const sorted = publishedSubIcbRates(baselines);
  const p = (q: number) => (sorted.length > 0 ? percentile(sorted, q) : null);
  const p10 = p(0.1);
  const p90 = p(0.9);
  return {
    intervention_id,
    level: "sub_icb",
    units: sorted.length,
    p10,
    p25: p(0.25),
    p50: p(0.5),
    p75: p(0.75),
    p90,
    n_fold: p10 !== null && p90 !== null && p10 > 0 ? p90 / p10 : null,
    percentile_definition: publicPercentileDefinition,
  };
}

/**
 * Goals, opportunities, money and progress of one intervention's baseline rows, from their
 * published counts and DSRs: the goal rate is the `goalPercentile` (type 7) of published sub-ICB
 * DSRs; a published sub-ICB above it has opportunity = baseline × (1 − goal rate ÷ DSR); an ICB,
 * region or England sums the opportunities of its published sub-ICB locations; goal = baseline −
 * opportunity. A row whose baseline is hidden gets none of these.
 */
export function publicGoals(
  baselines: readonly BaselineRow[],
  organisations: readonly OrganisationRow[],
  goalPercentile: number,
): BaselineRow[] {
  const rates = publishedSubIcbRates(baselines);
  const goalRate = rates.length > 0 ? percentile(rates, goalPercentile / 100) : null;
  const parentOf = new Map(organisations.map((o) => [`${o.level}|${o.org_code}`, o.parent_code] as const));
  const opportunity = new Map<string, number>();
  for (const b of baselines) {
    if (b.level !== "sub_icb" || b.baseline_spells === null) continue;
    const cut =
      goalRate !== null && b.dsr !== null && b.dsr > goalRate
        ? b.baseline_spells * (1 - goalRate / b.dsr)
        : 0;
    const icb = parentOf.get(`sub_icb|${b.org_code}`);
    const region = icb ? parentOf.get(`icb|${icb}`) : undefined;
    for (const k of [
      `sub_icb|${b.org_code}`,
      ...(icb ? [`icb|${icb}`] : []),
      ...(region ? [`region|${region}`] : []),
      "england|ENG",
    ])
      opportunity.set(k, (opportunity.get(k) ?? 0) + cut);
  }
  return baselines.map((b) => {
    const base = b.baseline_spells;
    if (base === null)
      return {
        ...b,
        goal_rate: null,
        goal_spells: null,
        opportunity_spells: null,
        progress: null,
        baseline_cost: null,
        opportunity_cost: null,
      };
    const cut = opportunity.get(`${b.level}|${b.org_code}`) ?? 0;
    const goal = base - cut;
    const goal_rate =
      b.level === "sub_icb"
        ? goalRate !== null && b.dsr !== null
          ? Math.min(goalRate, b.dsr)
          : null
        : b.dsr !== null && base > 0
          ? (b.dsr * goal) / base
          : null;
    return {
      ...b,
      goal_rate,
      goal_spells: goal,
      opportunity_spells: cut,
      progress: cut > 0 && b.latest_spells !== null ? (base - b.latest_spells) / cut : null,
      baseline_cost: b.unit_cost === null ? null : base * b.unit_cost,
      opportunity_cost: b.unit_cost === null ? null : cut * b.unit_cost,
    };
  });
}

/**
 * England's share of the baseline year in each calendar month ("01".."12"), from its published
 * monthly counts; equal twelfths when any of those months is hidden or the year has no spells, so
 * that the profile never depends on a hidden count.
 */
export function publicProfile(englandMonths: readonly Pick<MonthlyRow, "month" | "spells">[]): {
  shares: Map<string, number>;
  flat: boolean;
} {
  const complete = englandMonths.length > 0 && englandMonths.every((m) => m.spells !== null);
  const total = complete ? englandMonths.reduce((s, m) => s + (m.spells ?? 0), 0) : 0;
  const shares = new Map<string, number>();
  if (!complete || total <= 0) {
    for (let m = 1; m <= 12; m++) shares.set(String(m).padStart(2, "0"), 1 / 12);
    return { shares, flat: true };
  }
  for (const m of englandMonths) {
    const mm = m.month.slice(5, 7);
    shares.set(mm, (shares.get(mm) ?? 0) + (m.spells ?? 0) / total);
  }
  return { shares, flat: false };
}

/**
 * The goal trajectory of one intervention: each published goal spread over the goal-year months
 * by `publicProfile`; hidden (derived) where the goal is.
 */
export function publicTrajectory(
  rows: readonly TrajectoryRow[],
  baselines: readonly BaselineRow[],
  monthly: readonly MonthlyRow[],
): TrajectoryRow[] {
  const first = baselines.find((b) => b.level === "england") ?? baselines[0];
  const englandMonths = first
    ? monthly.filter(
        (m) => m.level === "england" && m.month >= first.baseline_start && m.month <= first.baseline_end,
      )
    : [];
  const { shares } = publicProfile(englandMonths);
  const goalOf = new Map(baselines.map((b) => [`${b.level}|${b.org_code}`, b.goal_spells] as const));
  return rows.map((row) => {
    const goal = goalOf.get(`${row.level}|${row.org_code}`) ?? null;
    if (goal === null) return { ...row, goal_spells: null, suppressed: "derived" as const };
    return { ...row, goal_spells: goal * (shares.get(row.month.slice(5, 7)) ?? 1 / 12), suppressed: null };
  });
}

import type { PopulationCount, StratumCount } from "../../../pipeline/buildTables.ts";
import { ageSexStrata, crudeRate, directlyStandardisedRate, percentile } from "../../../stats/index.ts";
import type {
  BaselineRow,
  OrganisationRow,
  OrgLevel,
  TrajectoryRow,
  VariationRow,
} from "../release/tables.ts";

export interface Period {
  start: string; // first day of the first month, YYYY-MM-DD
  end: string; // first day of the last month
}

/** Counts and populations by age band and sex, summed from strata rows. */
export interface AgeSexTotals {
  events: Map<string, number>; // `${band}|${sex}`
  population: Map<string, number>;
  spells: number;
  people: number;
}

const key = (band: number, sex: string) => `${band}|${sex}`;

/** Sums strata (and their populations) into age-sex totals; `filter` picks the rows that belong. */
export function ageSexTotals(
  strata: readonly StratumCount[],
  population: readonly PopulationCount[],
  filter: { strata?: (s: StratumCount) => boolean; population?: (p: PopulationCount) => boolean } = {},
): AgeSexTotals {
  const totals: AgeSexTotals = { events: new Map(), population: new Map(), spells: 0, people: 0 };
  for (const s of strata) {
    if (filter.strata && !filter.strata(s)) continue;
    totals.spells += s.spells;
    if (s.age_band === null || (s.sex !== "1" && s.sex !== "2")) continue;
    const k = key(s.age_band, s.sex);
    totals.events.set(k, (totals.events.get(k) ?? 0) + s.spells);
  }
  for (const p of population) {
    if (filter.population && !filter.population(p)) continue;
    totals.people += p.population;
    const k = key(p.age_band, p.sex);
    totals.population.set(k, (totals.population.get(k) ?? 0) + p.population);
  }
  return totals;
}

/** Age-sex DSR per 100,000 (ESP 2013) with 95% Dobson limits; null below 10 spells or without population. */
export function dsrOf(totals: AgeSexTotals): {
  value: number | null;
  lower: number | null;
  upper: number | null;
} {
  const none = { value: null, lower: null, upper: null };
  if (totals.people <= 0) return none;
  const rows = [...totals.population.entries()].map(([k, population]) => {
    const [band, sex] = k.split("|");
    return { ageBand: Number(band), sex: sex as "1" | "2", population, events: totals.events.get(k) ?? 0 };
  });
  // Spells in a band and sex with no population cannot be standardised: no rate rather than a wrong one.
  for (const [k, events] of totals.events) if (events > 0 && !totals.population.get(k)) return none;
  const result = directlyStandardisedRate(ageSexStrata(rows));
  return { value: result.value, lower: result.lower, upper: result.upper };
}

/** Crude rate per 100,000 with its interval; null without population. */
export function crudeOf(
  events: number,
  population: number,
): { value: number | null; lower: number | null; upper: number | null } {
  if (!(population > 0)) return { value: null, lower: null, upper: null };
  const rate = crudeRate(events, population);
  return { value: rate.value, lower: rate.lower, upper: rate.upper };
}

export interface InterventionInputs {
  intervention_id: string;
  unitCost: number | null;
  baseline: Period;
  latest: Period;
  baselineStrata: StratumCount[];
  latestStrata: StratumCount[];
  /** England's monthly baseline spells, for the seasonal profile of the trajectory. */
  englandBaselineMonths: { month: string; spells: number }[];
  /** Months of the goal year the trajectory covers. */
  trajectoryMonths: string[];
}

export interface GoalSettings {
  /** 0–100: commissioners above this percentile of baseline DSRs come down to it. */
  percentile: number;
}

const commissionerLevels: OrgLevel[] = ["england", "region", "icb", "sub_icb"];

/**
 * Baselines, goals, money, variation and trajectory for one intervention (pure; all counts given).
 * Goal (published List 2 method): every sub-ICB location above the chosen percentile (type 7) of
 * sub-ICB baseline DSRs comes down to it: goal = baseline × goal rate ÷ DSR; others keep their
 * baseline. Opportunity = baseline − goal, summed up the hierarchy.
 */
export function interventionFigures(
  input: InterventionInputs,
  organisations: readonly OrganisationRow[],
  populations: { baseline: PopulationCount[]; latest: PopulationCount[] },
  goal: GoalSettings,
): {
  baselines: BaselineRow[];
  /** The sub-ICB spread (as `variations[0]`). */
  variation: VariationRow;
  /** Spread at each commissioner level below England: sub-ICB, ICB, region. */
  variations: VariationRow[];
  trajectory: TrajectoryRow[];
} {
  const commissioners = organisations.filter((o) => commissionerLevels.includes(o.level));
  const byOrg = <T extends { level: string; org_code: string }>(rows: readonly T[]) => {
    const map = new Map<string, T[]>();
    for (const row of rows) {
      const k = `${row.level}|${row.org_code}`;
      const list = map.get(k);
      if (list) list.push(row);
      else map.set(k, [row]);
    }
    return map;
  };
  const baseStrata = byOrg(input.baselineStrata);
  const latestStrata = byOrg(input.latestStrata);
  const basePop = byOrg(populations.baseline);
  const latestPop = byOrg(populations.latest);

  const figures = commissioners.map((org) => {
    const k = `${org.level}|${org.org_code}`;
    const base = ageSexTotals(baseStrata.get(k) ?? [], basePop.get(k) ?? []);
    const latest = ageSexTotals(latestStrata.get(k) ?? [], latestPop.get(k) ?? []);
    return { org, base, latest, dsr: dsrOf(base), latestDsr: dsrOf(latest) };
  });

  const subDsrs = figures
    .filter((f) => f.org.level === "sub_icb" && f.dsr.value !== null)
    .map((f) => f.dsr.value as number);
  const goalRate = subDsrs.length > 0 ? percentile(subDsrs, goal.percentile / 100) : null;

  // Sub-ICB goals first; higher levels subtract their sub-ICBs' opportunities from their own baseline.
  const opportunity = new Map<string, number>();
  const parentOf = new Map(organisations.map((o) => [`${o.level}|${o.org_code}`, o.parent_code] as const));
  const ancestors = (code: string): string[] => {
    const icb = parentOf.get(`sub_icb|${code}`);
    const region = icb ? parentOf.get(`icb|${icb}`) : undefined;
    return [...(icb ? [`icb|${icb}`] : []), ...(region ? [`region|${region}`] : []), "england|ENG"];
  };
  for (const f of figures) {
    if (f.org.level !== "sub_icb") continue;
    const dsr = f.dsr.value;
    const cut =
      goalRate !== null && dsr !== null && dsr > goalRate ? f.base.spells * (1 - goalRate / dsr) : 0;
    opportunity.set(`sub_icb|${f.org.org_code}`, cut);
    for (const a of ancestors(f.org.org_code)) opportunity.set(a, (opportunity.get(a) ?? 0) + cut);
  }

  const baselines: BaselineRow[] = figures.map((f) => {
    const k = `${f.org.level}|${f.org.org_code}`;
    const cut = opportunity.get(k) ?? 0;
    const goalSpells = f.base.spells - cut;
    const crude = crudeOf(f.base.spells, f.base.people);
    // Share of the asked reduction achieved, bounded to 0–1: 1 at or below the goal, 0 at or above
    // the baseline, none when under half a spell is asked (a share of it would be noise).
    const progress = cut >= 0.5 ? Math.min(1, Math.max(0, (f.base.spells - f.latest.spells) / cut)) : null;
    const ownGoalRate =
      f.org.level === "sub_icb"
        ? goalRate !== null && f.dsr.value !== null
          ? Math.min(goalRate, f.dsr.value)
          : null
        : f.dsr.value !== null && f.base.spells > 0
          ? (f.dsr.value * goalSpells) / f.base.spells
          : null;
    return {
      intervention_id: input.intervention_id,
      level: f.org.level,
      org_code: f.org.org_code,
      baseline_start: input.baseline.start,
      baseline_end: input.baseline.end,
      baseline_spells: f.base.spells,
      population: f.base.people > 0 ? Math.round(f.base.people) : null,
      crude_rate: crude.value,
      dsr: f.dsr.value,
      dsr_lower: f.dsr.lower,
      dsr_upper: f.dsr.upper,
      goal_rate: ownGoalRate,
      goal_spells: goalSpells,
      opportunity_spells: cut,
      latest_start: input.latest.start,
      latest_end: input.latest.end,
      latest_spells: f.latest.spells,
      latest_dsr: f.latestDsr.value,
      progress,
      unit_cost: input.unitCost,
      baseline_cost: input.unitCost === null ? null : f.base.spells * input.unitCost,
      opportunity_cost: input.unitCost === null ? null : cut * input.unitCost,
      suppressed: null,
    };
  });

  // Sub-ICB locations first (the goal's and the funnel's units), then ICBs and regions: the peers
  // each organisation page compares with, by the same definition.
  const variations = (["sub_icb", "icb", "region"] as const).map((level) =>
    variationOf(
      input.intervention_id,
      level,
      figures.filter((f) => f.org.level === level && f.dsr.value !== null).map((f) => f.dsr.value as number),
    ),
  );
  const variation = variations[0] as VariationRow;

  const profile = seasonalProfile(input.englandBaselineMonths);
  const trajectory: TrajectoryRow[] = baselines.flatMap((b) =>
    input.trajectoryMonths.map((month) => ({
      intervention_id: input.intervention_id,
      level: b.level,
      org_code: b.org_code,
      month,
      goal_spells: (b.goal_spells ?? 0) * (profile.get(month.slice(5, 7)) ?? 1 / 12),
      suppressed: null,
    })),
  );
  return { baselines, variation, variations, trajectory };
}

/**
 * Percentiles (Hyndman and Fan type 7, Excel PERCENTILE.INC) of the baseline standardised rates of
 * every organisation at `level` that has one, computed before redaction; the one definition of
 * "peers' median" and of the spread between commissioners.
 */
export function variationOf(interventionId: string, level: OrgLevel, dsrs: readonly number[]): VariationRow {
  const sorted = [...dsrs].sort((a, b) => a - b);
  const p = (q: number) => (sorted.length > 0 ? percentile(sorted, q) : null);
  const p10 = p(0.1);
  const p90 = p(0.9);
  return {
    intervention_id: interventionId,
    level,
    units: sorted.length,
    p10,
    p25: p(0.25),
    p50: p(0.5),
    p75: p(0.75),
    p90,
    n_fold: p10 !== null && p90 !== null && p10 > 0 ? p90 / p10 : null,
    percentile_definition: `Hyndman and Fan type 7 (linear interpolation; Excel PERCENTILE.INC) over ${level} baseline DSRs`,
  };
}

/** Share of the year's spells in each calendar month ("01".."12"); equal shares when there are none. */
export function seasonalProfile(months: readonly { month: string; spells: number }[]): Map<string, number> {
  const total = months.reduce((s, m) => s + m.spells, 0);
  const profile = new Map<string, number>();
  for (const m of months) {
    const mm = m.month.slice(5, 7);
    profile.set(mm, (profile.get(mm) ?? 0) + (total > 0 ? m.spells / total : 1 / 12));
  }
  return profile;
}

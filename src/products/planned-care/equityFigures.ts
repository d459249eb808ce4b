import { ethnicGroups } from "../../reference/ethnicGroups.ts";
import {
  ageSexStrata,
  crudeRate,
  directlyStandardisedRate,
  esp2013AgeBands,
  type Interval,
  normalCritical,
  slopeIndexOfInequality,
  standardisedRateDifference,
  standardisedRateRatio,
} from "../../stats/index.ts";
import { type EthnicAgeSexPopulation, espWeightsFor } from "./ethnicAgeSexPopulation.ts";
import type { EthnicPopulationStratum } from "./ethnicPopulation.ts";
import type { EthnicStratum, PopulationStratum, YearStratum } from "./plannedCareSql.ts";

/** The breakdowns of a group's activity. */
export type Dimension = "total" | "imd_decile" | "imd_quintile" | "ethnic_group" | "age_band" | "sex";

/** One breakdown cell: spells, population and rate (DSR per 100,000 a year for total and IMD, and ethnic group when its age-sex population is loaded; crude for age, sex and ethnic group otherwise). */
export interface EquityCell {
  group_id: string;
  fyear: number;
  level: string;
  org_code: string;
  dimension: Dimension;
  group_code: string;
  group_label: string;
  group_order: number;
  spells: number;
  population: number | null;
  rate_kind: "dsr" | "crude" | "none";
  rate: number | null;
  lower: number | null;
  upper: number | null;
}

const z95 = normalCritical(0.95);
const none = { rate: null, lower: null, upper: null };

/**
 * Age-sex DSR per 100,000 (ESP 2013, both sexes) with Dobson limits; null below 10 spells, or a stratum
 * with spells and no people. `bands` (lower bounds, multiples of 5 from 0) standardises over coarser
 * age bands than ESP 2013's, with its weights summed into them; spells' 5-year bands fall into the band
 * that holds them.
 */
export function ageSexDsr(
  strata: readonly { age_band: number | null; sex: string | null; spells: number }[],
  population: readonly { age_band: number; sex: string; population: number }[],
  bands?: readonly number[],
): { rate: number | null; lower: number | null; upper: number | null } {
  const bandOf = (age: number) => (bands ? (bands.filter((b) => b <= age).at(-1) ?? age) : age);
  const people = new Map<string, number>();
  for (const p of population) {
    const k = `${bandOf(p.age_band)}|${p.sex}`;
    people.set(k, (people.get(k) ?? 0) + p.population);
  }
  const events = new Map<string, number>();
  for (const s of strata) {
    if (s.age_band === null || (s.sex !== "1" && s.sex !== "2")) continue;
    const k = `${bandOf(s.age_band)}|${s.sex}`;
    events.set(k, (events.get(k) ?? 0) + s.spells);
  }
  for (const [k, n] of events) if (n > 0 && !(people.get(k) ?? 0)) return none;
  if ([...people.values()].reduce((a, b) => a + b, 0) <= 0) return none;
  const rows = [...people.entries()].map(([k, n]) => {
    const [band, sex] = k.split("|");
    return { ageBand: Number(band), sex: sex as "1" | "2", population: n, events: events.get(k) ?? 0 };
  });
  const result = directlyStandardisedRate(
    ageSexStrata(rows, bands ? { bands, weights: espWeightsFor(bands) } : {}),
  );
  return { rate: result.value, lower: result.lower, upper: result.upper };
}

const decileLabel = (d: number) =>
  d === 1 ? "1 (most deprived)" : d === 10 ? "10 (least deprived)" : String(d);
const quintileLabel = (q: number) =>
  q === 1 ? "1 (most deprived)" : q === 5 ? "5 (least deprived)" : String(q);
const sum = (rows: readonly { spells: number }[]) => rows.reduce((a, r) => a + r.spells, 0);
const people = (rows: readonly { population: number }[]) => rows.reduce((a, r) => a + r.population, 0);

/**
 * Every breakdown of one group, year and commissioner: the total and IMD deciles and quintiles
 * (age-sex standardised), 5-year age bands and sex (crude), and ethnic groups (age-sex standardised
 * when a population by ethnic group, sex and age covers the commissioner; else crude over the Census
 * 2021 population of all ages when one is loaded; counts only otherwise; "not stated" never has a
 * rate). Unknown IMD, age or sex are cells of their own with no rate.
 */
export function equityCells(input: {
  group_id: string;
  fyear: number;
  level: string;
  org_code: string;
  strata: readonly YearStratum[];
  ethnic: readonly EthnicStratum[];
  population: readonly PopulationStratum[];
  /** The commissioner's population by ethnic group (Census 2021, all ages); without it ethnic groups have counts only. */
  ethnicPopulation?: readonly EthnicPopulationStratum[] | null;
  /** The commissioner's population by ethnic group × sex × age band; with it ethnic-group rates are age-sex standardised. */
  ethnicAgeSex?: EthnicAgeSexPopulation | null;
}): EquityCell[] {
  const base = { group_id: input.group_id, fyear: input.fyear, level: input.level, org_code: input.org_code };
  const cells: EquityCell[] = [];
  const add = (
    dimension: Dimension,
    code: string,
    label: string,
    order: number,
    strata: readonly YearStratum[],
    population: readonly PopulationStratum[] | null,
    kind: EquityCell["rate_kind"],
  ) => {
    const spells = sum(strata);
    const pop = population ? people(population) : null;
    let rate: { rate: number | null; lower: number | null; upper: number | null } = none;
    if (kind === "dsr" && population) rate = ageSexDsr(strata, population);
    if (kind === "crude" && pop && pop > 0) {
      const r = crudeRate(spells, pop);
      rate = { rate: r.value, lower: r.lower, upper: r.upper };
    }
    cells.push({
      ...base,
      dimension,
      group_code: code,
      group_label: label,
      group_order: order,
      spells,
      population: pop === null ? null : Math.round(pop),
      rate_kind: kind,
      ...rate,
    });
  };
  const { strata, population } = input;
  add("total", "all", "Everyone", 0, strata, population, "dsr");
  for (let d = 1; d <= 10; d++)
    add(
      "imd_decile",
      String(d),
      decileLabel(d),
      d,
      strata.filter((s) => s.imd_decile === d),
      population.filter((p) => p.imd_decile === d),
      "dsr",
    );
  add(
    "imd_decile",
    "unknown",
    "LSOA not known",
    11,
    strata.filter((s) => s.imd_decile === null),
    null,
    "none",
  );
  const inQuintile = (d: number | null, q: number) => d !== null && Math.ceil(d / 2) === q;
  for (let q = 1; q <= 5; q++)
    add(
      "imd_quintile",
      String(q),
      quintileLabel(q),
      q,
      strata.filter((s) => inQuintile(s.imd_decile, q)),
      population.filter((p) => inQuintile(p.imd_decile, q)),
      "dsr",
    );
  add(
    "imd_quintile",
    "unknown",
    "LSOA not known",
    6,
    strata.filter((s) => s.imd_decile === null),
    null,
    "none",
  );
  esp2013AgeBands.forEach((band, i) => {
    add(
      "age_band",
      String(band),
      band === 90 ? "90+" : `${band}–${band + 4}`,
      i + 1,
      strata.filter((s) => s.age_band === band),
      population.filter((p) => p.age_band === band),
      "crude",
    );
  });
  add(
    "age_band",
    "unknown",
    "Age not known",
    20,
    strata.filter((s) => s.age_band === null),
    null,
    "none",
  );
  add(
    "sex",
    "1",
    "Male",
    1,
    strata.filter((s) => s.sex === "1"),
    population.filter((p) => p.sex === "1"),
    "crude",
  );
  add(
    "sex",
    "2",
    "Female",
    2,
    strata.filter((s) => s.sex === "2"),
    population.filter((p) => p.sex === "2"),
    "crude",
  );
  add(
    "sex",
    "unknown",
    "Not known or not specified",
    3,
    strata.filter((s) => s.sex !== "1" && s.sex !== "2"),
    null,
    "none",
  );
  const ethnicPeople = new Map<string, number>();
  for (const p of input.ethnicPopulation ?? [])
    ethnicPeople.set(p.ethnic_group, (ethnicPeople.get(p.ethnic_group) ?? 0) + p.population);
  const standardised = input.ethnicAgeSex && input.ethnicAgeSex.strata.length > 0 ? input.ethnicAgeSex : null;
  ethnicGroups.forEach((g, i) => {
    const ofGroup = input.ethnic.filter((e) => e.ethnic_group === g.code);
    const spells = sum(ofGroup);
    if (standardised) {
      const pop = standardised.strata.filter((p) => p.ethnic_group === g.code);
      const total = people(pop);
      const r = total > 0 ? ageSexDsr(ofGroup, pop, standardised.bands) : none;
      cells.push({
        ...base,
        dimension: "ethnic_group",
        group_code: g.code,
        group_label: g.label,
        group_order: i + 1,
        spells,
        population: total > 0 ? Math.round(total) : null,
        rate_kind: total > 0 ? "dsr" : "none",
        ...r,
      });
      return;
    }
    const pop = ethnicPeople.get(g.code);
    const rated = pop !== undefined && pop > 0;
    const r = rated ? crudeRate(spells, pop) : null;
    cells.push({
      ...base,
      dimension: "ethnic_group",
      group_code: g.code,
      group_label: g.label,
      group_order: i + 1,
      spells,
      population: pop === undefined ? null : Math.round(pop),
      rate_kind: r ? "crude" : "none",
      ...(r ? { rate: r.value, lower: r.lower, upper: r.upper } : none),
    });
  });
  return cells;
}

/** The slope and relative index of inequality and the gap between the least and most deprived fifths. */
export interface InequalityFigures {
  sii: number | null;
  sii_lower: number | null;
  sii_upper: number | null;
  rii: number | null;
  rii_lower: number | null;
  rii_upper: number | null;
  /** DSR of the least deprived fifth minus the most deprived's, per 100,000 a year: above 0, the least deprived get more. */
  gap: number | null;
  gap_lower: number | null;
  gap_upper: number | null;
  /** DSR of the most deprived fifth ÷ the least deprived's. */
  ratio: number | null;
  ratio_lower: number | null;
  ratio_upper: number | null;
}

const interval = (c: EquityCell | undefined): Interval | null =>
  c && c.rate !== null && c.lower !== null && c.upper !== null
    ? { value: c.rate, lower: c.lower, upper: c.upper }
    : null;

/**
 * SII and RII over the ten IMD deciles (PHE method, 1,000 seeded simulations for the 95% limits, each
 * decile's standard error from its Dobson limits), and the gap and ratio between quintiles 5 and 1
 * with 95% intervals. Null where a decile or quintile has no rate.
 */
export function inequalityOf(cells: readonly EquityCell[]): InequalityFigures {
  const deciles = Array.from({ length: 10 }, (_, i) =>
    cells.find((c) => c.dimension === "imd_decile" && c.group_code === String(i + 1)),
  );
  const out: InequalityFigures = {
    sii: null,
    sii_lower: null,
    sii_upper: null,
    rii: null,
    rii_lower: null,
    rii_upper: null,
    gap: null,
    gap_lower: null,
    gap_upper: null,
    ratio: null,
    ratio_lower: null,
    ratio_upper: null,
  };
  const rated = deciles.map(interval);
  if (rated.every((r) => r !== null) && deciles.every((d) => (d?.population ?? 0) > 0)) {
    const sii = slopeIndexOfInequality(
      deciles.map((d, i) => {
        const r = rated[i] as Interval;
        return { rate: r.value, population: d?.population ?? 0, se: (r.upper - r.lower) / (2 * z95) };
      }),
      { simulations: 1000, seed: 20190401 },
    );
    Object.assign(out, {
      sii: sii.sii,
      sii_lower: sii.siiLower ?? null,
      sii_upper: sii.siiUpper ?? null,
      rii: sii.rii,
      rii_lower: sii.riiLower ?? null,
      rii_upper: sii.riiUpper ?? null,
    });
  }
  const q1 = interval(cells.find((c) => c.dimension === "imd_quintile" && c.group_code === "1"));
  const q5 = interval(cells.find((c) => c.dimension === "imd_quintile" && c.group_code === "5"));
  if (q1 && q5) {
    const gap = standardisedRateDifference(q5, q1);
    Object.assign(out, { gap: gap.value, gap_lower: gap.lower, gap_upper: gap.upper });
    if (q1.lower > 0 && q5.lower > 0) {
      const ratio = standardisedRateRatio(q1, q5);
      Object.assign(out, { ratio: ratio.value, ratio_lower: ratio.lower, ratio_upper: ratio.upper });
    }
  }
  return out;
}

/** Change in the gap from a base year (latest − base), with ± z √(se² + se²) from each gap's 95% limits. */
export function gapChange(
  latest: Pick<InequalityFigures, "gap" | "gap_lower" | "gap_upper">,
  base: Pick<InequalityFigures, "gap" | "gap_lower" | "gap_upper">,
): { change: number | null; lower: number | null; upper: number | null } {
  if (
    [latest.gap, latest.gap_lower, latest.gap_upper, base.gap, base.gap_lower, base.gap_upper].some(
      (v) => v === null,
    )
  )
    return { change: null, lower: null, upper: null };
  const se = (g: typeof latest) => ((g.gap_upper as number) - (g.gap_lower as number)) / (2 * z95);
  const change = (latest.gap as number) - (base.gap as number);
  const half = z95 * Math.sqrt(se(latest) ** 2 + se(base) ** 2);
  return { change, lower: change - half, upper: change + half };
}

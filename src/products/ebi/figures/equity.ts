import type { PopulationCount, StratumCount } from "../../../pipeline/buildTables.ts";
import { ethnicGroupOf, ethnicGroups } from "../../../reference/ethnicGroups.ts";
import { esp2013AgeBands } from "../../../stats/index.ts";
import type { EquityRow, OrganisationRow, OrgLevel } from "../release/tables.ts";
import { ageSexTotals, crudeOf, dsrOf } from "./baselines.ts";

interface Group {
  dimension: EquityRow["dimension"];
  code: string;
  label: string;
  order: number;
  strata: (s: StratumCount) => boolean;
  population?: (p: PopulationCount) => boolean;
  /** How the rate is standardised: age-sex DSR, crude, or none (no population by this group). */
  rate: "dsr" | "crude" | "none";
}

const decileLabel = (d: number) =>
  d === 1 ? "1 (most deprived)" : d === 10 ? "10 (least deprived)" : String(d);
const quintileLabel = (q: number) =>
  q === 1 ? "1 (most deprived)" : q === 5 ? "5 (least deprived)" : String(q);

/** Every group of every equity dimension, with the rows of strata and population that belong to it. */
export function equityGroups(): Group[] {
  const groups: Group[] = [];
  for (let d = 1; d <= 10; d++) {
    groups.push({
      dimension: "imd_decile",
      code: String(d),
      label: decileLabel(d),
      order: d,
      strata: (s) => s.imd_decile === d,
      population: (p) => p.imd_decile === d,
      rate: "dsr",
    });
  }
  groups.push({
    dimension: "imd_decile",
    code: "unknown",
    label: "LSOA not known",
    order: 11,
    strata: (s) => s.imd_decile === null,
    rate: "none",
  });
  for (let q = 1; q <= 5; q++) {
    const inQ = (d: number | null) => d !== null && Math.ceil(d / 2) === q;
    groups.push({
      dimension: "imd_quintile",
      code: String(q),
      label: quintileLabel(q),
      order: q,
      strata: (s) => inQ(s.imd_decile),
      population: (p) => inQ(p.imd_decile),
      rate: "dsr",
    });
  }
  groups.push({
    dimension: "imd_quintile",
    code: "unknown",
    label: "LSOA not known",
    order: 6,
    strata: (s) => s.imd_decile === null,
    rate: "none",
  });
  ethnicGroups.forEach((g, i) => {
    groups.push({
      dimension: "ethnic_group",
      code: g.code,
      label: g.label,
      order: i + 1,
      strata: (s) => ethnicGroupOf(s.ethnos) === g.code,
      rate: "none",
    });
  });
  esp2013AgeBands.forEach((band, i) => {
    const label = band === 90 ? "90+" : `${band}–${band + 4}`;
    groups.push({
      dimension: "age_band",
      code: String(band),
      label,
      order: i + 1,
      strata: (s) => s.age_band === band,
      population: (p) => p.age_band === band,
      rate: "crude",
    });
  });
  groups.push({
    dimension: "age_band",
    code: "unknown",
    label: "Age not known",
    order: 20,
    strata: (s) => s.age_band === null,
    rate: "none",
  });
  groups.push({
    dimension: "sex",
    code: "1",
    label: "Male",
    order: 1,
    strata: (s) => s.sex === "1",
    population: (p) => p.sex === "1",
    rate: "crude",
  });
  groups.push({
    dimension: "sex",
    code: "2",
    label: "Female",
    order: 2,
    strata: (s) => s.sex === "2",
    population: (p) => p.sex === "2",
    rate: "crude",
  });
  groups.push({
    dimension: "sex",
    code: "unknown",
    label: "Not known or not specified",
    order: 3,
    strata: (s) => s.sex !== "1" && s.sex !== "2",
    rate: "none",
  });
  return groups;
}

const levels: OrgLevel[] = ["england", "region", "icb", "sub_icb"];

/**
 * Equity rows for one intervention and period: spells, population and rates per group of every
 * dimension, for every commissioner. IMD groups are age-sex standardised (ESP 2013); age and sex
 * groups are crude; ethnic groups carry counts only (no population by ethnic group is loaded).
 */
export function equityRows(input: {
  intervention_id: string;
  period: "baseline" | "latest";
  organisations: readonly OrganisationRow[];
  strata: readonly StratumCount[];
  population: readonly PopulationCount[];
}): EquityRow[] {
  const strataByOrg = new Map<string, StratumCount[]>();
  for (const s of input.strata) {
    const k = `${s.level}|${s.org_code}`;
    const list = strataByOrg.get(k);
    if (list) list.push(s);
    else strataByOrg.set(k, [s]);
  }
  const popByOrg = new Map<string, PopulationCount[]>();
  for (const p of input.population) {
    const k = `${p.level}|${p.org_code}`;
    const list = popByOrg.get(k);
    if (list) list.push(p);
    else popByOrg.set(k, [p]);
  }
  const groups = equityGroups();
  const rows: EquityRow[] = [];
  for (const org of input.organisations) {
    if (!levels.includes(org.level)) continue;
    const k = `${org.level}|${org.org_code}`;
    const strata = strataByOrg.get(k) ?? [];
    const population = popByOrg.get(k) ?? [];
    for (const group of groups) {
      const totals = ageSexTotals(strata, group.population ? population : [], {
        strata: group.strata,
        population: group.population,
      });
      const rate =
        group.rate === "dsr"
          ? dsrOf(totals)
          : group.rate === "crude"
            ? crudeOf(totals.spells, totals.people)
            : { value: null, lower: null, upper: null };
      rows.push({
        intervention_id: input.intervention_id,
        level: org.level,
        org_code: org.org_code,
        period: input.period,
        dimension: group.dimension,
        group_code: group.code,
        group_label: group.label,
        group_order: group.order,
        spells: totals.spells,
        population: group.population ? Math.round(totals.people) : null,
        crude_rate: group.rate === "none" ? null : crudeOf(totals.spells, totals.people).value,
        dsr: group.rate === "dsr" ? rate.value : null,
        lower: rate.lower,
        upper: rate.upper,
        suppressed: null,
      });
    }
  }
  return rows;
}

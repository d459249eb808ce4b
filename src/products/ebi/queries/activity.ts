import type { PeriodGrain } from "../../../periods/period.ts";
import { periodTotals } from "../../../periods/periodTotals.ts";
import type { LoadedRelease } from "../release/readRelease.ts";
import type { MonthlyRow, OrgLevel, Suppression } from "../release/tables.ts";
import { getIntervention } from "./interventions.ts";
import { findOrganisation } from "./organisations.ts";

export const activityBreakdowns = ["month", "financial_year", "children"] as const;
export type ActivityBreakdown = (typeof activityBreakdowns)[number];

export interface ActivityFilter {
  /** One intervention; absent, every measurable intervention. */
  intervention?: string;
  org?: string;
  level?: OrgLevel;
  /** First and last month, YYYY-MM, inclusive. */
  from?: string;
  to?: string;
  /** month (default); financial_year (April–March totals); children (the org's children, monthly). */
  breakdown?: ActivityBreakdown;
}

/** Spells of one period at a grain coarser than a month (see `periodTotals` for what is shown). */
export interface PeriodActivityRow {
  intervention_id: string;
  level: OrgLevel;
  org_code: string;
  period: string;
  period_start: string;
  period_end: string;
  months: number;
  spells: number | null;
  suppressed: Suppression;
}

/**
 * Spells by quarter, financial year or rolling 12 months for the organisations `activityRows`
 * would give monthly: sums of published months, or the release's own totals (baseline year, latest
 * 12 months), hidden where a month in them is hidden.
 */
export function periodActivityRows(
  release: LoadedRelease,
  filter: Omit<ActivityFilter, "breakdown"> & { breakdown?: "month" | "children" },
  grain: Exclude<PeriodGrain, "month">,
): PeriodActivityRow[] {
  const months = activityRows(release, { ...filter, breakdown: filter.breakdown ?? "month" }) as MonthlyRow[];
  const bySeries = new Map<string, MonthlyRow[]>();
  for (const r of months) {
    const key = `${r.intervention_id}|${r.level}|${r.org_code}`;
    bySeries.set(key, [...(bySeries.get(key) ?? []), r]);
  }
  const out: PeriodActivityRow[] = [];
  for (const [key, rows] of bySeries) {
    const b = release.baselineOf.get(key);
    const published = b
      ? [
          { start: b.baseline_start, end: b.baseline_end, spells: b.baseline_spells },
          { start: b.latest_start, end: b.latest_end, spells: b.latest_spells },
        ]
      : [];
    const first = rows[0] as MonthlyRow;
    for (const p of periodTotals(rows, grain, published))
      out.push({
        intervention_id: first.intervention_id,
        level: first.level,
        org_code: first.org_code,
        period: p.label,
        period_start: p.start,
        period_end: p.end,
        months: p.months,
        spells: p.spells,
        suppressed: p.suppressed,
      });
  }
  return out;
}

/**
 * A financial year's spells: the release's own total when the year is a baseline year or the latest
 * 12 months (with its redaction), otherwise the sum of its months, null and "derived" when any
 * month of it is redacted.
 */
export interface FinancialYearRow {
  intervention_id: string;
  level: OrgLevel;
  org_code: string;
  financial_year: string; // "2018-19"
  months: number;
  spells: number | null;
  suppressed: Suppression;
}

/** The financial year of a month "YYYY-MM-DD", e.g. 2019-03-01 → "2018-19". */
export function financialYear(month: string): string {
  const year = Number(month.slice(0, 4));
  const start = Number(month.slice(5, 7)) >= 4 ? year : year - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, "0")}`;
}

/**
 * Monthly spells of an intervention for an organisation, every organisation of a level (default
 * England), or an organisation's children; optionally totalled by financial year.
 */
export function activityRows(
  release: LoadedRelease,
  filter: ActivityFilter,
): MonthlyRow[] | FinancialYearRow[] {
  const interventions = filter.intervention
    ? [getIntervention(release, filter.intervention).intervention_id]
    : release.interventions.filter((i) => i.measurable).map((i) => i.intervention_id);
  const breakdown = filter.breakdown ?? "month";
  let orgs = filter.org
    ? [findOrganisation(release, filter.org, filter.level)]
    : release.organisations.filter((o) => o.level === (filter.level ?? "england"));
  if (breakdown === "children") {
    const parent = orgs[0];
    orgs =
      parent?.level === "england"
        ? release.organisations.filter((o) => o.level === "region")
        : (release.childrenOf.get(parent?.org_code ?? "") ?? []).filter((o) => o.level !== "provider");
  }
  const from = filter.from ? `${filter.from}-01` : "";
  const to = filter.to ? `${filter.to}-01` : "9999";
  const months = interventions.flatMap((id) =>
    orgs.flatMap((o) =>
      (release.monthlyOf.get(`${id}|${o.level}|${o.org_code}`) ?? []).filter(
        (r) => r.month >= from && r.month <= to,
      ),
    ),
  );
  if (breakdown !== "financial_year") return months;
  const years = new Map<string, FinancialYearRow>();
  for (const r of months) {
    const fy = financialYear(r.month);
    const key = `${r.intervention_id}|${r.level}|${r.org_code}|${fy}`;
    const row = years.get(key) ?? {
      intervention_id: r.intervention_id,
      level: r.level,
      org_code: r.org_code,
      financial_year: fy,
      months: 0,
      spells: 0,
      suppressed: null,
    };
    row.months += 1;
    // A total over a redacted month is itself hidden: it would narrow the month's value.
    if (r.spells === null || row.spells === null) row.spells = null;
    else row.spells += r.spells;
    if (row.spells === null) row.suppressed = "derived";
    years.set(key, row);
  }
  // A year the release publishes a total for (a baseline year, the latest 12 months when they are a
  // financial year) takes that total and its redaction: the page and this answer then agree, and the
  // sum of months never shows a total the release hides.
  for (const row of years.values()) {
    if (row.months !== 12) continue;
    const b = release.baselineOf.get(`${row.intervention_id}|${row.level}|${row.org_code}`);
    if (!b) continue;
    const [start, end] = [
      `${row.financial_year.slice(0, 4)}-04-01`,
      `${Number(row.financial_year.slice(0, 4)) + 1}-03-01`,
    ];
    const published =
      b.baseline_start === start && b.baseline_end === end
        ? b.baseline_spells
        : b.latest_start === start && b.latest_end === end
          ? b.latest_spells
          : undefined;
    if (published === undefined) continue;
    row.spells = published;
    row.suppressed = published === null ? "derived" : null;
  }
  return [...years.values()];
}

import type { LoadedRelease } from "../../release/readRelease.ts";
import type { MonthlyRow, OrgLevel, Suppression } from "../../release/tables.ts";
import { getIntervention } from "./interventions.ts";
import { findOrganisation } from "./organisations.ts";

export const activityBreakdowns = ["month", "financial_year", "children"] as const;
export type ActivityBreakdown = (typeof activityBreakdowns)[number];

export interface ActivityFilter {
  intervention: string;
  org?: string;
  level?: OrgLevel;
  /** First and last month, YYYY-MM, inclusive. */
  from?: string;
  to?: string;
  /** month (default); financial_year (April–March totals); children (the org's children, monthly). */
  breakdown?: ActivityBreakdown;
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
  getIntervention(release, filter.intervention);
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
  const months = orgs.flatMap((o) =>
    (release.monthlyOf.get(`${filter.intervention}|${o.level}|${o.org_code}`) ?? []).filter(
      (r) => r.month >= from && r.month <= to,
    ),
  );
  if (breakdown !== "financial_year") return months;
  const years = new Map<string, FinancialYearRow>();
  for (const r of months) {
    const fy = financialYear(r.month);
    const key = `${r.level}|${r.org_code}|${fy}`;
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

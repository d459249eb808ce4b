import { byarsCountInterval, compareWithBenchmark } from "../../../stats/index.ts";
import type { RateTrend, TrendPoint } from "../charts/chartData.ts";
import type { LoadedRelease } from "../release/readRelease.ts";
import type { BaselineRow } from "../release/tables.ts";
import { getIntervention } from "./interventions.ts";
import { findOrganisation } from "./organisations.ts";

export type { RateTrend, TrendPoint };

export const trendMethod =
  "Each financial year's rate is the year's published spells scaled by the area's baseline ratio of standardised rate to spells: the directly age-sex standardised rate the year would have with the baseline year's population and age-sex mix of spells. Under that assumption Dobson's factor √(var/O) stays as in the baseline, so each year's limits are the rate + factor × (Byar's limit of the year's count − the count). A year with a hidden month is hidden; no rate below 10 spells. The latest 12 months' published standardised rate is shown beside them for comparison.";

/** Financial years wholly inside the release's data ("YYYY-04-01" to "YYYY+1-03-01"). */
export function financialYears(
  dataStart: string,
  dataEnd: string,
): { year: string; start: string; end: string }[] {
  const first = Number(dataStart.slice(0, 4)) + (Number(dataStart.slice(5, 7)) > 4 ? 1 : 0);
  const years = [];
  for (let y = first; `${y + 1}-03-01` <= dataEnd; y++)
    years.push({
      year: `${y}/${String((y + 1) % 100).padStart(2, "0")}`,
      start: `${y}-04-01`,
      end: `${y + 1}-03-01`,
    });
  return years;
}

/**
 * A financial year's rate of one organisation from its published months and baseline (see
 * `trendMethod`); never from a hidden month.
 */
export function yearRate(
  months: readonly { month: string; spells: number | null }[],
  baseline: BaselineRow | undefined,
  year: { year: string; start: string; end: string },
  confidence: number,
): TrendPoint {
  const inside = months.filter((m) => m.month >= year.start && m.month <= year.end);
  const empty = { ...year, spells: null, rate: null, lower: null, upper: null };
  if (inside.length < 12 || inside.some((m) => m.spells === null)) return { ...empty, status: "suppressed" };
  const spells = inside.reduce((s, m) => s + (m.spells as number), 0);
  if (
    !baseline ||
    baseline.baseline_spells === null ||
    baseline.baseline_spells <= 0 ||
    baseline.dsr === null ||
    baseline.dsr_upper === null
  )
    return { ...empty, spells, status: "no-baseline" };
  if (spells < 10) return { ...empty, spells, status: "not-calculated" };
  const ratio = baseline.dsr / baseline.baseline_spells;
  const factor =
    (baseline.dsr_upper - baseline.dsr) /
    (byarsCountInterval(baseline.baseline_spells).upper - baseline.baseline_spells);
  const limits = byarsCountInterval(spells, confidence);
  const rate = ratio * spells;
  return {
    ...year,
    spells,
    rate,
    lower: rate + factor * (limits.lower - spells),
    upper: rate + factor * (limits.upper - spells),
    status: "shown",
  };
}

/** An area's financial-year standardised rates against England's for one intervention. */
export function rateTrend(
  release: LoadedRelease,
  interventionId: string,
  code: string,
  confidence = 0.95,
): RateTrend {
  const intervention = getIntervention(release, interventionId);
  const org = findOrganisation(release, code);
  const { data_start, data_end, latest } = release.manifest.periods;
  const series = (o: { level: string; org_code: string }) =>
    release.monthlyOf.get(`${interventionId}|${o.level}|${o.org_code}`) ?? [];
  const base = (o: { level: string; org_code: string }) =>
    release.baselineOf.get(`${interventionId}|${o.level}|${o.org_code}`);
  const england = { level: "england", org_code: "ENG" };
  const rows = financialYears(data_start, data_end).map((year) => {
    const area = yearRate(series(org), base(org), year, confidence);
    const eng = yearRate(series(england), base(england), year, confidence);
    const comparison =
      area.status === "shown" && eng.rate !== null
        ? compareWithBenchmark(
            { value: area.rate as number, lower: area.lower as number, upper: area.upper as number },
            eng.rate,
          )
        : null;
    return { year: year.year, area, england: eng, comparison };
  });
  return {
    intervention,
    org,
    confidence,
    rows,
    latest: { ...latest, area: base(org)?.latest_dsr ?? null, england: base(england)?.latest_dsr ?? null },
    method: trendMethod,
  };
}

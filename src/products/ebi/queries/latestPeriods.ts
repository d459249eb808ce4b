import type { PeriodGrain } from "../../../periods/period.ts";
import type { PeriodFigure } from "../../../periods/periodTotals.ts";
import type { OrganisationRow } from "../../../release/tables.ts";
import type { LoadedRelease } from "../release/readRelease.ts";
import { seriesAt } from "./spc.ts";

/** One intervention's latest complete period of a grain and the one before it (null when there is none). */
export interface LatestPeriod {
  latest: PeriodFigure | null;
  previous: PeriodFigure | null;
}

/**
 * For each measurable intervention, the organisation's spells in the latest complete period of
 * `grain` and the period before it (for a rolling 12 months, the 12 months before), from published
 * figures only (see `periodTotals`). Keyed by intervention id.
 */
export function latestPeriodsOf(
  release: LoadedRelease,
  org: Pick<OrganisationRow, "level" | "org_code">,
  grain: PeriodGrain,
): Record<string, LatestPeriod> {
  const out: Record<string, LatestPeriod> = {};
  for (const i of release.interventions) {
    if (!i.measurable) continue;
    const { totals } = seriesAt(release, `${i.intervention_id}|${org.level}|${org.org_code}`, grain);
    const latest = totals.at(-1) ?? null;
    const back = grain === "rolling_12" ? 13 : 2;
    out[i.intervention_id] = { latest, previous: totals.at(-back) ?? null };
  }
  return out;
}

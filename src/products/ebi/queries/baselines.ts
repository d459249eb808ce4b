import type { LoadedRelease } from "../release/readRelease.ts";
import type { BaselineRow, OrgLevel, TrajectoryRow } from "../release/tables.ts";
import { getIntervention } from "./interventions.ts";
import { findOrganisation } from "./organisations.ts";

/** Baselines, goals, latest 12 months, progress and money, filtered by intervention, level and org. */
export function baselineRows(
  release: LoadedRelease,
  filter: { intervention?: string; level?: OrgLevel; org?: string },
): BaselineRow[] {
  if (filter.intervention) getIntervention(release, filter.intervention);
  const org = filter.org ? findOrganisation(release, filter.org, filter.level) : null;
  if (filter.intervention && org) {
    const one = release.baselineOf.get(`${filter.intervention}|${org.level}|${org.org_code}`);
    return one ? [one] : [];
  }
  return release.baselines.filter(
    (b) =>
      (!filter.intervention || b.intervention_id === filter.intervention) &&
      (!filter.level || b.level === filter.level) &&
      (!org || (b.org_code === org.org_code && b.level === org.level)),
  );
}

/** The goal year of an intervention for an organisation (default England): monthly goal spells. */
export function goalTrajectory(
  release: LoadedRelease,
  intervention: string,
  org = "ENG",
  level?: OrgLevel,
): { baseline: BaselineRow | null; rows: TrajectoryRow[] } {
  getIntervention(release, intervention);
  const o = findOrganisation(release, org, level);
  const key = `${intervention}|${o.level}|${o.org_code}`;
  return { baseline: release.baselineOf.get(key) ?? null, rows: release.trajectoryOf.get(key) ?? [] };
}

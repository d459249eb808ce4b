import type { LoadedRelease } from "../../release/readRelease.ts";
import type { BaselineRow, InterventionRow, OrgLevel } from "../../release/tables.ts";
import { spcSeries } from "./spc.ts";

export interface InterventionSummary {
  intervention: InterventionRow;
  baseline: BaselineRow | null;
  variation: string | null;
  assurance: string | null;
  spcReason: string | null;
}

/** Every intervention for one organisation: baseline, latest, goal, progress, money and SPC icons. */
export function interventionSummaries(
  release: LoadedRelease,
  level: OrgLevel,
  orgCode: string,
): InterventionSummary[] {
  return release.interventions.map((intervention) => {
    if (!intervention.measurable)
      return { intervention, baseline: null, variation: null, assurance: null, spcReason: "not measurable" };
    const baseline = release.baselineOf.get(`${intervention.intervention_id}|${level}|${orgCode}`) ?? null;
    const spc =
      level === "provider" || baseline
        ? spcSeries(release, intervention.intervention_id, level, orgCode)
        : null;
    return {
      intervention,
      baseline,
      variation: spc?.chart?.variation ?? null,
      assurance: spc?.chart?.assurance ?? null,
      spcReason: spc?.reason ?? null,
    };
  });
}

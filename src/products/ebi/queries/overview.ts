import type { LoadedRelease } from "../release/readRelease.ts";
import type { BaselineRow, InterventionRow, OrgLevel } from "../release/tables.ts";
import { type Progress, progressOf } from "./progress.ts";
import { type PeriodSpells, providerActivity } from "./providers.ts";
import { spcSeries } from "./spc.ts";

export interface InterventionSummary {
  intervention: InterventionRow;
  baseline: BaselineRow | null;
  variation: string | null;
  assurance: string | null;
  spcReason: string | null;
  /**
   * Baseline standardised rates: England's, and the median of every organisation at the same level
   * (the release's variation row for that level: the p50 the intervention page shows).
   */
  englandRate: number | null;
  peerMedian: number | null;
  /** Against the goal in the latest 12 months (null without a baseline row). */
  progress: Progress | null;
  /** A provider's own spells (providers have no baseline row or goal). */
  provider: { baseline: PeriodSpells | null; latest: PeriodSpells } | null;
}

/** Every intervention for one organisation: baseline, latest, goal, progress, money and SPC icons. */
export function interventionSummaries(
  release: LoadedRelease,
  level: OrgLevel,
  orgCode: string,
): InterventionSummary[] {
  return release.interventions.map((intervention) => {
    if (!intervention.measurable)
      return {
        intervention,
        baseline: null,
        variation: null,
        assurance: null,
        spcReason: "not measurable",
        englandRate: null,
        peerMedian: null,
        progress: null,
        provider: null,
      };
    const peers = release.variation.find(
      (v) => v.intervention_id === intervention.intervention_id && v.level === level,
    );
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
      englandRate: release.baselineOf.get(`${intervention.intervention_id}|england|ENG`)?.dsr ?? null,
      peerMedian: level === "england" ? null : (peers?.p50 ?? null),
      progress: baseline ? progressOf(baseline) : null,
      provider: level === "provider" ? providerActivity(release, intervention, orgCode) : null,
    };
  });
}

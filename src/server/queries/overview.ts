import type { LoadedRelease } from "../../release/readRelease.ts";
import type { BaselineRow, InterventionRow, OrgLevel } from "../../release/tables.ts";
import { spcSeries } from "./spc.ts";

export interface InterventionSummary {
  intervention: InterventionRow;
  baseline: BaselineRow | null;
  variation: string | null;
  assurance: string | null;
  spcReason: string | null;
  /** Baseline standardised rates: England's, and the median of organisations at the same level. */
  englandRate: number | null;
  peerMedian: number | null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
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
      };
    const peers = release.baselines
      .filter(
        (b) => b.intervention_id === intervention.intervention_id && b.level === level && b.dsr !== null,
      )
      .map((b) => b.dsr as number);
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
      peerMedian: level === "england" ? null : median(peers),
    };
  });
}

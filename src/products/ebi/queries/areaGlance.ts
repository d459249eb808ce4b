import { EbiError } from "../../../errors/index.ts";
import {
  type BenchmarkClass,
  compareWithBenchmark,
  opportunityAt,
  percentile,
} from "../../../stats/index.ts";
import type { LoadedRelease } from "../release/readRelease.ts";
import type { InterventionRow, OrganisationRow } from "../release/tables.ts";
import { type AreaRate, areaRate, benchmarkOf, comparisonMethod, peerRates } from "./compareAreas.ts";
import { findOrganisation } from "./organisations.ts";
import { peerGroupOf, peerLevels } from "./peerGroups.ts";

/** The spread of published baseline rates at a level: what a spine chart's bar shows. */
export interface RateRange {
  units: number;
  min: number;
  p25: number;
  p75: number;
  max: number;
}

/** One intervention of an area at a glance. */
export interface GlanceRow {
  intervention: InterventionRow;
  rate: AreaRate;
  england: number | null;
  vsEngland: BenchmarkClass | null;
  peerMedian: number | null;
  peerLowerQuartile: number | null;
  vsPeers: BenchmarkClass | null;
  /** Spells above the peers' median and lower quartile rates (Model Health System's opportunity). */
  opportunityAtMedian: number | null;
  opportunityAtLowerQuartile: number | null;
  range: RateRange | null;
  /** Significantly higher than England and than its peers' median. */
  flagged: boolean;
}

export interface AreaGlance {
  org: OrganisationRow;
  confidence: number;
  rows: GlanceRow[];
  method: string;
}

/** The range of published baseline rates of an intervention over the organisations of a level. */
export function rateRange(
  release: LoadedRelease,
  interventionId: string,
  level: OrganisationRow["level"],
): RateRange | null {
  const rates = release.organisations
    .filter((o) => o.level === level)
    .map((o) => release.baselineOf.get(`${interventionId}|${level}|${o.org_code}`))
    .filter((b) => b !== undefined && b.baseline_spells !== null && b.dsr !== null)
    .map((b) => b?.dsr as number);
  if (rates.length === 0) return null;
  return {
    units: rates.length,
    min: Math.min(...rates),
    p25: percentile(rates, 0.25),
    p75: percentile(rates, 0.75),
    max: Math.max(...rates),
  };
}

/** Every measurable intervention for one region, ICB or sub-ICB location against England and its peers. */
export function areaGlance(release: LoadedRelease, code: string, confidence = 0.95): AreaGlance {
  const org = findOrganisation(release, code);
  if (!peerLevels.includes(org.level))
    throw new EbiError(
      "EBI_NOT_FOUND",
      `${org.name} is not a commissioner: an area at a glance is for regions, ICBs and sub-ICB locations.`,
      { parameter: "org", value: code },
    );
  const hasPeers = (() => {
    try {
      return peerGroupOf(release, org).peers.length > 0;
    } catch {
      return false;
    }
  })();
  const rows = release.interventions
    .filter((i) => i.measurable)
    .map((intervention): GlanceRow => {
      const id = intervention.intervention_id;
      const rate = areaRate(release.baselineOf.get(`${id}|${org.level}|${org.org_code}`), confidence);
      const england = benchmarkOf(release, id, org, "england").value;
      const peers = hasPeers ? peerRates(release, id, org) : null;
      const interval =
        rate.status === "shown"
          ? { value: rate.rate as number, lower: rate.lower as number, upper: rate.upper as number }
          : null;
      const vsEngland = interval && england !== null ? compareWithBenchmark(interval, england) : null;
      const vsPeers = interval && peers?.median != null ? compareWithBenchmark(interval, peers.median) : null;
      const spells = rate.spells;
      const at = (benchmark: number | null | undefined) =>
        spells !== null && rate.rate !== null && benchmark != null
          ? opportunityAt(spells, rate.rate, benchmark)
          : null;
      return {
        intervention,
        rate,
        england,
        vsEngland,
        peerMedian: peers?.median ?? null,
        peerLowerQuartile: peers?.lowerQuartile ?? null,
        vsPeers,
        opportunityAtMedian: at(peers?.median),
        opportunityAtLowerQuartile: at(peers?.lowerQuartile),
        range: rateRange(release, id, org.level),
        flagged: vsEngland === "higher" && vsPeers === "higher",
      };
    });
  return { org, confidence, rows, method: comparisonMethod(confidence) };
}

import type { LoadedRelease } from "../release/readRelease.ts";
import type { OrgLevel, VariationRow } from "../release/tables.ts";

/** The spread of baseline standardised rates at a level, with every unit counted once. */
export interface VariationSummary {
  row: VariationRow | null;
  /** Organisations at the level. */
  units: number;
  /** Of those, with a baseline standardised rate (the percentiles' inputs). */
  rated: number;
  /** Without one: fewer than 10 spells or no population. units = rated + unrated. */
  unrated: number;
  /** Of the rated, those whose rate the public release hides (small numbers). */
  hidden: number;
}

/** The variation row of an intervention at a level and the counts that add up to the level's units. */
export function variationSummary(
  release: LoadedRelease,
  interventionId: string,
  level: OrgLevel = "sub_icb",
): VariationSummary {
  const row =
    release.variation.find((v) => v.intervention_id === interventionId && v.level === level) ?? null;
  const units = release.organisations.filter((o) => o.level === level).length;
  const published = release.baselines.filter(
    (b) => b.intervention_id === interventionId && b.level === level && b.dsr !== null,
  ).length;
  const rated = Math.min(row?.units ?? published, units);
  return { row, units, rated, unrated: units - rated, hidden: Math.max(0, rated - published) };
}

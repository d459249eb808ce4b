import {
  slopeIndexOfInequality,
  standardisedRateDifference,
  standardisedRateRatio,
} from "../../../stats/index.ts";
import type { LoadedRelease } from "../release/readRelease.ts";
import type { EquityRow, OrgLevel } from "../release/tables.ts";

export const equityDimensions = ["imd_quintile", "imd_decile", "ethnic_group", "age_band", "sex"] as const;
export type EquityDimension = (typeof equityDimensions)[number];

export interface EquitySummary {
  rows: EquityRow[];
  baselineRows: EquityRow[];
  /** Most vs least deprived (IMD dimensions only), from the age-sex standardised rates the page shows. */
  gap: {
    ratio: number;
    ratioLower: number;
    ratioUpper: number;
    difference: number;
    differenceLower: number;
    differenceUpper: number;
  } | null;
  /**
   * SII: the modelled rate of the most deprived minus that of the least deprived, per 100,000
   * (so positive when the most deprived have more); RII: most ÷ least at the ends of the gradient,
   * null when the modelled least-deprived rate is not above 0.
   */
  sii: { sii: number; rii: number | null } | null;
  note: string | null;
}

/** Rates by group for an intervention and organisation, with deprivation gap, SII and RII where they apply. */
export function equitySummary(
  release: LoadedRelease,
  interventionId: string,
  level: OrgLevel,
  orgCode: string,
  period: "baseline" | "latest",
  dimension: EquityDimension,
): EquitySummary {
  const key = (p: string) => `${interventionId}|${level}|${orgCode}|${p}|${dimension}`;
  const rows = release.equityOf.get(key(period)) ?? [];
  const baselineRows = release.equityOf.get(key("baseline")) ?? [];
  let gap: EquitySummary["gap"] = null;
  let sii: EquitySummary["sii"] = null;
  let note: string | null = null;
  if (dimension === "imd_decile" || dimension === "imd_quintile") {
    const ranked = rows.filter((r) => r.group_code !== "unknown");
    const most = ranked[0];
    const least = ranked.at(-1);
    // The standardised rates the chart and table show, each with its 95% limits.
    const rated = (r: EquityRow | undefined) =>
      r && r.dsr !== null && r.lower !== null && r.upper !== null && r.lower > 0
        ? { value: r.dsr, lower: r.lower, upper: r.upper }
        : null;
    const a = rated(most);
    const b = rated(least);
    if (a && b && a.lower <= a.value && a.value <= a.upper && b.lower <= b.value && b.value <= b.upper) {
      const ratio = standardisedRateRatio(a, b);
      const difference = standardisedRateDifference(a, b);
      gap = {
        ratio: ratio.value,
        ratioLower: ratio.lower,
        ratioUpper: ratio.upper,
        difference: difference.value,
        differenceLower: difference.lower,
        differenceUpper: difference.upper,
      };
    } else
      note =
        "The most or least deprived group is hidden or has no standardised rate (fewer than 10 spells), so their ratio and gap are not shown.";
    const withRate = ranked.filter((r) => r.dsr !== null && (r.population ?? 0) > 0);
    if (withRate.length === ranked.length && ranked.length >= 3) {
      // The fit runs from most deprived (x = 0) to least (x = 1), so its slope is least minus most.
      const result = slopeIndexOfInequality(
        withRate.map((r) => ({ rate: r.dsr as number, population: r.population as number })),
      );
      const atMost = result.intercept;
      const atLeast = result.intercept + result.sii;
      sii = Number.isFinite(result.sii)
        ? { sii: atMost - atLeast, rii: atLeast > 0 ? atMost / atLeast : null }
        : null;
    } else
      note = `${note ? `${note} ` : ""}SII and RII need a standardised rate for every deprivation group.`;
  }
  return { rows, baselineRows, gap, sii, note };
}

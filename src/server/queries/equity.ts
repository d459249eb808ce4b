import type { LoadedRelease } from "../../release/readRelease.ts";
import type { EquityRow, OrgLevel } from "../../release/tables.ts";
import { rateDifference, rateRatio, slopeIndexOfInequality } from "../../stats/index.ts";

export const equityDimensions = ["imd_quintile", "imd_decile", "ethnic_group", "age_band", "sex"] as const;
export type EquityDimension = (typeof equityDimensions)[number];

export interface EquitySummary {
  rows: EquityRow[];
  baselineRows: EquityRow[];
  /** Most vs least deprived (IMD dimensions only), from crude counts and populations. */
  gap: {
    ratio: number;
    ratioLower: number;
    ratioUpper: number;
    difference: number;
    differenceLower: number;
    differenceUpper: number;
  } | null;
  /** RII is null when the mean rate is 0 (it would divide by zero). */
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
    const counted = (r: EquityRow | undefined) =>
      r && r.spells !== null && r.spells > 0 && (r.population ?? 0) > 0;
    if (counted(most) && counted(least) && most && least) {
      const a = { events: most.spells as number, population: most.population as number };
      const b = { events: least.spells as number, population: least.population as number };
      const ratio = rateRatio(a, b);
      const difference = rateDifference(a, b);
      gap = {
        ratio: ratio.value,
        ratioLower: ratio.lower,
        ratioUpper: ratio.upper,
        difference: difference.value,
        differenceLower: difference.lower,
        differenceUpper: difference.upper,
      };
    } else
      note = "The most or least deprived group is redacted or empty, so their ratio and gap are not shown.";
    const rated = ranked.filter((r) => (r.dsr ?? r.crude_rate) !== null && (r.population ?? 0) > 0);
    if (rated.length === ranked.length && ranked.length >= 3) {
      const result = slopeIndexOfInequality(
        rated.map((r) => ({ rate: (r.dsr ?? r.crude_rate) as number, population: r.population as number })),
      );
      sii = Number.isFinite(result.sii)
        ? { sii: result.sii, rii: Number.isFinite(result.rii) ? result.rii : null }
        : null;
    } else note = `${note ? `${note} ` : ""}SII and RII need a rate for every deprivation group.`;
  }
  return { rows, baselineRows, gap, sii, note };
}

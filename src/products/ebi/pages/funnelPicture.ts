import { funnelChart } from "../../../web/charts/funnelChart.ts";
import { commissionerFunnel } from "../queries/funnel.ts";
import type { LoadedRelease } from "../release/readRelease.ts";

/** The funnel plot of sub-ICB baseline rates for an intervention, with `orgCode` ringed and named when it is one of them. */
export function funnelPicture(release: LoadedRelease, interventionId: string, orgCode: string): string {
  const funnel = commissionerFunnel(release, interventionId);
  const name = release.interventionOf.get(interventionId)?.name ?? interventionId;
  const ringed = highlightedOf(release, orgCode);
  const chosen = funnel.points.find((p) => p.org_code === orgCode);
  const ringText = chosen
    ? `, ${chosen.name} ringed`
    : ringed.size > 0
      ? `, the sub-ICB locations of ${release.organisationOf.get(`icb|${orgCode}`)?.name ?? orgCode} ringed`
      : "";
  return funnelChart(
    funnel.points.map((p) => ({
      x: p.population,
      y: p.dsr,
      // Ringed units are named in full; others outside the limits by code (the table names them).
      label: ringed.has(p.org_code) ? p.name : p.org_code,
      side: p.side,
      highlight: ringed.has(p.org_code),
    })),
    funnel.limits,
    {
      title: `Funnel plot of sub-ICB baseline standardised rates for ${name}${ringText}`,
      xLabel: "Population (log scale)",
      yLabel: "Standardised rate per 100,000",
      target:
        funnel.target === null
          ? null
          : {
              value: funnel.target,
              label: `England ${funnel.target.toLocaleString("en-GB", { maximumFractionDigits: 1 })}`,
            },
    },
  );
}

/** The sub-ICB locations to ring for a chosen organisation: itself, or an ICB's own locations. */
export function highlightedOf(release: LoadedRelease, orgCode: string): Set<string> {
  const code = orgCode.toUpperCase();
  if (release.organisationOf.has(`sub_icb|${code}`)) return new Set([code]);
  if (release.organisationOf.has(`icb|${code}`))
    return new Set(
      (release.childrenOf.get(code) ?? []).filter((c) => c.level === "sub_icb").map((c) => c.org_code),
    );
  return new Set();
}

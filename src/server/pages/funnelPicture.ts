import type { LoadedRelease } from "../../release/readRelease.ts";
import { funnelChart } from "../../web/charts/funnelChart.ts";
import { commissionerFunnel } from "../queries/funnel.ts";

/** The funnel plot of sub-ICB baseline rates for an intervention, with `orgCode` ringed and named when it is one of them. */
export function funnelPicture(release: LoadedRelease, interventionId: string, orgCode: string): string {
  const funnel = commissionerFunnel(release, interventionId);
  const name = release.interventionOf.get(interventionId)?.name ?? interventionId;
  const chosen = funnel.points.find((p) => p.org_code === orgCode);
  return funnelChart(
    funnel.points.map((p) => ({
      x: p.population,
      y: p.dsr,
      label: p.name,
      side: p.side,
      highlight: p.org_code === orgCode,
    })),
    funnel.limits,
    {
      title: `Funnel plot of sub-ICB baseline standardised rates for ${name}${chosen ? `, ${chosen.name} ringed` : ""}`,
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

import { classifyAgainstFunnel, funnelLabel, funnelLimits } from "../../../stats/index.ts";
import type { FunnelPoint } from "../charts/chartData.ts";
import type { LoadedRelease } from "../release/readRelease.ts";

export type { FunnelPoint };

/**
 * Sub-ICB baseline standardised rates against England's, with funnel limits (95% and 99.8%, exact
 * Poisson on the population). Redacted or uncalculated rates are left out and counted.
 */
export function commissionerFunnel(release: LoadedRelease, interventionId: string) {
  const england = release.baselineOf.get(`${interventionId}|england|ENG`);
  const target = england?.dsr ?? null;
  const rows = release.baselines.filter((b) => b.intervention_id === interventionId && b.level === "sub_icb");
  const usable = rows.filter((b) => b.dsr !== null && b.population !== null && b.population > 0);
  const sorted = [...usable].sort((a, b) => (b.dsr as number) - (a.dsr as number));
  const spec = target === null ? null : ({ type: "rate", target } as const);
  const points: FunnelPoint[] = sorted.map((b, i) => {
    const c = spec ? classifyAgainstFunnel(spec, b.dsr as number, b.population as number) : null;
    return {
      org_code: b.org_code,
      name: release.organisationOf.get(`sub_icb|${b.org_code}`)?.name ?? b.org_code,
      dsr: b.dsr as number,
      population: b.population as number,
      spells: b.baseline_spells,
      rank: i + 1,
      classification: c ? funnelLabel(c) : "no England rate",
      side: c === "higher-99.8" ? "higher" : c === "lower-99.8" ? "lower" : "within",
    };
  });
  const populations = points.map((p) => p.population);
  const lo = Math.min(...populations, 10_000);
  const hi = Math.max(...populations, 100_000);
  const limits = spec
    ? Array.from({ length: 40 }, (_, i) => funnelLimits(spec, lo * (hi / lo) ** (i / 39)))
    : [];
  return { target, points, limits, omitted: rows.length - usable.length };
}

import type { LoadedRelease } from "../../release/readRelease.ts";
import type { OrgLevel } from "../../release/tables.ts";
import { xmrChart } from "../../stats/index.ts";
import type { SpcSeries } from "../../web/charts/chartData.ts";

/** Where limits are recalculated: the programme's start and the pandemic's, and recovery. */
export const rebaseDates = ["2019-04-01", "2020-03-01", "2021-04-01"];

export type { SpcSeries };

/** Monthly spells of an intervention for an organisation with its XmR chart (lower is improvement). */
export function spcSeries(
  release: LoadedRelease,
  interventionId: string,
  level: OrgLevel,
  orgCode: string,
): SpcSeries {
  const key = `${interventionId}|${level}|${orgCode}`;
  const rows = release.monthlyOf.get(key) ?? [];
  const trajectory = new Map((release.trajectoryOf.get(key) ?? []).map((t) => [t.month, t.goal_spells]));
  const baseline = release.baselineOf.get(key);
  const target = baseline?.goal_spells != null ? baseline.goal_spells / 12 : null;
  const months = rows.map((r) => ({
    month: r.month,
    spells: r.spells,
    goal: trajectory.get(r.month) ?? null,
  }));
  const base = { intervention_id: interventionId, level, org_code: orgCode, months, target };
  if (rows.length === 0) return { ...base, chart: null, reason: "no monthly figures for this organisation" };
  if (rows.some((r) => r.spells === null))
    return {
      ...base,
      chart: null,
      reason: "some months are redacted (small numbers), so no control chart is drawn",
    };
  const chart = xmrChart(
    rows.map((r) => ({ date: r.month, value: r.spells as number })),
    { direction: "lower", rebaseAt: rebaseDates, target: target ?? undefined },
  );
  return { ...base, chart, reason: null };
}

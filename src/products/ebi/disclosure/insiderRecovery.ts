import { findRecoverableCells } from "../../../disclosure/findRecoverableCells.ts";
import type { LoadedRelease } from "../release/readRelease.ts";
import { cellKey, releaseCellSystem } from "./releaseCellSystem.ts";

/** An out-of-scope count a signed-in user could work out from the public figures and their own. */
export interface InsiderRecovery {
  intervention_id: string;
  /** The cell key (`m|level|org|month`, `b|level|org`, …) of the recovered count. */
  cell: string;
  value: number;
}

/** The `level|org` a cell key belongs to. */
const orgOfCell = (key: string) => {
  const parts = key.split("|");
  return `${parts.at(-2)}|${parts.at(-1)}`;
};
const orgOfMonthlyOrBaseline = (key: string) => {
  const parts = key.split("|");
  return parts[0] === "m" ? `${parts[1]}|${parts[2]}` : orgOfCell(key);
};

/**
 * The hidden counts outside `scopeKeys` that become exactly known when a reader adds the registered
 * counts of the organisations in scope to the public tables (subtracting their own figures from a
 * public total), and that the public tables alone do not give away. Empty means the scope's
 * registered view teaches nothing about anyone else's hidden counts. Checked per intervention with
 * the same relations as the release's own disclosure check.
 */
export function insiderRecoveries(
  pub: Pick<LoadedRelease, "monthly" | "baselines" | "equity">,
  reg: Pick<LoadedRelease, "monthly" | "baselines" | "equity" | "organisations">,
  scopeKeys: ReadonlySet<string>,
): InsiderRecovery[] {
  const out: InsiderRecovery[] = [];
  const ids = [...new Set(reg.baselines.map((b) => b.intervention_id))];
  const pubMonthly = pub.monthly;
  const regMonthly = reg.monthly;
  const pubEquity = pub.equity;
  const regEquity = reg.equity;
  for (const id of ids) {
    const counts = {
      monthly: regMonthly.filter((r) => r.intervention_id === id),
      baselines: reg.baselines.filter((r) => r.intervention_id === id),
      equity: regEquity.filter((r) => r.intervention_id === id),
    };
    const system = releaseCellSystem(counts, reg.organisations);
    const published = new Map<string, number>();
    for (const r of pubMonthly)
      if (r.intervention_id === id && r.spells !== null) published.set(cellKey.monthly(r), r.spells);
    for (const r of pub.baselines) {
      if (r.intervention_id !== id) continue;
      if (r.baseline_spells !== null) published.set(cellKey.baseline(r), r.baseline_spells);
      if (r.latest_spells !== null) published.set(cellKey.latest(r), r.latest_spells);
    }
    for (const r of pubEquity)
      if (r.intervention_id === id && r.spells !== null) published.set(cellKey.equity(r), r.spells);
    const inScope = (key: string) =>
      scopeKeys.has(key.startsWith("e|") ? orgOfCell(key) : orgOfMonthlyOrBaseline(key));
    const publicView = system.keys.map((k) => published.get(k) ?? null);
    const insiderView = system.keys.map(
      (k, i) => publicView[i] ?? (inScope(k) ? (system.values[i] ?? null) : null),
    );
    const bounds = (view: (number | null)[]) => ({
      published: view,
      lower: view.map(() => 0),
      upper: view.map(() => Number.POSITIVE_INFINITY),
    });
    const publicly = new Set(findRecoverableCells(system.relations, bounds(publicView)));
    for (const cell of findRecoverableCells(system.relations, bounds(insiderView))) {
      const key = system.keys[cell] as string;
      if (insiderView[cell] !== null || publicly.has(cell) || inScope(key)) continue;
      // Remainder cells (activity of no known group) are the build's bookkeeping, not a published count.
      if (!/^[mble]\|/.test(key)) continue;
      out.push({ intervention_id: id, cell: key, value: system.values[cell] ?? 0 });
    }
  }
  return out;
}

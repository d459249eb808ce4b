import type { BaselineRow } from "../release/tables.ts";

/** Where an organisation stands against its goal, in words a percentage cannot distort. */
export interface Progress {
  status: "hidden" | "not-asked" | "met" | "part-way" | "none";
  /** Share of the asked reduction achieved, 0–1 (1 when met, 0 when none); null when hidden or not asked. */
  share: number | null;
  /** Latest 12 months' spells still above the goal (0 once it is met); null when hidden. */
  remaining: number | null;
  /** `remaining` × the unit cost, £; null when hidden or uncosted. */
  remainingCost: number | null;
}

/** A reduction under half a spell is no reduction: a share of it would be noise (1,441%). */
const smallestAsk = 0.5;

/**
 * Progress of the latest 12 months against the goal: share = (baseline − latest) ÷ (baseline −
 * goal), bounded to 0–1 and named ("met" at or below the goal, "none" at or above the baseline),
 * and the opportunity left in the latest year, max(0, latest − goal) spells and their cost.
 */
export function progressOf(row: BaselineRow): Progress {
  const { baseline_spells: baseline, goal_spells: goal, latest_spells: latest } = row;
  if (baseline === null || goal === null || latest === null)
    return { status: "hidden", share: null, remaining: null, remainingCost: null };
  const remaining = Math.max(0, latest - goal);
  const remainingCost = row.unit_cost === null ? null : remaining * row.unit_cost;
  const asked = baseline - goal;
  if (asked < smallestAsk) return { status: "not-asked", share: null, remaining, remainingCost };
  if (latest <= goal)
    return { status: "met", share: 1, remaining: 0, remainingCost: remainingCost === null ? null : 0 };
  if (latest >= baseline) return { status: "none", share: 0, remaining, remainingCost };
  return { status: "part-way", share: (baseline - latest) / asked, remaining, remainingCost };
}

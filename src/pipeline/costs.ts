import { readFileSync } from "node:fs";
import { EbiError } from "../errors/index.ts";
import type { ResolvedIntervention, ResolvedRuleSet } from "../rules/index.ts";
import { requireFile } from "../store/requireFile.ts";

/** £ per spell by intervention id, slug or list name, with where the figures come from. */
export interface CostTable {
  source: string;
  table: Record<string, number>;
}

/**
 * The default: £1,264 per List 1 spell, the programme's launch figures (about £440m for about
 * 348,000 procedures in 2017/18) divided out. No per-intervention or List 2 cost was found, so List 2
 * has none unless a cost table gives one.
 */
export const defaultCosts: CostTable = {
  source:
    "Default: £1,264 per spell for every List 1 intervention = £440m ÷ 348,000 procedures (List 1 launch figures, 2017/18). No published unit cost for List 2: none applied.",
  table: { "List 1": 1264 },
};

/** The unit cost of an intervention: by id, then slug, then its list; null when the table has none. */
export function unitCostOf(
  costs: CostTable,
  set: ResolvedRuleSet,
  intervention: ResolvedIntervention,
): number | null {
  return (
    costs.table[intervention.intervention_id] ??
    costs.table[intervention.slug] ??
    costs.table[set.list] ??
    null
  );
}

/** Reads a cost table file: {"source": "...", "table": {"<id, slug or list>": pounds}}. */
export function readCostTable(path: string): CostTable {
  requireFile(path, "cost table");
  try {
    const data = JSON.parse(readFileSync(path, "utf8")) as CostTable;
    if (typeof data.source !== "string" || typeof data.table !== "object")
      throw new Error("needs source and table");
    for (const [k, v] of Object.entries(data.table))
      if (!(typeof v === "number" && v >= 0)) throw new Error(`cost of ${k} must be a number ≥ 0`);
    return data;
  } catch (error) {
    throw new EbiError("EBI_INVALID_ARGUMENT", `Cost table ${path}: ${(error as Error).message}`, {
      file: path,
    });
  }
}

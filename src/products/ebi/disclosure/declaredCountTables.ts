import { declaredCountTablesOf, declaredSumsOf } from "../../../disclosure/declaredRelations.ts";
import { ebiReleaseTables } from "../release/tables.ts";

/**
 * EBI's count tables beyond the monthly, baseline and equity tables, whose relations
 * `releaseCellSystem` and the attacker form by hand: their sums come from their declarations.
 */
export const declaredCountTables = declaredCountTablesOf(ebiReleaseTables.declarations, [
  "monthly",
  "baselines",
  "equity",
]);

/** Every `[total key, part keys]` of EBI's declared count tables' rows (see `declaredSumsOf`). */
export function declaredSums(
  rows: Readonly<Record<string, readonly Record<string, unknown>[] | undefined>>,
  children: ReadonlyMap<string, readonly string[]>,
  months: readonly string[],
): [string, string[]][] {
  return declaredSumsOf(ebiReleaseTables.declarations, declaredCountTables, rows, children, months);
}

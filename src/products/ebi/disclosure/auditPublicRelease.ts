import { findRecoverableCells } from "../../../disclosure/findRecoverableCells.ts";
import { roundCount } from "../../../disclosure/policy.ts";
import { cellKeyOf } from "../../../release/declareTable.ts";
import { releaseTableDeclarations } from "../release/tables.ts";
import type { ReleaseTables } from "./protectRelease.ts";
import { groupByIntervention, releaseCellSystem } from "./releaseCellSystem.ts";

type CountTables = Pick<ReleaseTables, "organisations" | "monthly" | "baselines" | "equity"> &
  Partial<Pick<ReleaseTables, "quarterly">>;

/** The declared tables that hold counts: the ones a public side must protect. */
const countTables = releaseTableDeclarations.filter((t) => t.counts.length > 0);

/**
 * Checks a public release against its registered source, reading only what was written: no
 * published count from 1 to the threshold; every published count equal to its source; every figure
 * computed from a redacted count redacted too; and no redacted count recoverable from the published
 * ones. Returns the problems found, in words (empty when safe).
 */
export function auditPublicRelease(
  registered: CountTables,
  published: CountTables,
  threshold: number,
  rounding: number | null = null,
): string[] {
  const problems: string[] = [];
  const small = (value: number | null) => value !== null && value >= 1 && value <= threshold;

  const publicValue = new Map<string, number | null>();
  const note = (id: string, key: string, value: number | null, suppressed: string | null) => {
    if (small(value)) problems.push(`${id} ${key}: published count ${value}`);
    // Saying which redactions are small counts would narrow them to 1..threshold.
    if (suppressed === "primary" || suppressed === "secondary")
      problems.push(`${id} ${key}: the public side tells small counts from protecting ones`);
    publicValue.set(`${id}|${key}`, value);
  };
  for (const table of countTables) {
    const rows = published[table.name as keyof CountTables] as unknown as
      | Record<string, unknown>[]
      | undefined;
    for (const row of rows ?? []) {
      const id = String(row[table.unit ?? ""]);
      for (const count of table.counts) {
        const key = cellKeyOf(count, row);
        const value = row[count.column] as number | null;
        note(id, key, value, row.suppressed as string | null);
        const derived = Object.entries(table.derivedFrom)
          .filter(([, from]) => from?.includes(count.column))
          .map(([column]) => row[column]);
        if (value === null && derived.some((v) => v !== null && v !== undefined))
          problems.push(`${id} ${key}: a figure derived from a redacted count is shown`);
      }
    }
  }

  for (const [intervention, counts] of groupByIntervention(registered)) {
    const system = releaseCellSystem(counts, registered.organisations);
    const view = { published: [] as (number | null)[], lower: [] as number[], upper: [] as number[] };
    for (let cell = 0; cell < system.size; cell++) {
      const key = system.keys[cell] ?? "";
      const seen = system.isRemainder(cell) ? undefined : publicValue.get(`${intervention}|${key}`);
      if (seen === undefined && !system.isRemainder(cell))
        problems.push(`${intervention} ${key}: missing from the public tables`);
      const value = seen ?? null;
      if (value !== null && value !== roundCount(system.values[cell] ?? 0, rounding))
        problems.push(
          `${intervention} ${key}: published ${value} but the source holds ${system.values[cell]}`,
        );
      view.published.push(value);
      view.lower.push(0);
      view.upper.push(Number.POSITIVE_INFINITY);
    }
    // Under rounding the published values only bound the true ones; the LP attack covers that case.
    for (const cell of rounding ? [] : findRecoverableCells(system.relations, view)) {
      if (small(system.values[cell] ?? null))
        problems.push(
          `${intervention} ${system.keys[cell]}: a redacted count can be worked out from published totals`,
        );
    }
  }
  return problems;
}

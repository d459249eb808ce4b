import { CellState, CellSystem, findRecoverableCells, secondarySuppression } from "../disclosure/index.ts";
import { smallestPublished } from "../disclosure/secondarySuppression.ts";
import { EbiError } from "../errors/index.ts";
import { type AuditTable, compliance } from "./auditFigures.ts";

const measures = ["restricted", "approved", "approved_after", "without_approval"] as const;

/**
 * The audit's counts per provider and per commissioner, made safe to publish: every count of 1 to
 * `threshold` hidden, then enough others that none can be worked out from the published ones
 * (a total is the sum of its parts; provider and commissioner tables share one total), checked by
 * the independent recoverability test. A compliance rate is shown only beside both its counts; the
 * cost is left out, since £ ÷ unit cost would give a count. Hidden figures are null with
 * `suppressed` = "redacted", one marker whatever the reason.
 */
export function publicCompliance(
  tables: { providers: AuditTable; commissioners: AuditTable },
  threshold = 5,
): AuditTable[] {
  const system = new CellSystem();
  const levels = [
    ["provider", tables.providers],
    ["commissioner", tables.commissioners],
  ] as const;
  const total = (m: string) => levels[0][1].rows.reduce((t, r) => t + Number(r[m] ?? 0), 0);
  const totals = Object.fromEntries(measures.map((m) => [m, system.cell(`all:${m}`, total(m))]));
  const part = (m: (typeof measures)[number]) => totals[m] as number;
  system.relate(part("restricted"), [part("approved"), part("approved_after"), part("without_approval")]);
  for (const [level, table] of levels) {
    const byMeasure: Record<string, number[]> = {};
    for (const row of table.rows) {
      const cells = measures.map((m) =>
        system.cell(`${level}:${row.organisation}:${m}`, Number(row[m] ?? 0)),
      );
      system.relate(cells[0] as number, cells.slice(1));
      measures.forEach((m, i) => {
        byMeasure[m] = [...(byMeasure[m] ?? []), cells[i] as number];
      });
    }
    for (const m of measures) system.relate(part(m), byMeasure[m] ?? []);
  }
  const states = system.primaryStates(threshold);
  secondarySuppression(system, states);
  for (let round = 0; ; round++) {
    const view = {
      published: system.values.map((v, i) => (states[i] === CellState.published ? v : null)),
      lower: system.values.map(() => 0),
      upper: system.values.map(() => Number.POSITIVE_INFINITY),
    };
    const exposed = findRecoverableCells(system.relations, view).filter(
      (c) => states[c] === CellState.primary,
    );
    if (exposed.length === 0) break;
    if (round > system.size)
      throw new EbiError(
        "EBI_DISCLOSURE_RECOVERABLE",
        "The public compliance figures would disclose small counts.",
      );
    // Hide one more published member of a relation holding an exposed cell, then propagate.
    for (const cell of exposed) {
      const relation = system.relations[system.relationsOf(cell)[0] ?? -1];
      const extra = relation && smallestPublished(system, states, [...relation.parts, relation.total]);
      if (extra !== undefined) states[extra] = CellState.secondary;
    }
    secondarySuppression(system, states);
  }
  const shown = (key: string) => {
    const cell = system.find(key) as number;
    return states[cell] === CellState.published ? (system.values[cell] ?? null) : null;
  };
  const publicRows = (level: string, organisations: string[]) =>
    organisations.map((organisation) => {
      const prefix = organisation === "All" ? "all" : `${level}:${organisation}`;
      const values = Object.fromEntries(measures.map((m) => [m, shown(`${prefix}:${m}`)])) as Record<
        (typeof measures)[number],
        number | null
      >;
      const { restricted, approved } = values;
      const rate =
        restricted !== null && approved !== null && restricted > 0
          ? compliance({ restricted, approved, approved_after: 0 })
          : undefined;
      return {
        organisation,
        ...values,
        compliance: rate?.compliance ?? null,
        compliance_lower: rate?.compliance_lower ?? null,
        compliance_upper: rate?.compliance_upper ?? null,
        suppressed: measures.some((m) => values[m] === null) ? "redacted" : null,
      };
    });
  const columns = [
    "organisation",
    ...measures,
    "compliance",
    "compliance_lower",
    "compliance_upper",
    "suppressed",
  ];
  return levels.map(([level, table]) => ({
    name: `public_${table.name}`,
    title: `${table.title} (public: counts of 1 to ${threshold}, and any that would reveal one, hidden)`,
    columns,
    rows: publicRows(level, [...table.rows.map((r) => String(r.organisation)), "All"]),
  }));
}

import { quoteIdentifier, quoteLiteral } from "../../db/index.ts";
import type { MeasureDefinition, OrgLevel } from "./annualMeasures.ts";

/** A breakdown: the published variable type and SQL giving each row's variable value. */
export interface Breakdown {
  variableType: string;
  /** SQL over the source table giving `variable_a`. */
  value: string;
  /** Published label order (for sorting), when there is one. */
  order?: string[];
}

const total: Breakdown = { variableType: "Total", value: "'Total'" };

/** One measure's value as text: a count, or a percentage in percent (empty when the denominator is 0). */
export function measureValueSql(m: MeasureDefinition): string {
  if (m.value !== undefined) return `CAST(${m.value} AS VARCHAR)`;
  const count = `count(*) FILTER (WHERE ${m.numerator})`;
  if (m.statistic === "count" || m.denominator === undefined) return `CAST(${count} AS VARCHAR)`;
  return `CASE WHEN (${m.denominator}) > 0 THEN CAST(100.0 * ${count} / (${m.denominator}) AS VARCHAR) END`;
}

/** One organisation level × breakdown: its grouping set and the `GROUPING()` value that marks its rows. */
interface GroupingSet {
  level: OrgLevel;
  levelOrd: number;
  breakdown: Breakdown;
  breakdownOrd: number;
  columns: string[];
  mark: number;
}

/**
 * SQL for the national long format (org_type, org_code, measure_name, measure_statistic, value,
 * measure_id, and the breakdown's variable_type and variable_a) over `source`: one scan grouped by
 * every organisation level × breakdown at once (GROUPING SETS), unnested from one list of measures
 * per group. An organisation appears when it has a pathway received or finished in the period;
 * England always appears.
 */
export function longFormatSql(
  source: string,
  measures: MeasureDefinition[],
  levels: OrgLevel[],
  breakdowns: Breakdown[] = [total],
  activity = "received OR finished",
): string {
  const structs = measures.map(
    (m, i) =>
      `{'ord': ${i}, 'measure_name': ${quoteLiteral(m.name)}, 'measure_statistic': ${quoteLiteral(m.statistic)},
        'measure_id': ${m.id ? quoteLiteral(m.id) : "NULL::VARCHAR"}, 'value': ${measureValueSql(m)}}`,
  );
  const variable = (bi: number) => quoteIdentifier(`variable_${bi}`);
  const isTotal = (b: Breakdown) => b.variableType === "Total";
  const keys = [
    ...new Set(levels.flatMap((l) => (l.column === null ? [] : [quoteIdentifier(l.column)]))),
    ...breakdowns.flatMap((b, bi) => (isTotal(b) ? [] : [variable(bi)])),
  ];
  const sets: GroupingSet[] = levels.flatMap((level, levelOrd) =>
    breakdowns.map((breakdown, breakdownOrd) => {
      const columns = [
        ...(level.column === null ? [] : [quoteIdentifier(level.column)]),
        ...(isTotal(breakdown) ? [] : [variable(breakdownOrd)]),
      ];
      // GROUPING(keys) sets a key's bit, the last key lowest, when the set does not group by it.
      const mark = keys.reduce((acc, k) => acc * 2 + (columns.includes(k) ? 0 : 1), 0);
      return { level, levelOrd, breakdown, breakdownOrd, columns, mark };
    }),
  );
  if (new Set(sets.map((s) => s.mark)).size !== sets.length)
    throw new Error("longFormatSql: two organisation level × breakdown pairs group by the same columns.");
  const bySet = (f: (s: GroupingSet) => string) =>
    `CASE grouping_mark ${sets.map((s) => `WHEN ${s.mark} THEN ${f(s)}`).join(" ")} END`;
  const projected = breakdowns.flatMap((b, bi) => (isTotal(b) ? [] : [`${b.value} AS ${variable(bi)}`]));
  const grouped = `SELECT ${keys.length ? `GROUPING(${keys.join(", ")})` : "0"} AS grouping_mark,
      ${keys.length ? `${keys.join(", ")},` : ""} count(*) FILTER (WHERE ${activity}) AS active, [${structs.join(", ")}] AS ms
    FROM (SELECT *${projected.map((p) => `, ${p}`).join("")} FROM ${source})
    GROUP BY GROUPING SETS (${sets.map((s) => `(${s.columns.join(", ")})`).join(", ")})`;
  const labelled = `SELECT ${bySet((s) => String(s.levelOrd))} AS level_ord, ${bySet((s) => String(s.breakdownOrd))} AS breakdown_ord,
      ${bySet((s) => quoteLiteral(s.level.orgType))} AS org_type,
      ${bySet((s) => (s.level.column === null ? "'All'" : quoteIdentifier(s.level.column)))} AS org_code,
      ${bySet((s) => quoteLiteral(s.breakdown.variableType))} AS variable_type,
      ${bySet((s) => (isTotal(s.breakdown) ? "'Total'" : variable(s.breakdownOrd)))} AS variable_a,
      ${bySet((s) => (s.breakdown.order ? `list_position([${s.breakdown.order.map(quoteLiteral).join(", ")}], ${variable(s.breakdownOrd)})` : "NULL::INTEGER"))} AS label_ord,
      ${bySet((s) => (s.level.column === null ? "true" : "active > 0"))} AS shown, ms
    FROM (${grouped})`;
  return `SELECT org_type, org_code, variable_type, variable_a, m.measure_name, m.measure_statistic, m.value, m.measure_id
    FROM (${labelled}) g, LATERAL (SELECT unnest(g.ms) AS m)
    WHERE shown
    ORDER BY level_ord, org_code, breakdown_ord, label_ord NULLS LAST, variable_a, m.ord`;
}

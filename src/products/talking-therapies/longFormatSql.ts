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

/**
 * SQL for the national long format (org_type, org_code, measure_name, measure_statistic, value,
 * measure_id, and the breakdown's variable_type and variable_a) over `source`, one block per
 * organisation level × breakdown, unnested from one list of measures per group. An organisation
 * appears when it has a pathway received or finished in the period; England always appears.
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
  const blocks = levels.flatMap((level, li) =>
    breakdowns.map((b, bi) => {
      const code = level.column === null ? "'All'" : quoteIdentifier(level.column);
      const groupBy = [level.column === null ? null : code, b.variableType === "Total" ? null : "variable_a"];
      const groups = groupBy.filter((g) => g !== null);
      const having = level.column === null ? "" : `HAVING count(*) FILTER (WHERE ${activity}) > 0`;
      const order = b.order
        ? `list_position([${b.order.map(quoteLiteral).join(", ")}], variable_a)`
        : "NULL::INTEGER";
      return `SELECT ${li} AS level_ord, ${bi} AS breakdown_ord, ${quoteLiteral(level.orgType)} AS org_type,
          ${code} AS org_code, ${quoteLiteral(b.variableType)} AS variable_type, ${b.variableType === "Total" ? "'Total'" : "variable_a"} AS variable_a,
          ${order} AS label_ord, [${structs.join(", ")}] AS ms
        FROM (SELECT *, ${b.value} AS variable_a FROM ${source}) ${groups.length ? `GROUP BY ${groups.join(", ")}` : ""} ${having}`;
    }),
  );
  return `SELECT org_type, org_code, variable_type, variable_a, m.measure_name, m.measure_statistic, m.value, m.measure_id
    FROM (${blocks.map((b) => `(${b})`).join(" UNION ALL ")}) g, LATERAL (SELECT unnest(g.ms) AS m)
    ORDER BY level_ord, org_code, breakdown_ord, label_ord NULLS LAST, variable_a, m.ord`;
}

import { existsSync } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteIdentifier, quoteLiteral } from "../../db/index.ts";
import { EbiError } from "../../errors/index.ts";

/** One published figure: the value as published (text), `*` and the like kept as suppressed. */
export interface PublishedFigure {
  orgType: string;
  orgCode: string;
  measureName: string;
  statistic: string;
  /** The published text; null when suppressed or absent. */
  value: number | null;
  raw: string | null;
  suppressed: boolean;
}

/** NHS England's annual CSV column → our measure name and statistic. */
export const publishedColumns: Record<string, [string, string]> = {
  Count_ReferralsReceived: ["referrals_received", "count"],
  Count_FinishedCourseTreatment: ["finished_course_treatment", "count"],
  Count_AtCaseness: ["at_caseness", "count"],
  Count_NotAtCaseness: ["not_at_caseness", "count"],
  Count_Recovery: ["recovery", "count"],
  Percentage_Recovery: ["recovery", "percentage"],
  Count_ReliableRecovery: ["reliable_recovery", "count"],
  Percentage_ReliableRecovery: ["reliable_recovery", "percentage"],
  Count_Improvement: ["improvement", "count"],
  Percentage_Improvement: ["improvement", "percentage"],
  Count_Deterioration: ["deterioration", "count"],
  Percentage_Deterioration: ["deterioration", "percentage"],
  Count_NoReliableChange: ["no_reliable_change", "count"],
  Percentage_NoReliableChange: ["no_reliable_change", "percentage"],
};

const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

function fromExpression(file: string): string {
  if (!existsSync(file))
    throw new EbiError("EBI_TT_PUBLISHED", `The published measures file ${file} does not exist.`, { file });
  return /\.parq(uet)?$/i.test(file)
    ? `read_parquet(${quoteLiteral(file)})`
    : `read_csv(${quoteLiteral(file)}, header = true, all_varchar = true, sample_size = -1)`;
}

/**
 * Reads the national annual measures for one organisation and period (Total rows only): either
 * the long Parquet in the shared data (reporting_period, start_date, end_date, org_type,
 * org_code, variable_type, measure_name, measure_statistic, value), or the CSV as NHS England
 * publishes it (one row per organisation and breakdown, a column per measure).
 */
export async function readPublished(
  connection: DuckDBConnection,
  options: { file: string; orgCode: string; from: string; to: string },
): Promise<PublishedFigure[]> {
  const from = fromExpression(options.file);
  let columns: string[];
  try {
    columns = (await allOn<{ column_name: string }>(connection, `DESCRIBE SELECT * FROM ${from}`)).map(
      (c) => c.column_name,
    );
  } catch (error) {
    throw new EbiError(
      "EBI_TT_PUBLISHED",
      `Cannot read ${options.file}: ${(error as Error).message.split("\n")[0]}`,
      {
        file: options.file,
      },
    );
  }
  const find = (...names: string[]) => columns.find((c) => names.map(squash).includes(squash(c)));
  const params = { org: options.orgCode, from: options.from, to: options.to };
  let rows: {
    org_type: string;
    org_code: string;
    measure_name: string;
    measure_statistic: string;
    value: string | null;
  }[];
  if (find("measure_name") && find("measure_statistic")) {
    rows = await allOn(
      connection,
      `SELECT org_type, org_code, measure_name, measure_statistic, CAST(value AS VARCHAR) AS value FROM ${from}
       WHERE org_code = $org AND variable_type = 'Total' AND CAST(start_date AS DATE) = $from::DATE AND CAST(end_date AS DATE) = $to::DATE`,
      params,
      "read published measures",
    );
  } else {
    const orgType = find("OrgType", "GroupType", "Org_Type");
    const orgCode = find("OrgCode", "Org_Code");
    const start = find("ReportingPeriodStartDate", "REPORTING_PERIOD_START", "ReportingPeriodStart");
    const end = find("ReportingPeriodEndDate", "REPORTING_PERIOD_END", "ReportingPeriodEnd");
    const variable = find("VariableType", "Variable_Type");
    if (!orgType || !orgCode || !start || !end)
      throw new EbiError(
        "EBI_TT_PUBLISHED",
        `${options.file} has neither the long layout nor NHS England's columns (OrgType, OrgCode, ReportingPeriodStartDate, ReportingPeriodEndDate).`,
        { file: options.file },
      );
    const measures = Object.entries(publishedColumns)
      .map(([column, [name, statistic]]) => ({ column: find(column), name, statistic }))
      .filter((m): m is { column: string; name: string; statistic: string } => m.column !== undefined);
    const date = (c: string) =>
      `coalesce(TRY_CAST(${quoteIdentifier(c)} AS DATE), try_strptime(${quoteIdentifier(c)}, '%d/%m/%Y')::DATE)`;
    rows = await allOn(
      connection,
      `SELECT * FROM (${measures
        .map(
          (m) => `SELECT ${quoteIdentifier(orgType)} AS org_type, ${quoteIdentifier(orgCode)} AS org_code,
            ${quoteLiteral(m.name)} AS measure_name, ${quoteLiteral(m.statistic)} AS measure_statistic,
            CAST(${quoteIdentifier(m.column)} AS VARCHAR) AS value
          FROM ${from} WHERE ${quoteIdentifier(orgCode)} = $org AND ${date(start)} = $from::DATE AND ${date(end)} = $to::DATE
            ${variable ? `AND ${quoteIdentifier(variable)} = 'Total'` : ""}`,
        )
        .join(" UNION ALL ")})`,
      params,
      "read published measures",
    );
  }
  return rows.map((r) => {
    const raw = r.value === null ? null : String(r.value).trim();
    const number = raw !== null && /^-?[0-9]+(\.[0-9]+)?$/.test(raw) ? Number(raw) : null;
    return {
      orgType: r.org_type,
      orgCode: r.org_code,
      measureName: r.measure_name,
      statistic: r.measure_statistic,
      value: number,
      raw,
      suppressed: number === null,
    };
  });
}

/** One England figure by breakdown, as the review sets it beside the service's groups. */
export interface EnglandBreakdownFigure {
  variable_type: string;
  variable_a: string;
  measure_name: string;
  statistic: string;
  value: string;
}

/**
 * England's recovery percentage and referrals received by breakdown for one period, from the long
 * Parquet or from NHS England's CSV layout when it carries `VariableType` and `VariableA`; none
 * from a CSV without breakdowns. Blank cells are left out, as absent rows are in the Parquet.
 */
export async function readEnglandBreakdowns(
  connection: DuckDBConnection,
  file: string,
  period: { from: string; to: string },
): Promise<EnglandBreakdownFigure[]> {
  const params = { from: period.from, to: period.to };
  if (/\.parq(uet)?$/i.test(file))
    return allOn<EnglandBreakdownFigure>(
      connection,
      `SELECT variable_type, CAST(variable_a AS VARCHAR) AS variable_a, measure_name, measure_statistic AS statistic,
         CAST(value AS VARCHAR) AS value FROM ${fromExpression(file)}
       WHERE org_type = 'England' AND CAST(start_date AS DATE) = $from::DATE AND CAST(end_date AS DATE) = $to::DATE
         AND ((measure_name = 'recovery' AND measure_statistic = 'percentage') OR (measure_name = 'referrals_received' AND measure_statistic = 'count'))
         AND value IS NOT NULL
       ORDER BY variable_type, variable_a, variable_b, measure_name`,
      params,
      "England breakdowns",
    );
  const from = fromExpression(file);
  const columns = (await allOn<{ column_name: string }>(connection, `DESCRIBE SELECT * FROM ${from}`)).map(
    (c) => c.column_name,
  );
  const find = (...names: string[]) => columns.find((c) => names.map(squash).includes(squash(c)));
  const orgType = find("OrgType", "GroupType", "Org_Type");
  const start = find("ReportingPeriodStartDate", "REPORTING_PERIOD_START", "ReportingPeriodStart");
  const end = find("ReportingPeriodEndDate", "REPORTING_PERIOD_END", "ReportingPeriodEnd");
  const type = find("VariableType", "Variable_Type");
  const a = find("VariableA", "Variable_A");
  const b = find("VariableB", "Variable_B");
  const recovery = find("Percentage_Recovery");
  const referrals = find("Count_ReferralsReceived");
  if (!orgType || !start || !end || !type || !a || !recovery || !referrals) return [];
  const date = (c: string) =>
    `coalesce(TRY_CAST(${quoteIdentifier(c)} AS DATE), try_strptime(${quoteIdentifier(c)}, '%d/%m/%Y')::DATE)`;
  const part = (column: string, name: string, statistic: string) =>
    `SELECT ${quoteIdentifier(type)} AS variable_type, ${quoteIdentifier(a)} AS variable_a,
       ${b ? quoteIdentifier(b) : "NULL"} AS variable_b,
       ${quoteLiteral(name)} AS measure_name, ${quoteLiteral(statistic)} AS statistic,
       CAST(${quoteIdentifier(column)} AS VARCHAR) AS value
     FROM ${from} WHERE ${quoteIdentifier(orgType)} = 'England' AND ${date(start)} = $from::DATE AND ${date(end)} = $to::DATE
       AND ${quoteIdentifier(column)} IS NOT NULL`;
  return allOn<EnglandBreakdownFigure>(
    connection,
    `SELECT variable_type, variable_a, measure_name, statistic, value FROM (
       ${part(recovery, "recovery", "percentage")} UNION ALL ${part(referrals, "referrals_received", "count")})
     ORDER BY variable_type, variable_a, variable_b, measure_name`,
    params,
    "England breakdowns",
  );
}

import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteIdentifier, quoteLiteral } from "../../db/index.ts";
import { EbiError } from "../../errors/index.ts";
import { publishedColumns } from "./publishedMeasures.ts";

/**
 * The published extract the demo ships: the rows of NHS England's annual measures the public
 * review reads, so `ebi start` builds the review without the national file beside the project.
 * Contains public sector information licensed under the Open Government Licence v3.0.
 */
export const demoPublishedExtract = new URL("./demo/published-extract.csv", import.meta.url).pathname;

/** The extract's columns: NHS England's CSV layout (one row per organisation and breakdown, a column per measure). */
export const extractColumns = [
  "ReportingPeriodStartDate",
  "ReportingPeriodEndDate",
  "OrgType",
  "OrgCode",
  "OrgName",
  "VariableType",
  "VariableA",
  "VariableB",
  ...Object.keys(publishedColumns),
];

const csvField = (v: string | null): string =>
  v === null ? "" : /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;

/**
 * Picks from the long national Parquet the rows the public review reads for one provider and
 * period — England (org code `All`) with every breakdown, and the provider's Total — and returns
 * them as CSV in NHS England's layout, values as published (`*` kept), sorted so the same file
 * gives the same bytes.
 */
export async function extractPublished(
  connection: DuckDBConnection,
  options: { file: string; provider: string; from: string; to: string },
): Promise<{ csv: string; rows: number }> {
  if (!/\.parq(uet)?$/i.test(options.file))
    throw new EbiError(
      "EBI_TT_PUBLISHED",
      `${options.file} is not the long national Parquet (measures_annual.parquet) the extract is taken from.`,
      { file: options.file },
    );
  const measures = Object.entries(publishedColumns)
    .map(
      ([column, [name, statistic]]) =>
        `max(CAST(value AS VARCHAR)) FILTER (WHERE measure_name = ${quoteLiteral(name)} AND measure_statistic = ${quoteLiteral(statistic)}) AS ${quoteIdentifier(column)}`,
    )
    .join(",\n       ");
  let rows: Record<string, string | null>[];
  try {
    rows = await allOn<Record<string, string | null>>(
      connection,
      `SELECT * FROM (SELECT strftime(CAST(start_date AS DATE), '%Y-%m-%d') AS ReportingPeriodStartDate,
         strftime(CAST(end_date AS DATE), '%Y-%m-%d') AS ReportingPeriodEndDate,
         org_type AS OrgType, org_code AS OrgCode, org_name AS OrgName,
         variable_type AS VariableType, CAST(variable_a AS VARCHAR) AS VariableA, CAST(variable_b AS VARCHAR) AS VariableB,
       ${measures}
       FROM read_parquet($file)
       WHERE CAST(start_date AS DATE) = $from::DATE AND CAST(end_date AS DATE) = $to::DATE
         AND (org_type = 'England' OR (org_code = $provider AND variable_type = 'Total'))
       GROUP BY ALL)
       ORDER BY OrgType = 'England' DESC, OrgCode, VariableType = 'Total' DESC, VariableType, VariableA, VariableB`,
      { file: options.file, from: options.from, to: options.to, provider: options.provider },
      "extract published measures",
    );
  } catch (error) {
    throw new EbiError(
      "EBI_TT_PUBLISHED",
      `Cannot read ${options.file}: ${(error as Error).message.split("\n")[0]}`,
      { file: options.file },
    );
  }
  if (!rows.some((r) => r.OrgCode === options.provider))
    throw new EbiError(
      "EBI_TT_PUBLISHED",
      `${options.file} has no Total row for provider ${options.provider} from ${options.from} to ${options.to}.`,
      { file: options.file, provider: options.provider },
    );
  const lines = [extractColumns.join(",")];
  for (const r of rows) lines.push(extractColumns.map((c) => csvField(r[c] ?? null)).join(","));
  return { csv: `${lines.join("\n")}\n`, rows: rows.length };
}

import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteIdentifier } from "../db/index.ts";
import type { ActivityKind } from "./fields.ts";
import type { StagedFile } from "./stageActivityFile.ts";

/** Completeness (share present) and validity (share of present values usable) of one field. */
export interface FieldQuality {
  field: string;
  completeness: number;
  validity: number;
}

export interface QualityReport {
  loadId: string;
  kind: ActivityKind;
  file: string;
  format: string;
  columns: Record<string, string>;
  rows: { read: number; accepted: number; quarantined: number; warned: number };
  reasons: { reason: string; rows: number }[];
  fields: FieldQuality[];
  byProvider: ({ procode: string | null; rows: number; quarantined: number } & Record<
    string,
    number | string | null
  >)[];
  byMonth: ({ month: string | null; rows: number; quarantined: number } & Record<
    string,
    number | string | null
  >)[];
  unknown: { field: string; value: string; rows: number }[];
  impossibleCodes: { field: string; value: string; rows: number }[];
  /** Values of kept rows that were replaced or emptied (never silently): by field and reason. */
  replaced: { field: string; reason: string; rows: number }[];
}

/** Warnings that mean a value was replaced by another or left empty, rather than read as given. */
export const replacingReasons = [
  "date-replaced",
  "date-invalid-dropped",
  "code-invalid-dropped",
  "sex-unknown",
  "ethnos-unknown",
] as const;

/** Fields whose completeness and validity the report follows, with the problem that marks them invalid. */
const keyFields = (kind: ActivityKind) => [
  {
    field: kind === "apc" ? "epikey" : "attendkey",
    present: kind === "apc" ? "epikey" : "attendkey",
    invalid: ["missing-key", "duplicate"],
  },
  {
    field: kind === "apc" ? "epistart" : "apptdate",
    present: kind === "apc" ? "epistart" : "apptdate",
    invalid: ["date-invalid"],
  },
  { field: kind === "apc" ? "startage" : "apptage", present: "age", invalid: ["age-unknown"] },
  { field: "sex", present: "sex", invalid: ["sex-unknown"] },
  { field: "ethnos", present: "ethnos", invalid: ["ethnos-unknown"] },
  { field: "lsoa", present: "lsoa", invalid: ["lsoa-unknown"] },
  { field: "procode", present: "procode", invalid: ["provider-unknown"] },
  { field: "sub_icb", present: "sub_icb_original", invalid: ["commissioner-unknown"] },
  { field: "diag_01", present: "diag[1]", invalid: ["code-invalid"] },
  { field: "opertn_01", present: "opertn[1]", invalid: ["code-invalid"] },
];

/** The data-quality report of a staged load (computed in DuckDB over the staging table). */
export async function qualityReport(
  connection: DuckDBConnection,
  input: { kind: ActivityKind; file: string; loadId: string; staged: StagedFile },
): Promise<QualityReport> {
  const fields = keyFields(input.kind);
  const present = (f: (typeof fields)[number]) =>
    f.field === (input.kind === "apc" ? "epistart" : "apptdate")
      ? `(${f.present} IS NOT NULL OR (len(problems) > 0 AND list_contains(list_transform(problems, p -> p.reason), 'date-invalid')))`
      : `${f.present} IS NOT NULL`;
  const invalid = (f: (typeof fields)[number]) =>
    // Most rows have no problems: the list is searched only for those that do.
    `(len(problems) > 0 AND len(list_filter(problems, p -> p.field = '${f.field}' AND list_contains([${f.invalid.map((r) => `'${r}'`).join(", ")}], p.reason))) > 0)`;
  const start = input.kind === "apc" ? "epistart" : "apptdate";
  const { problems, clean } = input.staged;
  // Only rows with problems have any to list: a load keeps them in a table of their own.
  const problemRows = problems ? quoteIdentifier(problems) : "staged";
  // Counts by provider and month first, from the clean rows (no problems to search) and the rest
  // apart, then summed by provider, by month and overall: the clean rows are nearly all of a load.
  const part = (from: string, withProblems: boolean) => {
    const sums = fields.flatMap((f, i) => {
      const p = withProblems ? present(f) : `${f.present} IS NOT NULL`;
      const bad = withProblems ? invalid(f) : "false";
      return [
        `count(*) FILTER (WHERE ${p}) AS p${i}`,
        `count(*) FILTER (WHERE ${bad}) AS i${i}`,
        `count(*) FILTER (WHERE ${p} OR ${bad}) AS d${i}`,
      ];
    });
    const flags = withProblems
      ? "count(*) FILTER (WHERE quarantined) AS q, count(*) FILTER (WHERE NOT quarantined AND len(problems) > 0) AS w"
      : "0 AS q, 0 AS w";
    return `SELECT procode, strftime(date_trunc('month', ${start}), '%Y-%m') AS month, count(*) AS n, ${flags}, ${sums.join(", ")}
      FROM ${from} GROUP BY ALL`;
  };
  const parts =
    clean && problems
      ? `${part(quoteIdentifier(clean), false)} UNION ALL ${part(problemRows, true)}`
      : part("staged", true);
  const measures = fields
    .map(
      (f, i) =>
        `round(sum(p${i}) / sum(n), 4) AS "${f.field}_completeness",
         round(1 - coalesce(sum(i${i}) / nullif(sum(d${i}), 0), 0), 4) AS "${f.field}_validity"`,
    )
    .join(",\n");
  const grouped = await allOn<Record<string, number | string | null>>(
    connection,
    `SELECT GROUPING(procode) AS g_provider, GROUPING(month) AS g_month, procode, month,
            sum(n)::BIGINT AS rows, sum(q)::BIGINT AS quarantined, sum(w)::BIGINT AS warned, ${measures}
     FROM (${parts})
     GROUP BY GROUPING SETS ((), (procode), (month)) ORDER BY procode NULLS FIRST, month NULLS FIRST`,
  );
  const overall = grouped.find((r) => r.g_provider === 1 && r.g_month === 1) ?? {};
  const strip = ({ g_provider: _p, g_month: _m, ...rest }: Record<string, number | string | null>) => rest;
  const reasons = await allOn<{ reason: string; rows: number }>(
    connection,
    `SELECT p.reason, count(DISTINCT source_row) AS rows FROM (SELECT source_row, unnest(problems) AS p FROM ${problemRows})
     GROUP BY ALL ORDER BY rows DESC, p.reason`,
  );
  const valuesWith = (reasons: string[]) =>
    allOn<{ field: string; value: string; rows: number }>(
      connection,
      `SELECT p.field, p.value, count(*) AS rows FROM (SELECT unnest(problems) AS p FROM ${problemRows})
       WHERE p.reason IN (${reasons.map((r) => `'${r}'`).join(", ")}) GROUP BY ALL ORDER BY rows DESC, p.value LIMIT 50`,
    );
  return {
    loadId: input.loadId,
    kind: input.kind,
    file: input.file,
    format: input.staged.format,
    columns: input.staged.columns,
    rows: {
      read: Number(overall.rows ?? 0),
      accepted: Number(overall.rows ?? 0) - Number(overall.quarantined ?? 0),
      quarantined: Number(overall.quarantined ?? 0),
      warned: Number(overall.warned ?? 0),
    },
    reasons,
    fields: fields.map((f) => ({
      field: f.field,
      completeness: Number(overall[`${f.field}_completeness`] ?? 0),
      validity: Number(overall[`${f.field}_validity`] ?? 0),
    })),
    byProvider: grouped
      .filter((r) => r.g_provider === 0)
      .map((r) => {
        const { month: _month, ...rest } = strip(r);
        return rest as QualityReport["byProvider"][number];
      }),
    byMonth: grouped
      .filter((r) => r.g_month === 0)
      .map((r) => {
        const { procode: _procode, ...rest } = strip(r);
        return rest as QualityReport["byMonth"][number];
      }),
    unknown: await valuesWith(["lsoa-unknown", "provider-unknown", "commissioner-unknown"]),
    impossibleCodes: await valuesWith(["code-invalid", "code-invalid-dropped"]),
    replaced: await allOn<{ field: string; reason: string; rows: number }>(
      connection,
      `SELECT p.field, p.reason, count(*) AS rows
       FROM (SELECT unnest(problems) AS p FROM ${problemRows} WHERE NOT quarantined)
       WHERE p.reason IN (${replacingReasons.map((r) => `'${r}'`).join(", ")})
       GROUP BY ALL ORDER BY p.field, p.reason`,
    ),
  };
}

/** A few lines for the terminal: counts, reasons and the weakest fields. */
export function qualitySummary(report: QualityReport): string {
  const n = (v: number) => v.toLocaleString("en-GB");
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const lines = [
    `${report.file}: ${n(report.rows.read)} read = ${n(report.rows.accepted)} accepted + ${n(report.rows.quarantined)} quarantined; ${n(report.rows.warned)} kept with warnings`,
  ];
  if (report.reasons.length > 0)
    lines.push(`  problems: ${report.reasons.map((r) => `${r.reason} ${n(r.rows)}`).join(", ")}`);
  lines.push(
    `  fields (complete / valid): ${report.fields.map((f) => `${f.field} ${pct(f.completeness)}/${pct(f.validity)}`).join(", ")}`,
  );
  if (report.replaced.length > 0)
    lines.push(
      `  replaced or emptied: ${report.replaced.map((r) => `${r.field} ${r.reason} ${n(r.rows)}`).join(", ")}`,
    );
  if (report.unknown.length > 0)
    lines.push(
      `  unknown codes: ${report.unknown
        .slice(0, 5)
        .map((u) => `${u.field} ${u.value} (${n(u.rows)})`)
        .join(", ")}`,
    );
  if (report.impossibleCodes.length > 0)
    lines.push(
      `  impossible codes: ${report.impossibleCodes
        .slice(0, 5)
        .map((u) => `${u.field} ${u.value} (${n(u.rows)})`)
        .join(", ")}`,
    );
  return lines.join("\n");
}

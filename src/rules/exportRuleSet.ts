import type { ResolvedRuleSet } from "./loadRuleSets.ts";
import type { CodeClause, Condition } from "./schema.ts";
import { classificationSql } from "./writeEpisodeFlags.ts";

/** One row of the code-list table: a code, where it must (or must not) appear, for which intervention. */
export interface CodeListRow {
  rule_set: string;
  version: string;
  intervention_id: string;
  official_id: string;
  intervention: string;
  role: "match" | "exclude";
  field: "procedure" | "diagnosis";
  position: string;
  code: string;
  match: "exact" | "prefix";
  path: string;
  confidence: string;
}

/** Every code of every rule as a flat table, for analysts to check or reuse. */
export function codeListRows(set: ResolvedRuleSet): CodeListRow[] {
  const rows: CodeListRow[] = [];
  for (const i of set.interventions) {
    const visit = (c: Condition, role: "match" | "exclude", path: string) => {
      const leaf = (field: "procedure" | "diagnosis", clause: CodeClause) => {
        for (const code of clause.codes)
          rows.push({
            rule_set: set.id,
            version: set.version,
            intervention_id: i.intervention_id,
            official_id: i.official_id ?? "",
            intervention: i.name,
            role,
            field,
            position: clause.position,
            code,
            match: code.length === 3 ? "prefix" : "exact",
            path,
            confidence: i.confidence,
          });
      };
      if ("procedure" in c) leaf("procedure", c.procedure);
      else if ("diagnosis" in c) leaf("diagnosis", c.diagnosis);
      else {
        const [word, children] =
          "allOf" in c ? ["allOf", c.allOf] : "anyOf" in c ? ["anyOf", c.anyOf] : ["noneOf", c.noneOf];
        children.forEach((child, k) => {
          visit(child, role, `${path}.${word}[${k}]`);
        });
      }
    };
    if (i.rule.match) visit(i.rule.match as Condition, "match", "match");
    ((i.rule.exclude ?? []) as Condition[]).forEach((c, k) => {
      visit(c, "exclude", `exclude[${k}]`);
    });
  }
  return rows;
}

const columns: (keyof CodeListRow)[] = [
  "rule_set",
  "version",
  "intervention_id",
  "official_id",
  "intervention",
  "role",
  "field",
  "position",
  "code",
  "match",
  "path",
  "confidence",
];

/** The code lists as CSV. */
export function codeListCsv(set: ResolvedRuleSet): string {
  const esc = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return `${[columns.join(","), ...codeListRows(set).map((r) => columns.map((c) => esc(String(r[c]))).join(","))].join("\n")}\n`;
}

/** The code lists as an .xlsx workbook, with a sheet of the rules in words. */
export async function codeListXlsx(set: ResolvedRuleSet): Promise<Buffer> {
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.Workbook();
  const codes = workbook.addWorksheet("codes");
  codes.addRow(columns).font = { bold: true };
  for (const r of codeListRows(set)) codes.addRow(columns.map((c) => r[c]));
  const rules = workbook.addWorksheet("rules");
  rules.addRow(["intervention_id", "official_id", "name", "confidence", "rule in words", "provenance"]).font =
    { bold: true };
  for (const i of set.interventions)
    rules.addRow([i.intervention_id, i.official_id ?? "", i.name, i.confidence, i.description, i.provenance]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The classification as DuckDB SQL over tables with the store's episode columns. */
export function classificationSqlScript(set: ResolvedRuleSet): string {
  return `-- ${set.title} (${set.id} ${set.version}), sha256 ${set.sha256}
-- Input: apc_episodes and op_appointments with EBI Insight's normalised columns
-- (diag and opertn as lists in position order; age in years; sex '1'/'2'; admimeth).
-- Output: one row per episode × intervention matched.
${classificationSql([set])};
`;
}

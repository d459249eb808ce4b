import type { PlannedCareManifest } from "./buildPlannedCare.ts";

const REDACTED = "[c]";

const cellOf = (row: Record<string, unknown>, column: string): string | number | boolean => {
  const value = row[column];
  if (value === null || value === undefined) return row.suppressed ? REDACTED : "";
  if (Array.isArray(value)) return value.join(";");
  return value as string | number | boolean;
};

/**
 * Planned-care rows as an .xlsx workbook: a data sheet (a marking row above the header on the
 * registered side) and a notes sheet with the build, group sets, method and disclosure rule.
 */
export async function plannedCareXlsx(
  rows: readonly object[],
  columns: readonly string[],
  manifest: PlannedCareManifest,
  title: string,
  marking?: string,
): Promise<Buffer> {
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "EBI Insight";
  const sheet = workbook.addWorksheet("data");
  if (marking) sheet.addRow([marking]).font = { bold: true, color: { argb: "FFC00000" } };
  sheet.addRow([...columns]).font = { bold: true };
  for (const row of rows) sheet.addRow(columns.map((c) => cellOf(row as Record<string, unknown>, c)));
  const notes = workbook.addWorksheet("notes");
  if (marking) notes.addRow(["Classification", marking]);
  notes.addRows([
    ["Table", title],
    ["Build", manifest.build_id],
    ["Built", manifest.built_at],
    [
      "Procedure groups",
      manifest.group_sets.map((s) => `${s.id} ${s.version}${s.local ? " (local)" : ""}`).join(", "),
    ],
    ["Method", manifest.method],
    ["Redaction", `[c] = hidden (${manifest.disclosure.policy}: ${manifest.disclosure.statement}).`],
    ...(manifest.synthetic
      ? [["Synthetic", "Made from synthetic demonstration data, not real activity."]]
      : []),
  ]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

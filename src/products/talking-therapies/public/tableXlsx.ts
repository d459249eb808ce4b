/** A column of an XLSX download: the row key and its heading. */
export interface XlsxColumn {
  key: string;
  label: string;
}

/**
 * Rows as an .xlsx workbook (ExcelJS): a data sheet with one header row (and the classification
 * above it for registered tables) and a notes sheet of what made the figures. Suppressed figures
 * (null) are written as [c]; registered tables have none.
 */
export async function tableXlsx(
  rows: readonly Record<string, unknown>[],
  columns: readonly XlsxColumn[],
  notes: readonly [string, string][],
  marking?: string,
): Promise<Buffer> {
  // Loaded on first use: the spreadsheet library is large and most requests never need it.
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "EBI Insight";
  const sheet = workbook.addWorksheet("data");
  if (marking) sheet.addRow([marking]).font = { bold: true, color: { argb: "FFC00000" } };
  sheet.addRow(columns.map((c) => c.label)).font = { bold: true };
  for (const row of rows)
    sheet.addRow(
      columns.map((c) => {
        const v = row[c.key];
        if (v === null) return marking ? "" : "[c]";
        return v === undefined ? "" : (v as string | number | boolean);
      }),
    );
  sheet.views = [{ state: "frozen", ySplit: marking ? 2 : 1 }];
  const sheetNotes = workbook.addWorksheet("notes");
  if (marking) sheetNotes.addRow(["Classification", marking]);
  sheetNotes.addRows(notes.map(([k, v]) => [k, v]));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

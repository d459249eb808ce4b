import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import type { AuditTable } from "./auditFigures.ts";

/** What made the figures: shown on every pack's notes sheet. */
export interface AuditProvenance {
  period: string;
  ruleSets: string;
  policy: string;
  generatedAt: string;
  method: string;
}

const text = (value: unknown): string | number => {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "number") return value;
  if (Array.isArray(value)) return value.join(";");
  return String(value);
};

/** Rows as CSV: a header of column names; fields with commas, quotes or line breaks quoted. */
export function tableCsv(table: AuditTable): string {
  const field = (v: unknown) => {
    const t = String(text(v));
    return /[",\n\r]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
  };
  const lines = [
    table.columns.join(","),
    ...table.rows.map((r) => table.columns.map((c) => field(r[c])).join(",")),
  ];
  return `${lines.join("\n")}\n`;
}

/** The tables as one workbook: a notes sheet (provenance, which sheets are patient-level), then a sheet each. */
export async function auditWorkbook(
  tables: readonly AuditTable[],
  provenance: AuditProvenance,
  title: string,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "EBI Insight";
  const notes = workbook.addWorksheet("notes");
  notes.addRows([
    ["Title", title],
    ["Period", provenance.period],
    ["Rule sets", provenance.ruleSets],
    ["Approval policy", provenance.policy],
    ["Generated", provenance.generatedAt],
    ["Method", provenance.method],
    [
      "Handling",
      tables.some((t) => t.patientLevel)
        ? "Contains patient-level rows (sheets marked below): registered use only, never to be published."
        : "Aggregate figures; publish only through the disclosure control.",
    ],
    [],
    ["Sheet", "Contents", "Rows", "Patient-level"],
    ...tables.map((t) => [t.name, t.title, t.rows.length, t.patientLevel ? "yes" : "no"]),
  ]);
  notes.getColumn(1).width = 18;
  notes.getColumn(2).width = 90;
  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.name.slice(0, 31));
    sheet.addRow(table.columns).font = { bold: true };
    for (const row of table.rows) sheet.addRow(table.columns.map((c) => text(row[c])));
    sheet.views = [{ state: "frozen", ySplit: 1 }];
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * Writes each table as `<dir>/<name>.csv` and all of them as `<dir>/<pack>.xlsx`, into a partial
 * folder renamed into place, so a failure leaves no half-written pack. Returns the files written.
 */
export async function writeAuditPack(
  dir: string,
  pack: string,
  tables: readonly AuditTable[],
  provenance: AuditProvenance,
  title: string,
): Promise<string[]> {
  const partial = `${dir}.partial-${process.pid}`;
  mkdirSync(partial, { recursive: true });
  const files: string[] = [];
  for (const table of tables) {
    writeFileSync(join(partial, `${table.name}.csv`), tableCsv(table));
    files.push(join(dir, `${table.name}.csv`));
  }
  writeFileSync(join(partial, `${pack}.xlsx`), await auditWorkbook(tables, provenance, title));
  files.push(join(dir, `${pack}.xlsx`));
  writeFileSync(
    join(partial, `${pack}.provenance.json`),
    `${JSON.stringify({ title, ...provenance }, null, 2)}\n`,
  );
  files.push(join(dir, `${pack}.provenance.json`));
  mkdirSync(dir, { recursive: true });
  // Files move one by one: the folder may hold other packs; each file appears whole.
  for (const file of files) renameSync(join(partial, file.slice(dir.length + 1)), file);
  rmSync(partial, { recursive: true, force: true });
  return files;
}

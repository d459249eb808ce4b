import { approvalFields, approvalProblemReasons } from "./approvalFields.ts";

/** The approvals layout as a section of docs/data-dictionary.md: fields, aliases, checks and reasons. */
export function approvalsDictionaryMarkdown(): string {
  const cell = (text: string) => text.replaceAll("|", "\\|");
  const lines = [
    "## Approvals in",
    "",
    "Generated from `src/approvals/approvalFields.ts`. One row per prior-approval (PA) or individual",
    "funding request (IFR) decision, as CSV or the first sheet of an XLSX workbook, read by",
    "`ebi approvals load` and `ebi approvals match`. Column names are matched without regard to case,",
    "spaces or punctuation (`Approval Ref` = `approval_ref`); a mapping file names the columns, values",
    "and constants of another system's export (docs/approvals.md).",
    "",
    "| field | aliases | meaning | normalisation | validation |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const f of approvalFields) {
    const aliases = f.aliases.map((a) => `\`${a}\``).join(", ");
    lines.push(
      `| \`${f.name}\`${f.required ? " (required)" : ""} | ${aliases} | ${cell(f.meaning)} | ${cell(f.normalisation)} | ${cell(f.validation)} |`,
    );
  }
  lines.push(
    "",
    "A row with any of these reasons is quarantined (file, row, field, value, reason) and never matched;",
    "row 1 is the first row after the header. Accepted + quarantined = read.",
    "",
    "| reason | meaning |",
    "| --- | --- |",
  );
  for (const [reason, meaning] of Object.entries(approvalProblemReasons))
    lines.push(`| \`${reason}\` | ${cell(meaning)} |`);
  return `${lines.join("\n")}\n`;
}

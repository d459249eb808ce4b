import { inputFields, problemReasons } from "./fields.ts";

/** docs/data-dictionary.md: every input field, alias, normalisation and validation rule, and every reason code (docs/data-dictionary.md adds the approvals layout after it). */
export function dataDictionaryMarkdown(): string {
  const cell = (text: string) => text.replaceAll("|", "\\|");
  const lines = [
    "# Data dictionary: activity in",
    "",
    "Generated from `src/activity/fields.ts` by `ebi docs data-dictionary`; a test fails when this file",
    "and the code disagree. Column names are matched without regard to case; the first of the HES name",
    "and its aliases found in the file is used. Every column is read as text and normalised in DuckDB.",
    "A Parquet column must be text or a whole number (dates may also be DATE or TIMESTAMP); a decimal,",
    "list or struct column is refused with `EBI_FILE_COLUMN_TYPE` naming the file, field and type.",
    "",
    "## Fields",
    "",
    "| field | extracts | aliases | meaning | normalisation | validation |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const f of inputFields) {
    const aliases = f.aliases.map((a) => `\`${a}\``).join(", ");
    lines.push(
      `| \`${f.name}\`${f.required ? " (required)" : ""} | ${f.kinds.join(", ")} | ${aliases} | ${cell(f.meaning)} | ${cell(f.normalisation)} | ${cell(f.validation)} |`,
    );
  }
  lines.push(
    "",
    "## Reason codes",
    "",
    "A row with a `quarantine` reason is not loaded: it goes to the quarantine table with its file, row",
    "number, field, value and reason. A row with only `warning` reasons is loaded and each warning kept.",
    "Accepted + quarantined = read, for every load. The load's data-quality report counts, by field and",
    "reason, every value of a kept row that was replaced or left empty (`replaced`: `date-replaced`,",
    "`date-invalid-dropped`, `code-invalid-dropped`, `sex-unknown`, `ethnos-unknown`); none is silent.",
    "",
    "| reason | severity | meaning |",
    "| --- | --- | --- |",
  );
  for (const [reason, info] of Object.entries(problemReasons))
    lines.push(`| \`${reason}\` | ${info.severity} | ${cell(info.meaning)} |`);
  return lines.join("\n");
}

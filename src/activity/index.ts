/** Activity in: HES/SUS extracts read, normalised, checked and loaded (see docs/data-dictionary.md). */

export { dataDictionaryMarkdown } from "./dataDictionaryMarkdown.ts";
export { type ActivityKind, fieldsFor, type InputField, inputFields, problemReasons } from "./fields.ts";
export { type IngestOptions, ingestActivity, type LoadSummary } from "./ingestActivity.ts";
export { type QualityReport, qualityReport, qualitySummary } from "./qualityReport.ts";
export { type StagedFile, stageActivityFile, storeColumns } from "./stageActivityFile.ts";

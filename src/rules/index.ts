/** Rule sets as data, compiled to SQL (see docs/rules.md). */

export { cancerCategories, compileCondition, interventionSql } from "./compileCondition.ts";
export {
  type CountingUnit,
  countingUnits,
  countingUnitWords,
  defaultCountingUnit,
  parseCountingUnit,
} from "./countingUnit.ts";
export { conditionWords, describeRule } from "./describeRule.ts";
export { diffRuleSets, type RuleChange } from "./diffRuleSets.ts";
export { type Explanation, explainEpisode } from "./explainEpisode.ts";
export { classificationSqlScript, codeListCsv, codeListRows, codeListXlsx } from "./exportRuleSet.ts";
export {
  interventionTableMarkdown,
  interventionTableMarkers,
  replaceInterventionTable,
} from "./interventionTable.ts";
export {
  type FixtureEpisode,
  icd10Catalogue,
  type LintFinding,
  lintRule,
  lintRuleSet,
  opcsQualifierCodes,
  type RuleFixture,
} from "./lintRuleSet.ts";
export {
  loadRuleSets,
  type ResolvedIntervention,
  type ResolvedRuleSet,
  readRuleSetFile,
  type ShippedVersion,
  shippedRuleSetIds,
  shippedRuleSetRefs,
  shippedSetsDir,
  shippedVersions,
} from "./loadRuleSets.ts";
export { isCounted, measurabilityOf } from "./measurability.ts";
export { type PublishedFigure, publishedFigures } from "./publishedFigures.ts";
export { type FixtureResult, readFixtures, runFixtures } from "./runFixtures.ts";
export type {
  CodeClause,
  Condition,
  InterventionRule,
  Measurability,
  OtherDataset,
  RuleSetFile,
} from "./schema.ts";
export { otherDatasetNames } from "./schema.ts";
export {
  classificationParts,
  classificationSql,
  createFlagsTable,
  type FlagOptions,
  writeEpisodeFlags,
} from "./writeEpisodeFlags.ts";

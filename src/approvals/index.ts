/** Prior approval and IFR compliance: approvals in, matched to restricted spells, audited (see docs/approvals.md). */
export { type ApprovalField, approvalFields, approvalProblemReasons, columnKey } from "./approvalFields.ts";
export { ApprovalMapping, mappingValueRows, readApprovalMapping } from "./approvalMapping.ts";
export { type InterventionKey, interventionKeys, writeInterventionKeys } from "./interventionKeys.ts";
export {
  type MatchSummary,
  matchApprovalFiles,
  writeApprovalQuarantineCsv,
  writeMatchesCsv,
} from "./matchApprovalFiles.ts";
export { type MatchStatus, matchApprovalsSql, matchColumns, matchStatuses } from "./matchSql.ts";
export { type RawApprovals, readApprovalsFile } from "./readApprovalsFile.ts";
export { patientKeySql, restrictedSpellsSql, stageRestrictedSpells } from "./restrictedSpells.ts";
export {
  approvalColumns,
  quarantineRowsSql,
  type StagedApprovals,
  stageApprovals,
  stageApprovalsSql,
} from "./stageApprovals.ts";

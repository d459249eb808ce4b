/** Prior approval and IFR compliance: approvals in, matched to restricted spells, audited (see docs/approvals.md). */

export {
  type AuditOptions,
  approvalAudit,
  auditMethod,
  auditProvenance,
  caseNoteSample,
  escalationExceptions,
  estimateTable,
} from "./approvalAudit.ts";
export { type ApprovalField, approvalFields, approvalProblemReasons, columnKey } from "./approvalFields.ts";
export { ApprovalMapping, mappingValueRows, readApprovalMapping } from "./approvalMapping.ts";
export {
  ApprovalPolicy,
  defaultApprovalPolicy,
  type PolicyIntervention,
  PolicyRule,
  type Requirement,
  readApprovalPolicy,
  requiredApproval,
  requirements,
} from "./approvalPolicy.ts";
export { approvalsDictionaryMarkdown } from "./approvalsDictionaryMarkdown.ts";
export { approvalsSchema, ensureApprovalsSchema } from "./approvalsSchema.ts";
export {
  type AuditTable,
  type ComplianceCounts,
  challengeList,
  compliance,
  complianceByGroup,
  complianceByOrganisation,
  declinesByGroup,
  monthlyCompliance,
  unusedApprovals,
} from "./auditFigures.ts";
export { type AuditProvenance, auditWorkbook, tableCsv, writeAuditPack } from "./auditPack.ts";
export {
  type ComplianceEstimate,
  drawCaseNoteSample,
  estimateCompliance,
  type ReviewedStratum,
  readFindings,
  sampleSize,
} from "./caseNoteSample.ts";
export {
  defaultEscalation,
  EscalationConfig,
  EscalationCriterion,
  type EscalationException,
  evaluateEscalation,
  type MonthlyPoint,
  readEscalationConfig,
} from "./escalation.ts";
export { type InterventionKey, interventionKeys, writeInterventionKeys } from "./interventionKeys.ts";
export { type ApprovalLoadSummary, loadApprovals } from "./loadApprovals.ts";
export {
  type MatchSummary,
  matchApprovalFiles,
  writeApprovalQuarantineCsv,
  writeMatchesCsv,
} from "./matchApprovalFiles.ts";
export { type MatchStatus, matchApprovalsSql, matchColumns, matchStatuses } from "./matchSql.ts";
export { policyJoinSql, writePolicyRules } from "./policySql.ts";
export { publicCompliance } from "./publicCompliance.ts";
export { type RawApprovals, readApprovalsFile } from "./readApprovalsFile.ts";
export { patientKeySql, restrictedSpellsSql, stageRestrictedSpells } from "./restrictedSpells.ts";
export {
  approvalColumns,
  quarantineRowsSql,
  type StagedApprovals,
  stageApprovals,
  stageApprovalsSql,
} from "./stageApprovals.ts";
export { type AuditPeriod, financialYear, stageAuditMatches } from "./stageAuditMatches.ts";
export { generateSyntheticApprovals, writeSyntheticApprovals } from "./syntheticApprovals.ts";

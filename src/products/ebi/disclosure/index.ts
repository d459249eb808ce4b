/** EBI's disclosure control: protecting, auditing and attacking its release tables. */
export { type AttackResult, attackRelease, auditRelease, type Exposure } from "./attackRelease.ts";
export { auditPublicRelease } from "./auditPublicRelease.ts";
export { disclosurePolicies, ebiDashboardPolicy } from "./policies.ts";
export {
  type DisclosureOptions,
  type DisclosureReport,
  disclosureMethod,
  insiderAuditByDefault,
  monthsBetween,
  protectRelease,
  type ReleaseTables,
} from "./protectRelease.ts";
export { publicGoals, publicProfile, publicTrajectory, publicVariation } from "./publicFigures.ts";
export { cellKey, groupByIntervention, releaseCellSystem } from "./releaseCellSystem.ts";

/** Disclosure control for the public side of a release (see docs/methods.md, "Disclosure control"). */
export { type AttackResult, attackRelease, auditRelease, type Exposure } from "./attackRelease.ts";
export { auditPublicRelease } from "./auditPublicRelease.ts";
export { CellState, CellSystem, type Relation } from "./CellSystem.ts";
export { cellIntervals, type LinearProblem, protects } from "./cellIntervals.ts";
export {
  findRecoverableCells,
  type PublicView,
  recoverableByBounds,
  recoverableByRank,
} from "./findRecoverableCells.ts";
export { type InsiderScope, orgOfCell, registeredScopes } from "./insiderScopes.ts";
export {
  type DisclosurePolicy,
  disclosurePolicies,
  ebiDashboardPolicy,
  hesAnalysisGuidePolicy,
  minimumPublicThreshold,
  policyById,
  policyStatement,
  roundCount,
  withThreshold,
} from "./policy.ts";
export {
  type DisclosureOptions,
  type DisclosureReport,
  disclosureMethod,
  monthsBetween,
  protectRelease,
  type ReleaseTables,
} from "./protectRelease.ts";
export { publicGoals, publicProfile, publicTrajectory, publicVariation } from "./publicFigures.ts";
export { cellKey, groupByIntervention, releaseCellSystem } from "./releaseCellSystem.ts";
export { secondarySuppression } from "./secondarySuppression.ts";

/** Disclosure control for the public side of a release (see docs/methods.md, "Disclosure control"). */
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
  hesAnalysisGuidePolicy,
  minimumPublicThreshold,
  policyById,
  policyStatement,
  roundCount,
  withThreshold,
} from "./policy.ts";
export { secondarySuppression } from "./secondarySuppression.ts";

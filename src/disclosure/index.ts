/** Disclosure control for the public side of a release (see docs/methods.md, "Disclosure control"). */
export { auditPublicRelease } from "./auditPublicRelease.ts";
export { CellState, CellSystem, type Relation } from "./CellSystem.ts";
export {
  findRecoverableCells,
  type PublicView,
  recoverableByBounds,
  recoverableByRank,
} from "./findRecoverableCells.ts";
export {
  type DisclosureOptions,
  type DisclosureReport,
  disclosureMethod,
  monthsBetween,
  protectRelease,
  type ReleaseTables,
} from "./protectRelease.ts";
export { cellKey, groupByIntervention, releaseCellSystem } from "./releaseCellSystem.ts";
export { secondarySuppression } from "./secondarySuppression.ts";

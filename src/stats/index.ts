/** EBI Insight statistics: published methods of English health analytics (see docs/methods.md). */
export {
  type AgeSexCount,
  ageSexStrata,
  type SexInput,
  type StandardSex,
  standardSexes,
} from "./ageSexStrata.ts";
export { type BenchmarkClass, compareWithBenchmark, dobsonLimitsAt, opportunityAt } from "./benchmark.ts";
export { byarsCountInterval } from "./byars.ts";
export { crudeRate } from "./crudeRate.ts";
export { type DsrResult, type DsrStratum, directlyStandardisedRate } from "./dsr.ts";
export { esp2013AgeBands, europeanStandardPopulation2013 } from "./esp2013.ts";
export { exactPoissonCountInterval } from "./exactPoisson.ts";
export {
  classifyAgainstFunnel,
  type FunnelClass,
  type FunnelLimits,
  type FunnelSpec,
  type FunnelType,
  funnelLabel,
  funnelLimits,
  funnelTypes,
} from "./funnel.ts";
export {
  chiSquareQuantile,
  gammaQuantile,
  logGamma,
  normalCritical,
  regularisedGammaP,
} from "./gammaQuantile.ts";
export {
  type IndirectOptions,
  type IndirectStratum,
  indirectlyStandardisedRate,
  indirectlyStandardisedRatio,
} from "./indirect.ts";
export { type GroupCount, rateDifference, rateRatio } from "./inequality.ts";
export { nFoldVariation, percentile } from "./percentile.ts";
export { type PoissonMethod, type PoissonOptions, poissonCountInterval, poissonMethods } from "./poisson.ts";
export { type SiiGroup, type SiiOptions, type SiiResult, slopeIndexOfInequality } from "./sii.ts";
export { assuranceIcon, specialCauseType, type VariationIcon, variationIcon } from "./spc/icons.ts";
export { evaluateRules, type LimitedPoint, type RuleHit, type Side, type SpcRule } from "./spc/rules.ts";
export {
  MR_SCREEN_FACTOR,
  XMR_LIMIT_FACTOR,
  type XmrChart,
  type XmrOptions,
  type XmrPoint,
  xmrChart,
} from "./spc/xmr.ts";
export { standardisedRateDifference, standardisedRateRatio } from "./standardisedComparison.ts";
export type { Direction, Interval } from "./types.ts";
export { wilsonInterval } from "./wilson.ts";

export { type Clock, type Effects, type Logger, type Progress, quietEffects } from "./Effects.ts";

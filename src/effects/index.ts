export {
  type Clock,
  type Effects,
  type Logger,
  type Progress,
  quietEffects,
  systemClock,
} from "./Effects.ts";

import { type Static, Type } from "@sinclair/typebox";
import { readConfigFile } from "./readConfigFile.ts";

export const EscalationCriterion = Type.Union([
  Type.Object(
    {
      id: Type.String({ minLength: 1 }),
      kind: Type.Literal("compliance_below"),
      /** A fraction: 0.9 = 90%. */
      threshold: Type.Number({ minimum: 0, maximum: 1 }),
      /** The latest this many months all below. */
      months: Type.Integer({ minimum: 1 }),
      /** Months with fewer restricted spells than this never count (default 10): a rate of 2 spells is noise. */
      min_spells: Type.Optional(Type.Integer({ minimum: 1 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      id: Type.String({ minLength: 1 }),
      kind: Type.Literal("activity_above_trajectory"),
      /** Restricted spells a month per organisation code (`*` for any other), the agreed trajectory. */
      trajectory: Type.Record(Type.String(), Type.Number({ minimum: 0 })),
      months: Type.Integer({ minimum: 1 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      id: Type.String({ minLength: 1 }),
      kind: Type.Literal("special_cause"),
      /** A special-cause signal of concern in the latest this many months (default 1). */
      months: Type.Optional(Type.Integer({ minimum: 1 })),
    },
    { additionalProperties: false },
  ),
]);
export type EscalationCriterion = Static<typeof EscalationCriterion>;

export const EscalationConfig = Type.Object(
  { version: Type.String({ minLength: 1 }), criteria: Type.Array(EscalationCriterion, { minItems: 1 }) },
  { additionalProperties: false },
);
export type EscalationConfig = Static<typeof EscalationConfig>;

/** The shipped criteria: compliance under 90% for two months; a special-cause signal of concern. */
export const defaultEscalation: EscalationConfig = {
  version: "default",
  criteria: [
    { id: "compliance-under-90-for-2-months", kind: "compliance_below", threshold: 0.9, months: 2 },
    { id: "special-cause-concern", kind: "special_cause", months: 1 },
  ],
};

/** Reads and checks an escalation file (JSON). */
export function readEscalationConfig(path: string): EscalationConfig {
  return readConfigFile(path, EscalationConfig, "an escalation configuration");
}

/** One month of one organisation × intervention series (`monthlyCompliance` rows). */
export interface MonthlyPoint {
  level: string;
  organisation: string;
  intervention_id: string;
  month: string;
  restricted: number;
  compliance: number;
  special_cause: string | null;
}

export interface EscalationException {
  criterion: string;
  level: string;
  organisation: string;
  intervention_id: string;
  months: string;
  detail: string;
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * The series meeting each criterion over their latest months, nothing else: what goes to the
 * oversight committee. Series are per organisation (provider or commissioner) and intervention (`all` = every one).
 */
export function evaluateEscalation(
  config: EscalationConfig,
  points: readonly MonthlyPoint[],
): EscalationException[] {
  const series = new Map<string, MonthlyPoint[]>();
  for (const p of points) {
    const key = `${p.level}|${p.organisation}|${p.intervention_id}`;
    series.set(key, [...(series.get(key) ?? []), p]);
  }
  const found: EscalationException[] = [];
  for (const criterion of config.criteria) {
    for (const all of series.values()) {
      const sorted = [...all].sort((a, b) => a.month.localeCompare(b.month));
      const first = sorted[0] as MonthlyPoint;
      const latest = sorted.slice(-(criterion.months ?? 1));
      if (latest.length < (criterion.months ?? 1)) continue;
      const months = latest.map((p) => p.month.slice(0, 7)).join(", ");
      const base = {
        criterion: criterion.id,
        level: first.level,
        organisation: first.organisation,
        intervention_id: first.intervention_id,
        months,
      };
      if (
        criterion.kind === "compliance_below" &&
        latest.every(
          (p) => p.restricted >= (criterion.min_spells ?? 10) && p.compliance < criterion.threshold,
        )
      ) {
        found.push({
          ...base,
          detail: `Compliance ${latest.map((p) => percent(p.compliance)).join(", ")}: under ${percent(criterion.threshold)} in each of the latest ${criterion.months} months.`,
        });
      } else if (criterion.kind === "activity_above_trajectory") {
        const limit = criterion.trajectory[first.organisation] ?? criterion.trajectory["*"];
        if (limit !== undefined && latest.every((p) => p.restricted > limit))
          found.push({
            ...base,
            detail: `Restricted spells ${latest.map((p) => p.restricted).join(", ")}: above the trajectory of ${limit} a month in each of the latest ${criterion.months} months.`,
          });
      } else if (criterion.kind === "special_cause" && latest.some((p) => p.special_cause === "concern")) {
        found.push({
          ...base,
          detail: `A special-cause signal of concern on the XmR chart of monthly compliance (${latest
            .filter((p) => p.special_cause === "concern")
            .map((p) => p.month.slice(0, 7))
            .join(", ")}).`,
        });
      }
    }
  }
  return found.sort(
    (a, b) =>
      a.criterion.localeCompare(b.criterion) ||
      b.level.localeCompare(a.level) ||
      a.organisation.localeCompare(b.organisation) ||
      a.intervention_id.localeCompare(b.intervention_id),
  );
}

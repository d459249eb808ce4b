import { describe, expect, it } from "vitest";
import { type EscalationConfig, evaluateEscalation, type MonthlyPoint } from "../../src/approvals/index.ts";

const point = (
  provider: string,
  month: string,
  restricted: number,
  compliance: number,
  special: string | null = null,
): MonthlyPoint => ({
  level: "provider",
  organisation: provider,
  intervention_id: "all",
  month,
  restricted,
  compliance,
  special_cause: special,
});

const config: EscalationConfig = {
  version: "test",
  criteria: [
    { id: "under-90", kind: "compliance_below", threshold: 0.9, months: 2 },
    {
      id: "above-trajectory",
      kind: "activity_above_trajectory",
      months: 3,
      trajectory: { RA1: 50, "*": 100 },
    },
    { id: "signal", kind: "special_cause" },
  ],
};

describe("evaluateEscalation", () => {
  it("lists only the series meeting a criterion over their latest months", () => {
    const points = [
      // RA1: under 90% in the latest two months, and above its trajectory of 50 for the latest three.
      point("RA1", "2025-01-01", 60, 0.95),
      point("RA1", "2025-02-01", 60, 0.85),
      point("RA1", "2025-03-01", 60, 0.8),
      // RB2: under 90% once, then recovered; under the default trajectory; a special cause of concern last month.
      point("RB2", "2025-01-01", 40, 0.8),
      point("RB2", "2025-02-01", 40, 0.8),
      point("RB2", "2025-03-01", 40, 0.95, "concern"),
      // RC3: under 90% in small months only: too few spells to count.
      point("RC3", "2025-02-01", 4, 0.5),
      point("RC3", "2025-03-01", 4, 0.5),
    ];
    const found = evaluateEscalation(config, points);
    expect(found.map((e) => `${e.criterion}:${e.organisation}:${e.months}`)).toEqual([
      "above-trajectory:RA1:2025-01, 2025-02, 2025-03",
      "signal:RB2:2025-03",
      "under-90:RA1:2025-02, 2025-03",
    ]);
    expect(found.find((e) => e.criterion === "under-90")?.detail).toBe(
      "Compliance 85.0%, 80.0%: under 90.0% in each of the latest 2 months.",
    );
  });

  it("lists nothing when every series meets its goals", () => {
    expect(
      evaluateEscalation(config, [
        point("RA1", "2025-02-01", 20, 0.95),
        point("RA1", "2025-03-01", 20, 0.97),
      ]),
    ).toEqual([]);
  });
});

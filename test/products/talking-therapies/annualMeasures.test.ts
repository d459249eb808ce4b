import { describe, expect, it } from "vitest";
import { Database, quoteLiteral } from "../../../src/db/index.ts";
import {
  annualMeasures,
  commissionerOrgType,
} from "../../../src/products/talking-therapies/annualMeasures.ts";
import { imdLabel } from "../../../src/products/talking-therapies/breakdowns.ts";

const catalogue = "../shared/data/talking-therapies/metadata_measures_monthly.parquet";
const published = "../shared/data/talking-therapies/measures_annual.parquet";

/** The catalogue's name for each of our measures, from the published measure catalogue's naming. */
const catalogueName: Record<string, string> = {
  "referrals_received/count": "Count_ReferralsReceived",
  "finished_course_treatment/count": "Count_FinishedCourseTreatment",
  "not_at_caseness/count": "Count_NotAtCaseness",
  "recovery/count": "Count_Recovery",
  "recovery/percentage": "Percentage_Recovery",
  "reliable_recovery/count": "Count_ReliableRecovery",
  "reliable_recovery/percentage": "Percentage_ReliableRecovery",
  "improvement/count": "Count_ReliableImprovement",
  "improvement/percentage": "Percentage_ReliableImprovement",
  "deterioration/count": "Count_ReliableDeterioration",
  "deterioration/percentage": "Percentage_ReliableDeterioration",
  "no_reliable_change/count": "Count_NoReliableChange",
};

describe("annualMeasures against NHS England's measure catalogue", () => {
  it("carries the catalogue's measure id for each measure that has one", async () => {
    const db = await Database.open(":memory:");
    try {
      const entries = await db.all<{ measure_id: string; measure_name: string; construction: string }>(
        `SELECT measure_id, trim(measure_name) AS measure_name, construction FROM ${quoteLiteral(catalogue)}`,
      );
      const byId = new Map(entries.map((e) => [e.measure_id, e]));
      for (const m of annualMeasures.filter((x) => x.id !== "")) {
        const entry = byId.get(m.id);
        expect(entry?.measure_name, `${m.name} ${m.statistic} ${m.id}`).toBe(
          catalogueName[`${m.name}/${m.statistic}`],
        );
      }
    } finally {
      db.close();
    }
  });

  it("uses the catalogue's denominators: recovery over finished minus not at caseness, improvement over all finished", async () => {
    const db = await Database.open(":memory:");
    try {
      const [recovery] = await db.all<{ construction: string }>(
        `SELECT construction FROM ${quoteLiteral(catalogue)} WHERE measure_id = 'M192'`,
      );
      expect(recovery?.construction).toMatch(/CompletedTreatment_Flag[\s\S]*Minus[\s\S]*NotCaseness_Flag/);
      const recoveryPct = annualMeasures.find((m) => m.name === "recovery" && m.statistic === "percentage");
      expect(recoveryPct?.denominator).toMatch(/finished.*not_at_caseness/);
      const [improvement] = await db.all<{ construction: string }>(
        `SELECT construction FROM ${quoteLiteral(catalogue)} WHERE measure_id = 'M186'`,
      );
      expect(improvement?.construction).not.toMatch(/NotCaseness/);
      const improvementPct = annualMeasures.find(
        (m) => m.name === "improvement" && m.statistic === "percentage",
      );
      expect(improvementPct?.denominator).not.toMatch(/not_at_caseness/);
    } finally {
      db.close();
    }
  });

  it("reproduces England 2024-25's published recovery rate from its published counts", async () => {
    const db = await Database.open(":memory:");
    try {
      const rows = await db.all<{ measure_name: string; measure_statistic: string; value: string }>(
        `SELECT measure_name, measure_statistic, value FROM ${quoteLiteral(published)}
         WHERE org_type = 'England' AND reporting_period = '2024-25' AND variable_type = 'Total'`,
      );
      const get = (name: string, statistic = "count") =>
        Number(rows.find((r) => r.measure_name === name && r.measure_statistic === statistic)?.value);
      const recovery = (100 * get("recovery")) / (get("finished_course_treatment") - get("not_at_caseness"));
      expect(recovery).toBeCloseTo(get("recovery", "percentage"), 1);
      const improvement = (100 * get("improvement")) / get("finished_course_treatment");
      expect(improvement).toBeCloseTo(get("improvement", "percentage"), 1);
    } finally {
      db.close();
    }
  });
});

describe("published labels", () => {
  it("names the commissioner level CCG before July 2022 and Sub-ICB after", () => {
    expect(commissionerOrgType("2022-03-31")).toBe("CCG");
    expect(commissionerOrgType("2025-03-31")).toBe("Sub-ICB");
  });

  it("labels IMD deciles opposite to their codes", () => {
    expect(imdLabel(10)).toBe("01 Least deprived");
    expect(imdLabel(1)).toBe("10 Most deprived");
    expect(imdLabel(6)).toBe("05 Less deprived");
    expect(imdLabel(5)).toBe("06 More deprived");
  });
});

describe("docs/talking-therapies.md", () => {
  it("documents every measure the module writes", async () => {
    const { readFileSync } = await import("node:fs");
    const { contactReviewMeasures, pathwayReviewMeasures, qualificationMeasures } = await import(
      "../../../src/products/talking-therapies/reviewMeasures.ts"
    );
    const doc = readFileSync("docs/talking-therapies.md", "utf8");
    const names = [
      ...annualMeasures,
      ...pathwayReviewMeasures,
      ...contactReviewMeasures,
      ...qualificationMeasures,
    ]
      .map((m) => m.name)
      .filter((n) => !n.startsWith("open_no_activity_") || n === "open_no_activity_60_days");
    for (const name of new Set(names)) expect(doc, name).toContain(`\`${name}\``);
  });
});

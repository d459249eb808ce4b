import { describe, expect, it } from "vitest";
import {
  demoServiceConfigurationFile,
  parseServiceConfiguration,
  readServiceConfiguration,
  type ServiceConfiguration,
} from "../../../../src/products/talking-therapies/public/serviceConfiguration.ts";
import {
  capacityFor,
  staffingMeasures,
  staffingTable,
} from "../../../../src/products/talking-therapies/public/staffing.ts";

const assumptions = {
  costPerWtePounds: 58000,
  clinicalWeeksPerYear: 42,
  sessionHours: { "Low intensity": 0.5, "High intensity": 1 },
  highIntensityShareOfCourses: 0.5,
  sessionsPerCourse: { "Low intensity": 6, "High intensity": 10 },
  courseStartsPerFinished: 1.5,
};

function config(): ServiceConfiguration {
  const demo = readServiceConfiguration(demoServiceConfigurationFile);
  return {
    ...demo,
    investment: { pounds: 700000, source: "test" },
    prevalence: { people: 10000, source: "test" },
    workforce: [
      { step: "Low intensity", modality: "PWP", qualification: "PWP", headcount: 4, wte: 4 },
      { step: "High intensity", modality: "CBT", qualification: "CBT", headcount: 8, wte: 7 },
    ],
    assumptions: { ...assumptions, clinicalWeeksPerYear: 40 },
  };
}

describe("staffing measures", () => {
  it("works out investment a head, WTE per 1,000, clinical hours per WTE and the step mix", () => {
    const delivered = {
      appointments: { "Low intensity": 4000, "High intensity": 5000 },
      referrals: 0,
      entered: 0,
      waitingFirst: 0,
    };
    // £700,000 ÷ 10,000 = £70; 11 WTE × 1,000 ÷ 10,000 = 1.1; (4,000 × 0.5 + 5,000 × 1) h ÷ 11 ÷ 40
    // = 15.909 h; 7 ÷ 11 = 63.6% high intensity.
    const m = staffingMeasures(config(), delivered);
    expect(m.investmentPerHead).toBe(70);
    expect(m.wtePer1000).toBeCloseTo(1.1, 10);
    expect(m.clinicalHoursPerWte).toBeCloseTo(15.909, 3);
    expect(m.highIntensityShare).toBeCloseTo(0.6364, 4);
    const rows = staffingTable(config(), delivered).rows;
    expect(rows.map((r) => r.status)).toEqual([
      "Within the guide",
      "Within the guide",
      "Below the guide",
      "Within the guide",
    ]);
  });
});

describe("capacityFor", () => {
  it("turns an investment into WTE, hours, courses, entries, access and clearance by the stated assumptions", () => {
    // £580,000 ÷ £58,000 = 10 WTE; × 20 h × 42 weeks = 8,400 h; a course takes 0.5 × 6 × 0.5 +
    // 0.5 × 10 × 1 = 6.5 h → 1,292.3 courses → × 1.5 = 1,938.5 entries = 19.38% of 10,000; spare
    // 438.5 a year clears 300 waiting in 300 ÷ (438.5 ÷ 52) = 35.58 weeks.
    const c = capacityFor(580000, 20, 10000, assumptions, { entriesPerYear: 1500, waiting: 300 });
    expect(c.wte).toBe(10);
    expect(c.clinicalHours).toBe(8400);
    expect(c.finishedCourses).toBeCloseTo(1292.31, 2);
    expect(c.entries).toBeCloseTo(1938.46, 2);
    expect(c.access).toBeCloseTo(19.38, 2);
    expect(c.clearanceWeeks).toBeCloseTo(35.58, 2);
    expect(
      capacityFor(58000, 20, 10000, assumptions, { entriesPerYear: 1500, waiting: 300 }).clearanceWeeks,
    ).toBeNull();
  });
});

describe("service configuration", () => {
  it("reads the demo's documented file", () => {
    const demo = readServiceConfiguration(demoServiceConfigurationFile);
    expect(demo.provider).toBe("RMY");
    expect(demo.workforce.some((w) => /no IAPT qualification/.test(w.qualification))).toBe(true);
    expect(demo.guides.investmentPerHeadPounds).toEqual([65, 75]);
  });

  it("names the file, field, value and what was expected for a bad field", () => {
    const raw = JSON.parse(JSON.stringify(readServiceConfiguration(demoServiceConfigurationFile)));
    raw.assumptions.clinicalWeeksPerYear = 60;
    expect(() => parseServiceConfiguration(raw, "service.json")).toThrow(
      /service\.json: assumptions\.clinicalWeeksPerYear is 60; expected a number from 1 to 52/,
    );
    raw.assumptions.clinicalWeeksPerYear = 42;
    raw.workforce[0].step = "Step 3";
    try {
      parseServiceConfiguration(raw, "service.json");
      expect.unreachable();
    } catch (error) {
      expect((error as { code: string }).code).toBe("EBI_TT_SERVICE_CONFIG");
      expect(String(error)).toContain("workforce[0].step");
    }
  });
});

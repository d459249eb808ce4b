import { describe, expect, it } from "vitest";
import { compareWithBenchmark, dobsonLimitsAt, opportunityAt } from "../../src/stats/benchmark.ts";
import { directlyStandardisedRate } from "../../src/stats/dsr.ts";

// Two bands worked by hand: DSR = (30/20,000 × 60,000 + 70/10,000 × 40,000) ÷ 100,000 = 0.0037
// (370 per 100,000); var = (30 × 3² + 70 × 4²) ÷ 100,000² = 1.39e-7, so √(var/O) = 3.7283 per
// 100,000 with O = 100. Byar's limits of 100 are 81.362–121.628 at 95% and 71.904–134.944 at 99.8%.
const strata = [
  { events: 30, population: 20_000, weight: 60_000 },
  { events: 70, population: 10_000, weight: 40_000 },
];

describe("Dobson limits at another confidence level", () => {
  it("turns 95% limits into the 99.8% limits worked by hand", () => {
    const at95 = directlyStandardisedRate(strata);
    expect(at95.upper).toBeCloseTo(370 + 3.72827 * 21.62794, 2); // 450.635
    const rescaled = dobsonLimitsAt(
      { value: 370, lower: at95.lower as number, upper: at95.upper as number },
      100,
      0.998,
    );
    expect(rescaled.lower).toBeCloseTo(370 - 3.72827 * 28.09631, 2); // 265.249
    expect(rescaled.upper).toBeCloseTo(370 + 3.72827 * 34.94362, 2); // 500.279
  });

  it("agrees with limits computed afresh from the strata at that level", () => {
    const at95 = directlyStandardisedRate(strata);
    const at998 = directlyStandardisedRate(strata, { confidence: 0.998 });
    const rescaled = dobsonLimitsAt(
      { value: 370, lower: at95.lower as number, upper: at95.upper as number },
      100,
      0.998,
    );
    expect(rescaled.lower).toBeCloseTo(at998.lower as number, 9);
    expect(rescaled.upper).toBeCloseTo(at998.upper as number, 9);
  });

  it("refuses a confidence level outside 0.90–0.9999", () => {
    expect(() => dobsonLimitsAt({ value: 1, lower: 0.5, upper: 2 }, 20, 0.5)).toThrow(/confidence/);
  });
});

describe("comparison with a benchmark", () => {
  it("is higher only when the whole interval is above, lower only when wholly below", () => {
    expect(compareWithBenchmark({ value: 72.2, lower: 60.1, upper: 86 }, 41.7)).toBe("higher");
    expect(compareWithBenchmark({ value: 30, lower: 20, upper: 41.6 }, 41.7)).toBe("lower");
    expect(compareWithBenchmark({ value: 45, lower: 41.7, upper: 50 }, 41.7)).toBe("similar");
    expect(compareWithBenchmark({ value: 40, lower: 30, upper: 50 }, 41.7)).toBe("similar");
  });
});

describe("opportunity at a benchmark rate", () => {
  it("is the spells above the benchmark's rate: 200 × (1 − 50 ÷ 80) = 75", () => {
    expect(opportunityAt(200, 80, 50)).toBeCloseTo(75, 10);
    expect(opportunityAt(200, 40, 50)).toBe(0);
  });
});

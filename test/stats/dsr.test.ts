import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ageSexStrata,
  directlyStandardisedRate,
  esp2013AgeBands,
  europeanStandardPopulation2013,
} from "../../src/stats/index.ts";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const z = 1.959963984540054;

describe("directlyStandardisedRate", () => {
  // Hand example: band A 6 events / 1,000 (weight 3), band B 8 / 4,000 (weight 1).
  // DSR = (6·3/1000 + 8·1/4000) ÷ 4 = 0.005 → 500 per 100,000.
  // var = (6·9/1000² + 8·1/4000²) ÷ 16 = 3.40625e-6; O = 14.
  const strata = [
    { events: 6, population: 1000, weight: 3 },
    { events: 8, population: 4000, weight: 1 },
  ];
  it("standardises a two-band example worked by hand, with Dobson limits", () => {
    const r = directlyStandardisedRate(strata);
    const lim14 = 14 * (1 - 1 / 126 - z / (3 * Math.sqrt(14))) ** 3;
    const lim15 = 15 * (1 - 1 / 135 + z / (3 * Math.sqrt(15))) ** 3;
    const f = Math.sqrt(3.40625e-6 / 14);
    expect(rel(r.value as number, 500)).toBeLessThan(1e-12);
    expect(rel(r.lower as number, (0.005 + f * (lim14 - 14)) * 1e5)).toBeLessThan(1e-9);
    expect(rel(r.upper as number, (0.005 + f * (lim15 - 14)) * 1e5)).toBeLessThan(1e-9);
    expect(r.events).toBe(14);
    expect(r.population).toBe(5000);
    expect(r.reason).toBeNull();
  });
  it("is not calculated below 10 events and says why", () => {
    const r = directlyStandardisedRate([{ events: 9, population: 100, weight: 1 }]);
    expect(r).toMatchObject({
      value: null,
      lower: null,
      upper: null,
      events: 9,
      reason: "fewer than 10 events",
    });
  });
  it("equals the crude rate when the standard matches the local age structure", () => {
    const r = directlyStandardisedRate([
      { events: 10, population: 1000, weight: 1000 },
      { events: 30, population: 3000, weight: 3000 },
    ]);
    expect(r.value).toBeCloseTo(1000, 9);
  });
  it("rejects events in a band with no population, and negative events", () => {
    expect(() => directlyStandardisedRate([{ events: 12, population: 0, weight: 1 }])).toThrow(/population/);
    expect(() => directlyStandardisedRate([{ events: -1, population: 10, weight: 1 }])).toThrow(
      expect.objectContaining({ code: "EBI_STATS_INPUT" }),
    );
  });
  it("contains the rate, widens with confidence (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            events: fc.integer({ min: 0, max: 500 }),
            population: fc.integer({ min: 500, max: 1e6 }),
          }),
          {
            minLength: 19,
            maxLength: 19,
          },
        ),
        (rows) => {
          const s = rows.map((r, i) => ({ ...r, weight: europeanStandardPopulation2013[i] as number }));
          const a = directlyStandardisedRate(s);
          const b = directlyStandardisedRate(s, { confidence: 0.998 });
          if (a.value === null) return;
          expect(a.lower as number).toBeLessThanOrEqual(a.value);
          expect(a.upper as number).toBeGreaterThanOrEqual(a.value);
          expect(b.lower as number).toBeLessThanOrEqual(a.lower as number);
          expect(b.upper as number).toBeGreaterThanOrEqual(a.upper as number);
        },
      ),
    );
  });
});

describe("European Standard Population 2013", () => {
  it("has 19 bands summing to 100,000", () => {
    expect(europeanStandardPopulation2013).toHaveLength(19);
    expect(europeanStandardPopulation2013.reduce((a, b) => a + b, 0)).toBe(100_000);
    expect(esp2013AgeBands[18]).toBe(90);
  });
});

describe("ageSexStrata", () => {
  it("builds 38 strata with ESP weights within each sex and sums rows in a band", () => {
    const s = ageSexStrata([
      { sex: "female", age: 92, events: 4, population: 100 },
      { sex: "female", age: 90, events: 1, population: 50 },
      { sex: "male", age: 3, events: 2, population: 200 },
      { sex: 1, ageBand: 0, events: 1, population: 10 },
      { sex: "F", ageBand: 85, events: 3, population: 30 },
    ]);
    expect(s).toHaveLength(38);
    expect(s[0]).toEqual({ sex: "male", ageBand: 0, events: 3, population: 210, weight: 5000 });
    expect(s[36]).toEqual({ sex: "female", ageBand: 85, events: 3, population: 30, weight: 1500 });
    expect(s[37]).toEqual({ sex: "female", ageBand: 90, events: 5, population: 150, weight: 1000 });
  });
  it("rejects an unknown sex and ages below the first band", () => {
    expect(() => ageSexStrata([{ sex: "X" as "M", ageBand: 40, events: 1, population: 5 }])).toThrow(
      /standard stratum/,
    );
    expect(() => ageSexStrata([{ sex: "M", ageBand: -1, events: 1, population: 5 }])).toThrow(
      /standard stratum/,
    );
  });
  it("standardises to the mean of the male and female age-standardised rates", () => {
    const rows = [
      { sex: "male" as const, ageBand: 40, events: 20, population: 1000 },
      { sex: "female" as const, ageBand: 40, events: 10, population: 1000 },
    ];
    // Only the 40–44 band has people: each sex's DSR = its rate × 7000/100000 of the standard.
    const r = directlyStandardisedRate(ageSexStrata(rows));
    expect(r.value).toBeCloseTo(((2000 + 1000) / 2) * 0.07, 9);
  });
  it("rejects a standard whose weights and bands do not match", () => {
    expect(() => ageSexStrata([], { weights: [1, 2], bands: [0] })).toThrow(/must match/);
  });
  it("rejects events with no population in a stratum", () => {
    expect(() => ageSexStrata([{ sex: "male", age: 40, events: 3, population: 0 }])).toThrow(/population/);
  });
});

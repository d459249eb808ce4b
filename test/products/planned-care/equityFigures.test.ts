import { describe, expect, it } from "vitest";
import {
  ageSexDsr,
  type EquityCell,
  equityCells,
  gapChange,
  inequalityOf,
} from "../../../src/products/planned-care/equityFigures.ts";

const cell = (
  dimension: EquityCell["dimension"],
  code: string,
  rate: number,
  lower: number,
  upper: number,
  population = 1000,
): EquityCell => ({
  group_id: "g",
  fyear: 2024,
  level: "england",
  org_code: "ENG",
  dimension,
  group_code: code,
  group_label: code,
  group_order: Number(code) || 0,
  spells: 100,
  population,
  rate_kind: "dsr",
  rate,
  lower,
  upper,
});

describe("ageSexDsr", () => {
  it("standardises to twice the ESP 2013 (both sexes), worked by hand", () => {
    // 10 admissions among 1,000 boys aged 0–4 (ESP weight 5,000), nobody else admitted, all of the
    // 38 strata populated: DSR = 10 × 5,000 / 1,000 / 200,000 × 100,000 = 25 per 100,000.
    const population = [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90].flatMap(
      (age_band) => [
        { age_band, sex: "1", population: 1000 },
        { age_band, sex: "2", population: 1000 },
      ],
    );
    const r = ageSexDsr([{ age_band: 0, sex: "1", spells: 10 }], population);
    expect(r.rate).toBeCloseTo(25, 10);
    expect(r.lower).toBeLessThan(25);
    expect(r.upper).toBeGreaterThan(25);
  });
  it("gives no rate when admissions fall in a stratum with no people", () => {
    expect(
      ageSexDsr([{ age_band: 0, sex: "1", spells: 12 }], [{ age_band: 5, sex: "1", population: 10 }]).rate,
    ).toBeNull();
  });
});

describe("inequalityOf", () => {
  it("gives the gap between the least and most deprived fifths with its interval, worked by hand", () => {
    // Q5 100 (90–110), Q1 60 (54–66): gap 40; se 20/3.919928 = 5.10213 and 12/3.919928 = 3.06128;
    // half-width 1.959964 × √(26.0317 + 9.3714) = 11.6619.
    const f = inequalityOf([cell("imd_quintile", "1", 60, 54, 66), cell("imd_quintile", "5", 100, 90, 110)]);
    expect(f.gap).toBeCloseTo(40, 10);
    expect(f.gap_upper as number).toBeCloseTo(51.6619, 3);
    expect(f.gap_lower as number).toBeCloseTo(28.3381, 3);
    expect(f.ratio).toBeCloseTo(0.6, 10);
    expect(f.sii).toBeNull();
  });
  it("gives the SII over ten equal deciles as the slope of a straight line of rates", () => {
    // Rates 10, 20, … 100 from most to least deprived at equal populations: mid-ranks 0.05 … 0.95,
    // slope 100 per unit rank; the intercept 5, so RII = (5 + 100) / 5 = 21.
    const deciles = Array.from({ length: 10 }, (_, i) =>
      cell("imd_decile", String(i + 1), 10 * (i + 1), 10 * (i + 1) - 1, 10 * (i + 1) + 1),
    );
    const f = inequalityOf(deciles);
    expect(f.sii).toBeCloseTo(100, 8);
    expect(f.rii).toBeCloseTo(21, 8);
    expect(f.sii_lower as number).toBeLessThan(100);
  });
});

describe("gapChange", () => {
  it("is the latest gap minus the base gap with ± z √(se² + se²)", () => {
    // Gaps 40 (28.3381–51.6619, se 5.95005) and 30 (20.2002–39.7998, se 2.5): change 10, half-width 1.959964 × √(35.4031 + 6.25) = 12.6510.
    const c = gapChange(
      { gap: 40, gap_lower: 28.3381, gap_upper: 51.6619 },
      { gap: 30, gap_lower: 30 - 1.959964 * 5, gap_upper: 30 + 1.959964 * 5 },
    );
    expect(c.change).toBeCloseTo(10, 10);
    expect((c.upper as number) - 10).toBeCloseTo(1.959964 * Math.sqrt(5.95005 ** 2 + 25), 3);
  });
  it("is null when either year has no gap", () => {
    expect(
      gapChange({ gap: null, gap_lower: null, gap_upper: null }, { gap: 1, gap_lower: 0, gap_upper: 2 })
        .change,
    ).toBeNull();
  });
});

describe("equityCells", () => {
  it("keeps unknown deprivation, age and sex as cells of their own so breakdowns add to the total", () => {
    const strata = [
      {
        group_id: "g",
        fyear: 2024,
        level: "england",
        org_code: "ENG",
        imd_decile: 1,
        age_band: 70,
        sex: "2",
        spells: 30,
      },
      {
        group_id: "g",
        fyear: 2024,
        level: "england",
        org_code: "ENG",
        imd_decile: null,
        age_band: null,
        sex: "9",
        spells: 4,
      },
    ];
    const cells = equityCells({
      group_id: "g",
      fyear: 2024,
      level: "england",
      org_code: "ENG",
      strata,
      ethnic: [],
      population: [
        { level: "england", org_code: "ENG", imd_decile: 1, age_band: 70, sex: "2", population: 5000 },
      ],
    });
    const sum = (d: string) => cells.filter((c) => c.dimension === d).reduce((a, c) => a + c.spells, 0);
    for (const d of ["imd_decile", "imd_quintile", "age_band", "sex"]) expect(sum(d), d).toBe(34);
    expect(cells.find((c) => c.dimension === "age_band" && c.group_code === "70")?.rate).toBeCloseTo(600, 8);
  });

  it("rates ethnic groups crude over their Census population, and leaves 'not stated' and unloaded groups without one", () => {
    const base = { group_id: "g", fyear: 2024, level: "icb", org_code: "I1" };
    const cells = equityCells({
      ...base,
      strata: [{ ...base, imd_decile: 1, age_band: 70, sex: "2", spells: 41 }],
      ethnic: [
        { ...base, ethnic_group: "asian", age_band: null, sex: null, spells: 30 },
        { ...base, ethnic_group: "white", age_band: null, sex: null, spells: 8 },
        { ...base, ethnic_group: "not-stated", age_band: null, sex: null, spells: 3 },
      ],
      population: [{ level: "icb", org_code: "I1", imd_decile: 1, age_band: 70, sex: "2", population: 5000 }],
      ethnicPopulation: [
        { level: "icb", org_code: "I1", ethnic_group: "asian", population: 20_000 },
        { level: "icb", org_code: "I1", ethnic_group: "white", population: 64_000 },
      ],
    });
    const ethnic = (code: string) =>
      cells.find((c) => c.dimension === "ethnic_group" && c.group_code === code);
    // 30 / 20,000 × 100,000 = 150; 8 / 64,000 × 100,000 = 12.5.
    expect(ethnic("asian")).toMatchObject({ rate_kind: "crude", population: 20_000, spells: 30 });
    expect(ethnic("asian")?.rate).toBeCloseTo(150, 8);
    expect(ethnic("white")?.rate).toBeCloseTo(12.5, 8);
    const asian = ethnic("asian");
    expect((asian?.lower ?? 999) < 150 && (asian?.upper ?? 0) > 150).toBe(true);
    expect(ethnic("not-stated")).toMatchObject({ rate_kind: "none", rate: null, population: null });
    expect(ethnic("black")).toMatchObject({ rate_kind: "none", rate: null, spells: 0 });
  });

  it("standardises ethnic groups for age and sex when their population by sex and age is loaded, worked by hand", () => {
    // Two groups, each 10,000 people of each sex in two age bands, 0–44 and 45+ (ESP 2013 weights
    // summed: 0–44 = 5,000 + 3 × 5,500 + 2 × 6,000 + 6,500 + 2 × 7,000 = 54,000; 45+ = 46,000; per sex).
    //   Asian (young): 9,000 aged 0–44 with 9 admissions (100 per 100,000), 1,000 aged 45+ with 10 (1,000).
    //   White (old):   1,000 aged 0–44 with 1 admission (100),             9,000 aged 45+ with 18 (200).
    // Crude, both 19 ÷ 10,000 = 190 per 100,000 (per sex and overall).
    // Standardised, both sexes alike: Asian (54,000 × 100 + 46,000 × 1,000) ÷ 100,000 = 514;
    //                                  White (54,000 × 100 + 46,000 × 200) ÷ 100,000 = 146.
    const base = { group_id: "g", fyear: 2024, level: "icb", org_code: "I1" };
    const ethnic = (["1", "2"] as const).flatMap((sex) => [
      { ...base, ethnic_group: "asian", age_band: 20, sex, spells: 9 },
      { ...base, ethnic_group: "asian", age_band: 70, sex, spells: 10 },
      { ...base, ethnic_group: "white", age_band: 30, sex, spells: 1 },
      { ...base, ethnic_group: "white", age_band: 60, sex, spells: 18 },
      { ...base, ethnic_group: "not-stated", age_band: 60, sex, spells: 2 },
    ]);
    const ageSex = (["1", "2"] as const).flatMap((sex) => [
      { level: "icb", org_code: "I1", ethnic_group: "asian", sex, age_band: 0, population: 9_000 },
      { level: "icb", org_code: "I1", ethnic_group: "asian", sex, age_band: 45, population: 1_000 },
      { level: "icb", org_code: "I1", ethnic_group: "white", sex, age_band: 0, population: 1_000 },
      { level: "icb", org_code: "I1", ethnic_group: "white", sex, age_band: 45, population: 9_000 },
    ]);
    const input = {
      ...base,
      strata: [{ ...base, imd_decile: 1, age_band: 70, sex: "2", spells: 80 }],
      ethnic,
      population: [{ level: "icb", org_code: "I1", imd_decile: 1, age_band: 70, sex: "2", population: 5000 }],
      ethnicPopulation: [
        { level: "icb", org_code: "I1", ethnic_group: "asian", population: 20_000 },
        { level: "icb", org_code: "I1", ethnic_group: "white", population: 20_000 },
      ],
    };
    const of = (cells: EquityCell[], code: string) =>
      cells.find((c) => c.dimension === "ethnic_group" && c.group_code === code);
    const crude = equityCells(input);
    expect(of(crude, "asian")).toMatchObject({ rate_kind: "crude", spells: 38, population: 20_000 });
    expect(of(crude, "asian")?.rate).toBeCloseTo(190, 8);
    expect(of(crude, "white")?.rate).toBeCloseTo(190, 8);
    const standardised = equityCells({ ...input, ethnicAgeSex: { bands: [0, 45], strata: ageSex } });
    const asian = of(standardised, "asian");
    const white = of(standardised, "white");
    expect(asian).toMatchObject({ rate_kind: "dsr", spells: 38, population: 20_000 });
    expect(asian?.rate).toBeCloseTo(514, 8);
    expect(white).toMatchObject({ rate_kind: "dsr", spells: 38, population: 20_000 });
    expect(white?.rate).toBeCloseTo(146, 8);
    expect((white?.lower ?? 999) < 146 && (white?.upper ?? 0) > 146).toBe(true);
    expect(of(standardised, "not-stated")).toMatchObject({ rate_kind: "none", rate: null });
  });
});

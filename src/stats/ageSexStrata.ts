import { EbiError } from "../errors/index.ts";
import type { DsrStratum } from "./dsr.ts";
import { esp2013AgeBands, europeanStandardPopulation2013 } from "./esp2013.ts";
import { requireDenominator, requireFinite, requireNonNegative } from "./validate.ts";

/** Sexes standardised separately; other or unknown sex is left out of age-sex standardisation. */
export const standardSexes = ["male", "female"] as const;
export type StandardSex = (typeof standardSexes)[number];

/** Sex as a word, a letter, or the NHS Data Dictionary code (1 male, 2 female). */
export type SexInput = StandardSex | "M" | "F" | 1 | 2 | "1" | "2";

/** Events and population for one sex and age band (`ageBand`: a band's lower bound, or any age in years; `age` is an alias). */
export type AgeSexCount = { sex: SexInput; events: number; population: number } & (
  | { ageBand: number; age?: never }
  | { age: number; ageBand?: never }
);

const SEX_INDEX: Record<string, number> = { male: 0, M: 0, "1": 0, female: 1, F: 1, "2": 1 };

/**
 * Builds the 2 × 19 age-sex strata for a directly standardised rate, applying the full standard
 * weights within each sex (so the standard is 2 × ESP 2013 with equal numbers of each sex). Rows
 * falling in the same sex and band are summed; absent strata have 0 events and 0 population.
 */
export function ageSexStrata(
  rows: readonly AgeSexCount[],
  opts: { weights?: readonly number[]; bands?: readonly number[] } = {},
): (DsrStratum & { sex: StandardSex; ageBand: number })[] {
  const weights = opts.weights ?? europeanStandardPopulation2013;
  const bands = opts.bands ?? esp2013AgeBands;
  if (weights.length !== bands.length || bands.length === 0) {
    throw new EbiError(
      "EBI_STATS_INPUT",
      `standard population has ${weights.length} weights but ${bands.length} age bands; they must match.`,
      { field: "weights", value: weights.length, expected: `${bands.length} weights` },
    );
  }
  const strata = standardSexes.flatMap((sex) =>
    bands.map((ageBand, i) => ({ sex, ageBand, events: 0, population: 0, weight: weights[i] as number })),
  );
  rows.forEach((row, r) => {
    const age = (row.ageBand ?? row.age) as number;
    requireFinite(`rows[${r}].ageBand`, age);
    requireNonNegative(`rows[${r}].events`, row.events);
    requireNonNegative(`rows[${r}].population`, row.population);
    const sexIndex = SEX_INDEX[String(row.sex)] ?? -1;
    let band = -1;
    for (let i = 0; i < bands.length; i++) if (age >= (bands[i] as number)) band = i;
    if (sexIndex < 0 || band < 0) {
      throw new EbiError(
        "EBI_STATS_INPUT",
        `row ${r} (sex ${String(row.sex)}, age ${age}) does not fall in a standard stratum.`,
        { row: r, value: row, expected: `sex male|female|M|F|1|2, age ≥ ${bands[0]}` },
      );
    }
    const stratum = strata[sexIndex * bands.length + band];
    if (stratum) {
      stratum.events += row.events;
      stratum.population += row.population;
    }
  });
  for (const s of strata) {
    requireDenominator(`population (${s.sex}, age ${s.ageBand})`, s.population, s.events);
  }
  return strata;
}

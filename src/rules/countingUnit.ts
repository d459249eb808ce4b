import { EbiError } from "../errors/index.ts";

/** What one count is: a hospital spell judged on its dominant procedure, or an episode on its own codes. */
export const countingUnits = ["spell", "episode"] as const;
export type CountingUnit = (typeof countingUnits)[number];

/**
 * The programme's unit. Its published SQL (the Academy of Medical Royal Colleges' EBI coding pages,
 * which NHSBSA's ePACT2 dashboard reproduces) reads one SUS admitted-patient-care spell row each,
 * tested on `Spell_Dominant_Procedure` and `Spell_Primary_Diagnosis`; the pages call the result
 * "episodes". See docs/rules.md, "Counting unit".
 */
export const defaultCountingUnit: CountingUnit = "spell";

/** The unit in words, as classify output, the manifest and pages show it. */
export const countingUnitWords: Record<CountingUnit, string> = {
  spell:
    "spells: one count per hospital spell, judged on its dominant procedure (the primary procedure of its first episode that records one) and its primary diagnosis (of its first episode), with every code of the spell in the other positions; outpatient appointments count one each",
  episode:
    "episodes: one count per episode (or outpatient appointment), judged on its own codes; the cancer exclusion still looks at the whole spell",
};

/** Reads a `--unit` value, naming what is allowed. */
export function parseCountingUnit(value: string | undefined): CountingUnit {
  if (value === undefined) return defaultCountingUnit;
  if ((countingUnits as readonly string[]).includes(value)) return value as CountingUnit;
  throw new EbiError(
    "EBI_USAGE",
    `--unit must be ${countingUnits.join(" or ")}, not ${JSON.stringify(value)}.`,
    {
      field: "unit",
      value,
      expected: countingUnits.join(", "),
    },
  );
}

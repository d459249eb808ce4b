/** European Standard Population 2013 weights for 0–4, 5–9 … 85–89, 90+ (total 100,000). */
export const europeanStandardPopulation2013: readonly number[] = Object.freeze([
  5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500,
  1000,
]);

/** Lower bound in years of each ESP 2013 band: 0, 5, …, 90. */
export const esp2013AgeBands: readonly number[] = Object.freeze(Array.from({ length: 19 }, (_, i) => i * 5));

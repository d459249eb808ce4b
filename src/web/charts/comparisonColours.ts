/** Fill colours of the compare-areas classes (NHS palette): lower activity is better for the figures compared. */
export const comparisonFill: Record<string, string> = {
  higher: "#d5281b",
  similar: "#ffb81c",
  lower: "#007f3b",
  none: "#d8dde0",
};

/** Text colour readable on each fill (WCAG AA). */
export const comparisonInk: Record<string, string> = {
  higher: "#ffffff",
  similar: "#212b32",
  lower: "#ffffff",
  none: "#212b32",
};

/** Words for a class, as tables and legends say them. */
export const comparisonText: Record<string, string> = {
  higher: "Significantly higher (worse)",
  similar: "Similar",
  lower: "Significantly lower (better)",
  none: "Not compared",
};

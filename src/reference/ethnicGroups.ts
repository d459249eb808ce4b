/** Ethnic groups for display, from the NHS ethnic category code (Data Dictionary ETHNIC CATEGORY). */
export const ethnicGroups: readonly { code: string; label: string; categories: readonly string[] }[] = [
  { code: "white", label: "White", categories: ["A", "B", "C"] },
  { code: "mixed", label: "Mixed", categories: ["D", "E", "F", "G"] },
  { code: "asian", label: "Asian or Asian British", categories: ["H", "J", "K", "L"] },
  { code: "black", label: "Black or Black British", categories: ["M", "N", "P"] },
  { code: "other", label: "Other ethnic group", categories: ["R", "S"] },
  { code: "not-stated", label: "Not stated or not known", categories: ["Z", "99"] },
];

/** The display group of an ethnic category code; anything else (blank, unknown) is "not stated". */
export function ethnicGroupOf(ethnos: string | null | undefined): string {
  const code = (ethnos ?? "").trim().toUpperCase();
  return ethnicGroups.find((g) => g.categories.includes(code))?.code ?? "not-stated";
}

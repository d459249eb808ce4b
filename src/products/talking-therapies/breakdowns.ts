import type { Breakdown } from "./longFormatSql.ts";
import { descriptorGroups, otherDescriptor, unrecordedDescriptor } from "./problemDescriptors.ts";

const notKnown = "Not stated/Not known/Invalid";

/** Age group at the period end, as the national file bands it. */
export const ageGroup: Breakdown = {
  variableType: "Age Group",
  value: `CASE WHEN age_at_period_end IS NULL OR age_at_period_end < 0 THEN '${notKnown}'
    WHEN age_at_period_end < 18 THEN 'Under 18' WHEN age_at_period_end <= 25 THEN '18 to 25'
    WHEN age_at_period_end <= 64 THEN '26 to 64' WHEN age_at_period_end <= 74 THEN '65 to 74'
    WHEN age_at_period_end <= 89 THEN '75 to 89' ELSE '90 and over' END`,
  order: ["Under 18", "18 to 25", "26 to 64", "65 to 74", "75 to 89", "90 and over", notKnown],
};

/** Gender: 1 male, 2 female, 9 indeterminate; anything else not known. */
export const gender: Breakdown = {
  variableType: "Gender",
  value: `CASE gender WHEN '1' THEN 'Male' WHEN '2' THEN 'Female'
    WHEN '9' THEN 'Indeterminate (unable to be classified as male or female)' ELSE '${notKnown}' END`,
  order: ["Male", "Female", "Indeterminate (unable to be classified as male or female)", notKnown],
};

/** Broad ethnic group from the ethnic category letter (White A–C, Mixed D–G, Asian H–L, Black M–P, Other R–S). */
export const ethnicGroup: Breakdown = {
  variableType: "Ethnic Group",
  value: `CASE WHEN ethnic_category IN ('A','B','C') THEN 'White'
    WHEN ethnic_category IN ('D','E','F','G') THEN 'Mixed'
    WHEN ethnic_category IN ('H','J','K','L') THEN 'Asian or Asian British'
    WHEN ethnic_category IN ('M','N','P') THEN 'Black or Black British'
    WHEN ethnic_category IN ('R','S') THEN 'Other Ethnic Groups' ELSE '${notKnown}' END`,
  order: [
    "White",
    "Mixed",
    "Asian or Asian British",
    "Black or Black British",
    "Other Ethnic Groups",
    notKnown,
  ],
};

const imdLabels = Array.from({ length: 10 }, (_, i) => {
  const label = String(i + 1).padStart(2, "0");
  if (i === 0) return `${label} Least deprived`;
  if (i === 9) return `${label} Most deprived`;
  return `${label} ${i < 5 ? "Less" : "More"} deprived`;
});

/**
 * IMD decile with the published labels, which run opposite to the codes: decile 10 (least
 * deprived) is "01 Least deprived" and decile 1 is "10 Most deprived".
 */
export const imdDecile: Breakdown = {
  variableType: "Indices of Deprivation Decile",
  value: `CASE WHEN imd_decile BETWEEN 1 AND 10 THEN list_extract([${imdLabels.map((l) => `'${l}'`).join(", ")}], 11 - imd_decile)
    ELSE '${notKnown}' END`,
  order: [...imdLabels, notKnown],
};

/** The published label for an IMD decile code (1 = most deprived). */
export function imdLabel(decile: number): string {
  const label = imdLabels[10 - decile];
  if (label === undefined) return notKnown;
  return label;
}

export const problemDescriptor: Breakdown = {
  variableType: "Problem Descriptor",
  value: "descriptor_group",
  order: [...descriptorGroups.map((g) => g.group), otherDescriptor, unrecordedDescriptor],
};

export const breakdowns: Breakdown[] = [ageGroup, gender, ethnicGroup, imdDecile, problemDescriptor];

/**
 * Problem descriptor groups by ICD-10 code (dots removed), longest prefix first, each with the
 * anxiety measure the programme recommends for it (Clark et al. 2018, Table 2; NHS Talking
 * Therapies Manual). Anything else recorded is "Other"; nothing recorded is "Not recorded".
 */
export interface DescriptorGroup {
  group: string;
  prefixes: string[];
  /** Short tool name of the recommended anxiety measure (see thresholds.ts). */
  anxietyTool: string;
}

export const descriptorGroups: DescriptorGroup[] = [
  // The catalogue's paired-ADSM construction names body dysmorphic disorder by its SNOMED CT code.
  { group: "Body dysmorphic disorder", prefixes: ["F4522", "83482000"], anxietyTool: "biq" },
  { group: "Agoraphobia", prefixes: ["F400"], anxietyTool: "mi" },
  { group: "Social phobia", prefixes: ["F401"], anxietyTool: "spin" },
  { group: "Specific phobia", prefixes: ["F402"], anxietyTool: "gad7" },
  { group: "Panic disorder", prefixes: ["F410"], anxietyTool: "pdss" },
  { group: "Generalised anxiety disorder", prefixes: ["F411"], anxietyTool: "gad7" },
  { group: "Mixed anxiety and depressive disorder", prefixes: ["F412"], anxietyTool: "gad7" },
  { group: "Obsessive-compulsive disorder", prefixes: ["F42"], anxietyTool: "oci" },
  { group: "Post-traumatic stress disorder", prefixes: ["F431"], anxietyTool: "ptsd" },
  { group: "Health anxiety", prefixes: ["F452"], anxietyTool: "hai" },
  { group: "Depression", prefixes: ["F32", "F33"], anxietyTool: "gad7" },
];

export const otherDescriptor = "Other";
export const unrecordedDescriptor = "Not recorded";

/** SQL CASE mapping a cleaned ICD-10 code expression to its group. */
export function descriptorGroupSql(code: string): string {
  const ordered = [...descriptorGroups].sort(
    (a, b) => Math.max(...b.prefixes.map((p) => p.length)) - Math.max(...a.prefixes.map((p) => p.length)),
  );
  const arms = ordered.map(
    (g) =>
      `WHEN ${g.prefixes.map((p) => `starts_with(${code}, '${p}')`).join(" OR ")} THEN '${g.group.replaceAll("'", "''")}'`,
  );
  return `CASE WHEN ${code} IS NULL THEN '${unrecordedDescriptor}' ${arms.join(" ")} ELSE '${otherDescriptor}' END`;
}

/** SQL CASE mapping a group expression to the recommended anxiety tool's short name. */
export function anxietyToolSql(group: string): string {
  const arms = descriptorGroups.map((g) => `WHEN '${g.group.replaceAll("'", "''")}' THEN '${g.anxietyTool}'`);
  return `CASE ${group} ${arms.join(" ")} ELSE 'gad7' END`;
}

import { readFileSync } from "node:fs";
import { EbiError } from "../../errors/index.ts";

/** One outcome questionnaire: its SNOMED CT code, caseness cut-off and reliable-change value. */
export interface ToolThreshold {
  /** Short name used in SQL column names and output ("phq9", "gad7", "spin", …). */
  tool: string;
  label: string;
  /** SNOMED CT codes of the total score in `CodedAssToolType`. */
  snomed: string[];
  /** At caseness when the score is at or above this value (points, or item mean for the MI). */
  caseness: number | null;
  /** Reliable change: a change of at least this many points. */
  reliableChange: number | null;
  /** Only confirmed thresholds enter outcomes; unconfirmed tools fall back to GAD-7. */
  status: "confirmed" | "unconfirmed";
  source: string;
}

export interface ThresholdSet {
  id: string;
  version: string;
  source: string;
  tools: ToolThreshold[];
}

const manual =
  "NHS Talking Therapies for anxiety and depression Manual (NHS England, v7 2024), Appendix: outcome measures; IAPT v2.1 guidance (NHS Digital)";

/**
 * Where the programme states the anxiety-disorder-specific measures' cut-offs: the IAPT Data
 * Handbook v2.0.1 (June 2011) Appendix D and NHS Digital's "A guide to IAPT data and
 * publications" section 7. Both were located but their tables could not be read here, so no value
 * below is confirmed from them.
 */
const programmeTables =
  "programme tables (IAPT Data Handbook v2.0.1 Appendix D; NHS Digital, A guide to IAPT data and publications, section 7) located but not read";

/**
 * The shipped thresholds. PHQ-9 and GAD-7 are confirmed by the programme's published
 * definitions; the anxiety-disorder-specific measures carry the literature values the reference
 * notes list but are unconfirmed against the programme's own guidance, so they are excluded from
 * outcomes (the anxiety measure falls back to GAD-7) until someone confirms them. Their SNOMED CT
 * codes are left empty rather than guessed: a service adds them in its own thresholds file.
 */
export const defaultThresholds: ThresholdSet = {
  id: "tt-thresholds",
  version: "2025.1",
  source: manual,
  tools: [
    {
      tool: "phq9",
      label: "PHQ-9",
      snomed: ["720433000"],
      caseness: 10,
      reliableChange: 6,
      status: "confirmed",
      source: `${manual}; NHS Digital IAPT annual report glossary (caseness 10, reliable change 6)`,
    },
    {
      tool: "gad7",
      label: "GAD-7",
      snomed: ["445455005"],
      caseness: 8,
      reliableChange: 4,
      status: "confirmed",
      source: `${manual}; NHS Digital IAPT annual report glossary (caseness 8, reliable change 4)`,
    },
    {
      tool: "spin",
      label: "Social Phobia Inventory (SPIN)",
      snomed: [],
      caseness: 19,
      reliableChange: null,
      status: "unconfirmed",
      source: `literature (Connor et al. 2000); ${programmeTables}`,
    },
    {
      tool: "pdss",
      label: "Panic Disorder Severity Scale (PDSS)",
      snomed: [],
      caseness: null,
      reliableChange: null,
      status: "unconfirmed",
      source: `no value found; ${programmeTables}`,
    },
    {
      tool: "mi",
      label: "Mobility Inventory (alone), item mean",
      snomed: [],
      caseness: 2.3,
      reliableChange: null,
      status: "unconfirmed",
      source: `literature (Chambless et al. 1985): item mean above 2.3; ${programmeTables}`,
    },
    {
      tool: "oci",
      label: "Obsessive-Compulsive Inventory (OCI)",
      snomed: [],
      caseness: 40,
      reliableChange: null,
      status: "unconfirmed",
      source: `literature (Foa et al. 1998): OCI 40 (OCI-R 17, reliable change 13); ${programmeTables}`,
    },
    {
      tool: "hai",
      label: "Health Anxiety Inventory (short week)",
      snomed: [],
      caseness: 18,
      reliableChange: null,
      status: "unconfirmed",
      source: `literature (Salkovskis et al. 2002); ${programmeTables}`,
    },
    {
      tool: "ptsd",
      label: "PTSD measure (IES-R or PCL-5)",
      snomed: [],
      caseness: null,
      reliableChange: null,
      status: "unconfirmed",
      source: `IES-R (Clark et al. 2018) and PCL-5 (v2.1) cut-offs differ by source; ${programmeTables}`,
    },
    {
      tool: "biq",
      label: "Body Image Questionnaire (BIQ)",
      snomed: [],
      caseness: null,
      reliableChange: null,
      status: "unconfirmed",
      source: `no value found; ${programmeTables}`,
    },
  ],
};

/** A tool usable in outcomes: confirmed, with both values. */
export function usableInOutcomes(tool: ToolThreshold): boolean {
  return tool.status === "confirmed" && tool.caseness !== null && tool.reliableChange !== null;
}

/** The threshold of a tool by short name. */
export function toolThreshold(set: ThresholdSet, tool: string): ToolThreshold {
  const found = set.tools.find((t) => t.tool === tool);
  if (!found)
    throw new EbiError(
      "EBI_TT_THRESHOLDS",
      `The thresholds ${set.id} ${set.version} have no ${tool} entry.`,
      {
        tool,
      },
    );
  return found;
}

function fail(file: string, field: string, value: unknown, expected: string): never {
  throw new EbiError(
    "EBI_TT_THRESHOLDS",
    `${file}: field \`${field}\` value ${JSON.stringify(value)}: expected ${expected}`,
    { file, field, value, expected },
  );
}

/** Reads a thresholds file (JSON in the shape of `defaultThresholds`), checking every field. */
export function loadThresholds(file: string): ThresholdSet {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    fail(file, "(file)", String((error as Error).message), "a readable JSON file");
  }
  const set = data as Record<string, unknown>;
  for (const key of ["id", "version", "source"])
    if (typeof set?.[key] !== "string" || set[key] === "") fail(file, key, set?.[key], "a non-empty string");
  if (!Array.isArray(set.tools)) fail(file, "tools", set.tools, "a list of tools");
  const tools = (set.tools as Record<string, unknown>[]).map((t, i): ToolThreshold => {
    const at = `tools[${i}]`;
    if (typeof t.tool !== "string" || !/^[a-z][a-z0-9]*$/.test(t.tool))
      fail(file, `${at}.tool`, t.tool, "a lower-case short name");
    if (!Array.isArray(t.snomed) || t.snomed.some((c) => typeof c !== "string" || !/^[0-9]{6,18}$/.test(c)))
      fail(file, `${at}.snomed`, t.snomed, "a list of SNOMED CT codes");
    for (const key of ["caseness", "reliableChange"])
      if (t[key] !== null && (typeof t[key] !== "number" || !(Number(t[key]) >= 0)))
        fail(file, `${at}.${key}`, t[key], "a non-negative number or null");
    if (t.status !== "confirmed" && t.status !== "unconfirmed")
      fail(file, `${at}.status`, t.status, "confirmed or unconfirmed");
    if (typeof t.source !== "string" || t.source === "") fail(file, `${at}.source`, t.source, "the source");
    return t as unknown as ToolThreshold;
  });
  for (const needed of ["phq9", "gad7"])
    if (!tools.some((t) => t.tool === needed && usableInOutcomes(t)))
      fail(file, "tools", needed, `a confirmed ${needed} entry with caseness and reliable change`);
  return { id: set.id as string, version: set.version as string, source: set.source as string, tools };
}

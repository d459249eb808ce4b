import type { Cell, PublicTable } from "./reviewTables.ts";
import type { CapacityAssumptions, ServiceConfiguration } from "./serviceConfiguration.ts";

/** What the service delivered in the year, from the protected counts (used by the staffing measures). */
export interface Delivered {
  /** Attended treatment appointments in the year, by step (protected counts). */
  appointments: { "Low intensity": number; "High intensity": number };
  /** Referrals received in the year (protected). */
  referrals: number;
  /** People entering treatment in the year (protected). */
  entered: number;
  /** People waiting for a first treatment at the year's end (protected). */
  waitingFirst: number;
}

const round1 = (x: number) => Math.round(10 * x) / 10;

const against = (value: number, [low, high]: [number, number]) =>
  value < low ? "Below the guide" : value > high ? "Above the guide" : "Within the guide";

/** Investment per head of prevalence (£), WTE per 1,000 prevalence, clinical hours per WTE a week, step mix. */
export function staffingMeasures(config: ServiceConfiguration, delivered: Delivered) {
  const wte = (step?: string) =>
    config.workforce.filter((w) => step === undefined || w.step === step).reduce((s, w) => s + w.wte, 0);
  const totalWte = wte();
  const a = config.assumptions;
  const hours =
    delivered.appointments["Low intensity"] * a.sessionHours["Low intensity"] +
    delivered.appointments["High intensity"] * a.sessionHours["High intensity"];
  return {
    investmentPerHead: config.investment.pounds / config.prevalence.people,
    wtePer1000: (1000 * totalWte) / config.prevalence.people,
    clinicalHoursPerWte: totalWte > 0 ? hours / totalWte / a.clinicalWeeksPerYear : 0,
    highIntensityShare: totalWte > 0 ? wte("High intensity") / totalWte : 0,
    totalWte,
    hours,
  };
}

/** The staffing and value-for-money table: each measure against its guide. */
export function staffingTable(config: ServiceConfiguration, delivered: Delivered): PublicTable {
  const m = staffingMeasures(config, delivered);
  const g = config.guides;
  const row = (measure: string, value: number, guide: [number, number], unit: string, how: string) => ({
    measure,
    value: round1(value),
    guide: `${guide[0]}–${guide[1]}${unit}`,
    status: against(value, guide),
    how,
  });
  return {
    id: "staffing",
    page: "staffing",
    title: "Value for money and staffing against the review's guides",
    method: `From the service configuration (${config.about}) and the year's attended treatment appointments (rounded counts). Investment per head = investment ÷ prevalence; WTE per 1,000 prevalence = clinical WTE × 1,000 ÷ prevalence; clinical hours per WTE a week = (low-intensity appointments × ${config.assumptions.sessionHours["Low intensity"]} h + high-intensity appointments × ${config.assumptions.sessionHours["High intensity"]} h) ÷ clinical WTE ÷ ${config.assumptions.clinicalWeeksPerYear} clinical weeks; mix = high-intensity WTE ÷ all clinical WTE. Guides: ${g.source}.`,
    columns: [
      { key: "measure", label: "Measure", kind: "label" },
      { key: "value", label: "This service", kind: "text" },
      { key: "guide", label: "Guide", kind: "text" },
      { key: "status", label: "Against the guide", kind: "text" },
      { key: "how", label: "From", kind: "text" },
    ],
    rows: [
      row(
        "Investment per head of prevalence (£)",
        m.investmentPerHead,
        g.investmentPerHeadPounds,
        " £",
        `£${config.investment.pounds.toLocaleString("en-GB")} ÷ ${config.prevalence.people.toLocaleString("en-GB")} people`,
      ),
      row(
        "Clinical WTE per 1,000 prevalence",
        m.wtePer1000,
        g.wtePer1000Prevalence,
        "",
        `${round1(m.totalWte)} WTE`,
      ),
      row(
        "Clinical hours per WTE a week",
        m.clinicalHoursPerWte,
        g.clinicalHoursPerWte,
        " h",
        `${Math.round(m.hours).toLocaleString("en-GB")} clinical hours in the year`,
      ),
      row(
        "High-intensity share of clinical WTE (%)",
        100 * m.highIntensityShare,
        [round1(100 * g.highIntensityShareOfWte[0]), round1(100 * g.highIntensityShareOfWte[1])],
        "%",
        "workforce lines by step",
      ),
    ],
  };
}

/** The workforce by step, modality and qualification, as configured (service-level, not per person). */
export function workforceTable(config: ServiceConfiguration): PublicTable {
  const rows: Record<string, Cell>[] = config.workforce.map((w) => ({
    step: w.step,
    modality: w.modality,
    qualification: w.qualification,
    wte: String(w.wte),
  }));
  return {
    id: "workforce",
    page: "staffing",
    title: "Workforce by step, modality and qualification",
    method: `Whole-time equivalents from the service configuration file (${config.year}). Headcounts are not shown: a small group would describe named people.`,
    columns: [
      { key: "step", label: "Step", kind: "label" },
      { key: "modality", label: "Modality", kind: "text" },
      { key: "qualification", label: "Qualification", kind: "text" },
      { key: "wte", label: "WTE", kind: "text" },
    ],
    rows,
  };
}

/** What a given investment supports, by the configuration's modelling assumptions. */
export interface Capacity {
  investmentPounds: number;
  wte: number;
  clinicalHours: number;
  finishedCourses: number;
  entries: number;
  /** Entries ÷ prevalence, percent. */
  access: number;
  /** Entries a year the service would need to take to keep up with referrals entering treatment. */
  demandEntries: number;
  /** Weeks to clear today's waiting list at the spare capacity; null when there is none. */
  clearanceWeeks: number | null;
}

/**
 * The capacity and demand calculator: WTE = investment ÷ cost per WTE; clinical hours = WTE ×
 * clinical hours per WTE a week × clinical weeks; hours per finished course = the step mix of
 * sessions × session hours; finished courses = hours ÷ hours per course; entries = finished ×
 * starts per finished; access = entries ÷ prevalence; spare capacity = entries − demand, and the
 * waiting list clears in waiting ÷ (spare ÷ 52) weeks.
 */
export function capacityFor(
  investmentPounds: number,
  hoursPerWte: number,
  prevalence: number,
  a: CapacityAssumptions,
  demand: { entriesPerYear: number; waiting: number },
): Capacity {
  const wte = investmentPounds / a.costPerWtePounds;
  const clinicalHours = wte * hoursPerWte * a.clinicalWeeksPerYear;
  const hi = a.highIntensityShareOfCourses;
  const hoursPerCourse =
    (1 - hi) * a.sessionsPerCourse["Low intensity"] * a.sessionHours["Low intensity"] +
    hi * a.sessionsPerCourse["High intensity"] * a.sessionHours["High intensity"];
  const finishedCourses = clinicalHours / hoursPerCourse;
  const entries = finishedCourses * a.courseStartsPerFinished;
  const spare = entries - demand.entriesPerYear;
  return {
    investmentPounds,
    wte,
    clinicalHours,
    finishedCourses,
    entries,
    access: (100 * entries) / prevalence,
    demandEntries: demand.entriesPerYear,
    clearanceWeeks: spare > 0 ? demand.waiting / (spare / 52) : null,
  };
}

/** Access against prevalence: people entering treatment in the year ÷ prevalence (the configuration's). */
export function accessTable(config: ServiceConfiguration, delivered: Delivered): PublicTable {
  return {
    id: "access-prevalence",
    page: "access",
    title: "Access: people entering treatment against the prevalence of common mental health problems",
    method: `People entering treatment in the period (a first attended treatment appointment; rounded count) ÷ the prevalence in the service configuration (${config.prevalence.source}), and referrals received ÷ prevalence likewise.`,
    columns: [
      { key: "measure", label: "Measure", kind: "label" },
      { key: "people", label: "People", kind: "count" },
      { key: "prevalence", label: "Prevalence", kind: "text" },
      { key: "rate", label: "Per 100 with a common mental health problem", kind: "text" },
    ],
    rows: (
      [
        ["Entered treatment", delivered.entered],
        ["Referrals received", delivered.referrals],
      ] as const
    ).map(([measure, people]) => ({
      measure,
      people,
      prevalence: config.prevalence.people.toLocaleString("en-GB"),
      rate: round1((100 * Number(people)) / config.prevalence.people),
    })),
  };
}

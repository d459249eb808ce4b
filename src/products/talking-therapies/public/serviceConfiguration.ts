import { readFileSync } from "node:fs";
import { EbiError } from "../../../errors/index.ts";

/** One line of the workforce: practitioners of one qualification at one step and modality. */
export interface WorkforceLine {
  step: "Low intensity" | "High intensity";
  modality: string;
  qualification: string;
  headcount: number;
  wte: number;
}

/** The review's modelling assumptions for the capacity and demand calculator. */
export interface CapacityAssumptions {
  /** Full cost of one clinical WTE a year, pounds (salary, on-costs, supervision, overheads). */
  costPerWtePounds: number;
  /** Weeks a year a WTE delivers treatment (after leave, training, sickness). */
  clinicalWeeksPerYear: number;
  /** Clinical hours one treatment appointment takes, by step (including notes). */
  sessionHours: { "Low intensity": number; "High intensity": number };
  /** Share of finished courses that are high intensity (0–1). */
  highIntensityShareOfCourses: number;
  /** Mean attended treatment appointments per finished course, by step. */
  sessionsPerCourse: { "Low intensity": number; "High intensity": number };
  /** People entering treatment per finished course (some never finish). */
  courseStartsPerFinished: number;
}

/** A service's configuration: money, prevalence, workforce, population served and assumptions. */
export interface ServiceConfiguration {
  about: string;
  provider: string;
  year: string;
  investment: { pounds: number; source: string };
  prevalence: { people: number; source: string };
  workforce: WorkforceLine[];
  populationServed: { source: string; groups: Record<string, Record<string, number>> };
  assumptions: CapacityAssumptions;
  guides: {
    investmentPerHeadPounds: [number, number];
    clinicalHoursPerWte: [number, number];
    wtePer1000Prevalence: [number, number];
    highIntensityShareOfWte: [number, number];
    source: string;
  };
}

/** The demo service's configuration file (documented in docs/talking-therapies.md). */
export const demoServiceConfigurationFile = new URL("../demo/serviceConfiguration.json", import.meta.url)
  .pathname;

function fail(file: string, field: string, value: unknown, expected: string): never {
  throw new EbiError(
    "EBI_TT_SERVICE_CONFIG",
    `${file}: ${field} is ${JSON.stringify(value)}; expected ${expected}.`,
    { file, field, value: String(value), expected },
  );
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function numberAt(
  file: string,
  root: unknown,
  path: string,
  min = 0,
  max = Number.POSITIVE_INFINITY,
): number {
  let v: unknown = root;
  for (const part of path.split(".")) v = isObject(v) ? v[part] : undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max)
    fail(file, path, v, `a number from ${min} to ${max}`);
  return v;
}

function textAt(file: string, root: unknown, path: string): string {
  let v: unknown = root;
  for (const part of path.split(".")) v = isObject(v) ? v[part] : undefined;
  if (typeof v !== "string" || v.trim() === "") fail(file, path, v, "a non-empty text");
  return v;
}

function rangeAt(file: string, root: unknown, path: string): [number, number] {
  let v: unknown = root;
  for (const part of path.split(".")) v = isObject(v) ? v[part] : undefined;
  if (
    !Array.isArray(v) ||
    v.length !== 2 ||
    !v.every((x) => typeof x === "number" && Number.isFinite(x) && x >= 0) ||
    v[0] > v[1]
  )
    fail(file, path, v, "[low, high] with 0 ≤ low ≤ high");
  return [v[0], v[1]];
}

/** Checks a parsed configuration field by field; the first bad field is named in the error. */
export function parseServiceConfiguration(raw: unknown, file: string): ServiceConfiguration {
  if (!isObject(raw)) fail(file, "(whole file)", raw, "a JSON object");
  const workforce = raw.workforce;
  if (!Array.isArray(workforce) || workforce.length === 0)
    fail(file, "workforce", workforce, "a list of workforce lines");
  const lines = workforce.map((w, i): WorkforceLine => {
    const step = isObject(w) ? w.step : undefined;
    if (step !== "Low intensity" && step !== "High intensity")
      fail(file, `workforce[${i}].step`, step, '"Low intensity" or "High intensity"');
    return {
      step,
      modality: textAt(file, w, "modality"),
      qualification: textAt(file, w, "qualification"),
      headcount: numberAt(file, w, "headcount"),
      wte: numberAt(file, w, "wte"),
    };
  });
  const groups = isObject(raw.populationServed) ? raw.populationServed.groups : undefined;
  if (!isObject(groups)) fail(file, "populationServed.groups", groups, "an object of groups");
  const population: Record<string, Record<string, number>> = {};
  for (const [dimension, shares] of Object.entries(groups)) {
    if (!isObject(shares)) fail(file, `populationServed.groups.${dimension}`, shares, "an object of shares");
    population[dimension] = {};
    for (const key of Object.keys(shares))
      (population[dimension] as Record<string, number>)[key] = numberAt(file, shares, key, 0, 100);
  }
  return {
    about: textAt(file, raw, "about"),
    provider: textAt(file, raw, "provider"),
    year: textAt(file, raw, "year"),
    investment: {
      pounds: numberAt(file, raw, "investment.pounds"),
      source: textAt(file, raw, "investment.source"),
    },
    prevalence: {
      people: numberAt(file, raw, "prevalence.people", 1),
      source: textAt(file, raw, "prevalence.source"),
    },
    workforce: lines,
    populationServed: { source: textAt(file, raw, "populationServed.source"), groups: population },
    assumptions: {
      costPerWtePounds: numberAt(file, raw, "assumptions.costPerWtePounds", 1),
      clinicalWeeksPerYear: numberAt(file, raw, "assumptions.clinicalWeeksPerYear", 1, 52),
      sessionHours: {
        "Low intensity": numberAt(file, raw, "assumptions.sessionHours.Low intensity", 0.1, 8),
        "High intensity": numberAt(file, raw, "assumptions.sessionHours.High intensity", 0.1, 8),
      },
      highIntensityShareOfCourses: numberAt(file, raw, "assumptions.highIntensityShareOfCourses", 0, 1),
      sessionsPerCourse: {
        "Low intensity": numberAt(file, raw, "assumptions.sessionsPerCourse.Low intensity", 1, 100),
        "High intensity": numberAt(file, raw, "assumptions.sessionsPerCourse.High intensity", 1, 100),
      },
      courseStartsPerFinished: numberAt(file, raw, "assumptions.courseStartsPerFinished", 1, 10),
    },
    guides: {
      investmentPerHeadPounds: rangeAt(file, raw, "guides.investmentPerHeadPounds"),
      clinicalHoursPerWte: rangeAt(file, raw, "guides.clinicalHoursPerWte"),
      wtePer1000Prevalence: rangeAt(file, raw, "guides.wtePer1000Prevalence"),
      highIntensityShareOfWte: rangeAt(file, raw, "guides.highIntensityShareOfWte"),
      source: textAt(file, raw, "guides.source"),
    },
  };
}

/** Reads and checks a service-configuration file (JSON). */
export function readServiceConfiguration(file: string): ServiceConfiguration {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    fail(file, "(whole file)", (error as Error).message.split("\n")[0], "readable JSON");
  }
  return parseServiceConfiguration(raw, file);
}

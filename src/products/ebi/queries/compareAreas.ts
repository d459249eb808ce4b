import { EbiError } from "../../../errors/index.ts";
import {
  type BenchmarkClass,
  compareWithBenchmark,
  dobsonLimitsAt,
  percentile,
} from "../../../stats/index.ts";
import type { LoadedRelease } from "../release/readRelease.ts";
import type { BaselineRow, InterventionRow, OrganisationRow, OrgLevel } from "../release/tables.ts";
import { getIntervention } from "./interventions.ts";
import { ancestry } from "./organisations.ts";
import { peerGroupOf } from "./peerGroups.ts";

export const compareLevels = ["region", "icb", "sub_icb"] as const;
export type CompareLevel = (typeof compareLevels)[number];
export const benchmarkKinds = ["england", "region", "icb", "peers"] as const;
export type BenchmarkKind = (typeof benchmarkKinds)[number];
/** The confidence levels a comparison may use (Fingertips' two). */
export const confidenceLevels = [0.95, 0.998] as const;
export const sortKeys = ["rate", "name", "comparison", "spells"] as const;
export type SortKey = (typeof sortKeys)[number];

export const benchmarkText: Record<BenchmarkKind, string> = {
  england: "England",
  region: "its NHS region",
  icb: "its ICB",
  peers: "its peers' median",
};

/** Why a rate is or is not shown, so a page can say "suppressed" without working anything out. */
export type RateStatus = "shown" | "no-interval" | "suppressed" | "not-calculated" | "no-data";

/** One organisation's published baseline standardised rate with its interval at a confidence level. */
export interface AreaRate {
  spells: number | null;
  population: number | null;
  rate: number | null;
  lower: number | null;
  upper: number | null;
  status: RateStatus;
  /** True when the rate is one the public side hides (registered view only; see `markAreaRate`). */
  public_hidden: boolean;
  /** True when the spells are hidden on the public side (registered view only). */
  spells_hidden?: boolean;
  /** True when the interval is hidden on the public side (registered view only). */
  interval_hidden?: boolean;
}

export interface Benchmark {
  kind: BenchmarkKind;
  org_code: string | null;
  name: string;
  value: number | null;
}

export interface CompareRow extends AreaRate {
  org: OrganisationRow;
  parent: OrganisationRow | null;
  benchmark: Benchmark;
  comparison: BenchmarkClass | null;
}

export interface CompareAreas {
  intervention: InterventionRow;
  level: CompareLevel;
  benchmark: BenchmarkKind;
  confidence: number;
  period: { start: string; end: string } | null;
  england: AreaRate;
  rows: CompareRow[];
  counts: Record<BenchmarkClass | "not-compared", number>;
  method: string;
}

/**
 * The method sentence every comparison carries, naming the confidence level.
 * @param confidence a fraction, 0.95 or 0.998
 */
export function comparisonMethod(confidence: number): string {
  return `Baseline-year rates per 100,000, directly age-sex standardised to the European Standard Population 2013, with Dobson ${confidenceText(confidence)} confidence intervals (Byar's limits of the count; the 99.8% limits are worked from the published 95% limits and count). An area is significantly higher than its benchmark when the whole interval is above the benchmark's rate, lower when it is wholly below, otherwise similar. Lower activity of these interventions is better. Figures the public release hides are shown as suppressed and never compared; a rate is not calculated below 10 spells.`;
}

/** "95%" or "99.8%". */
export function confidenceText(confidence: number): string {
  return `${Number((confidence * 100).toFixed(1))}%`;
}

/** Checks a requested confidence level; EBI_INVALID_ARGUMENT naming `confidence` otherwise. */
export function requireConfidence(value: number | undefined): number {
  const c = value ?? 0.95;
  if (!(confidenceLevels as readonly number[]).includes(c))
    throw new EbiError("EBI_INVALID_ARGUMENT", `Parameter \`confidence\`: must be 0.95 or 0.998, got ${c}.`, {
      parameter: "confidence",
      value: c,
    });
  return c;
}

/** The published baseline rate of one row at `confidence`: never anything a hidden count would give. */
export function areaRate(row: BaselineRow | null | undefined, confidence: number): AreaRate {
  // Marks come from comparing with the public side's own answer (`markAreaRate`), never from the row.
  const public_hidden = false;
  const empty = { spells: null, population: null, rate: null, lower: null, upper: null, public_hidden };
  if (!row) return { ...empty, status: "no-data" };
  if (row.baseline_spells === null || row.dsr === null)
    return {
      ...empty,
      population: row.population,
      status: row.baseline_spells === null && row.suppressed ? "suppressed" : "not-calculated",
    };
  const base = { spells: row.baseline_spells, population: row.population, rate: row.dsr, public_hidden };
  if (row.dsr_lower === null || row.dsr_upper === null)
    return { ...base, lower: null, upper: null, status: "no-interval" };
  const limits = dobsonLimitsAt(
    { value: row.dsr, lower: row.dsr_lower, upper: row.dsr_upper },
    row.baseline_spells,
    confidence,
  );
  return { ...base, lower: limits.lower, upper: limits.upper, status: "shown" };
}

/** The published baseline DSRs of the given organisations (level-keyed), those shown only. */
function publishedRates(release: LoadedRelease, interventionId: string, orgs: readonly OrganisationRow[]) {
  return orgs
    .map((o) => release.baselineOf.get(`${interventionId}|${o.level}|${o.org_code}`))
    .filter((b): b is BaselineRow => b !== undefined && b.baseline_spells !== null && b.dsr !== null)
    .map((b) => b.dsr as number);
}

/**
 * The median and lower quartile (type 7) of an organisation's peers' published baseline rates;
 * null with fewer than 3 published peers, so one peer's rate is never shown as a "median".
 */
export function peerRates(
  release: LoadedRelease,
  interventionId: string,
  org: OrganisationRow,
): { median: number | null; lowerQuartile: number | null; published: number; peers: number } {
  const group = peerGroupOf(release, org);
  const rates = publishedRates(
    release,
    interventionId,
    group.peers.map((p) => p.org),
  );
  const enough = rates.length >= 3;
  return {
    median: enough ? percentile(rates, 0.5) : null,
    lowerQuartile: enough ? percentile(rates, 0.25) : null,
    published: rates.length,
    peers: group.peers.length,
  };
}

/** The benchmark of `kind` for one organisation: its rate (published only) and who it is. */
export function benchmarkOf(
  release: LoadedRelease,
  interventionId: string,
  org: OrganisationRow,
  kind: BenchmarkKind,
): Benchmark {
  const rateOf = (o: OrganisationRow) => {
    const b = release.baselineOf.get(`${interventionId}|${o.level}|${o.org_code}`);
    return b && b.baseline_spells !== null ? b.dsr : null;
  };
  if (kind === "peers") {
    const peers = peerRates(release, interventionId, org);
    return { kind, org_code: null, name: "Peers' median", value: peers.median };
  }
  const chain = ancestry(release, org);
  const level: OrgLevel = kind;
  const target = chain.find((o) => o.level === level && o !== org);
  if (!target) return { kind, org_code: null, name: benchmarkText[kind], value: null };
  return { kind, org_code: target.org_code, name: target.name, value: rateOf(target) };
}

/** Which benchmarks make sense for a level: a region has no region or ICB above it, an ICB no ICB. */
export function benchmarksFor(level: CompareLevel): BenchmarkKind[] {
  return benchmarkKinds.filter(
    (k) => !(k === "region" && level === "region") && !(k === "icb" && level !== "sub_icb"),
  );
}

const classOrder: Record<string, number> = { higher: 0, similar: 1, lower: 2 };

/** Every organisation at one level for one intervention, compared with a benchmark. */
export function compareAreas(
  release: LoadedRelease,
  query: {
    intervention: string;
    level: CompareLevel;
    benchmark: BenchmarkKind;
    confidence?: number;
    sort?: SortKey;
    order?: "asc" | "desc";
  },
): CompareAreas {
  const intervention = getIntervention(release, query.intervention);
  if (!intervention.measurable)
    throw new EbiError(
      "EBI_NOT_FOUND",
      `${intervention.name} is not measurable in procedure data: there are no rates to compare.`,
      { parameter: "intervention", value: query.intervention },
    );
  const confidence = requireConfidence(query.confidence);
  if (!benchmarksFor(query.level).includes(query.benchmark))
    throw new EbiError(
      "EBI_INVALID_ARGUMENT",
      `Parameter \`benchmark\`: ${query.benchmark} is not a benchmark for level ${query.level}; use one of ${benchmarksFor(query.level).join(", ")}.`,
      { parameter: "benchmark", value: query.benchmark },
    );
  const id = intervention.intervention_id;
  const englandRow = release.baselineOf.get(`${id}|england|ENG`);
  const rows: CompareRow[] = release.organisations
    .filter((o) => o.level === query.level)
    .map((org) => {
      const rate = areaRate(release.baselineOf.get(`${id}|${org.level}|${org.org_code}`), confidence);
      const benchmark = benchmarkOf(release, id, org, query.benchmark);
      const comparison =
        rate.status === "shown" && benchmark.value !== null
          ? compareWithBenchmark(
              { value: rate.rate as number, lower: rate.lower as number, upper: rate.upper as number },
              benchmark.value,
            )
          : null;
      const parent = org.parent_code
        ? (release.organisationOf.get(`${org.level === "sub_icb" ? "icb" : "region"}|${org.parent_code}`) ??
          null)
        : null;
      return { ...rate, org, parent, benchmark, comparison };
    });
  const sort = query.sort ?? "rate";
  const sign = (query.order ?? (sort === "name" ? "asc" : "desc")) === "asc" ? 1 : -1;
  const key = (r: CompareRow): number | string | null =>
    sort === "name"
      ? r.org.name
      : sort === "spells"
        ? r.spells
        : sort === "comparison"
          ? r.comparison === null
            ? null
            : -(classOrder[r.comparison] as number)
          : r.rate;
  rows.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    // Rows without a figure go last whichever way the column is sorted.
    if (ka === null || kb === null)
      return ka === kb ? a.org.name.localeCompare(b.org.name) : ka === null ? 1 : -1;
    const c = typeof ka === "string" ? ka.localeCompare(kb as string) : ka - (kb as number);
    return c * sign || a.org.name.localeCompare(b.org.name);
  });
  const counts = { higher: 0, similar: 0, lower: 0, "not-compared": 0 };
  for (const r of rows) counts[r.comparison ?? "not-compared"]++;
  return {
    intervention,
    level: query.level,
    benchmark: query.benchmark,
    confidence,
    period: englandRow ? { start: englandRow.baseline_start, end: englandRow.baseline_end } : null,
    england: areaRate(englandRow, confidence),
    rows,
    counts,
    method: comparisonMethod(confidence),
  };
}

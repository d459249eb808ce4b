import type { Scope } from "../../../access/principal.ts";
import { currentReads } from "../../../access/readTracker.ts";
import type { LoadedRelease, SeriesLookup } from "../release/readRelease.ts";

/** The figure columns of each table: the ones that come from the registered side for organisations in scope. */
const figures = {
  monthly: ["spells"],
  trajectory: ["goal_spells"],
  baselines: [
    "baseline_spells",
    "population",
    "crude_rate",
    "dsr",
    "dsr_lower",
    "dsr_upper",
    "goal_rate",
    "goal_spells",
    "opportunity_spells",
    "latest_spells",
    "latest_dsr",
    "progress",
    "unit_cost",
    "baseline_cost",
    "opportunity_cost",
  ],
  equity: ["spells", "population", "crude_rate", "dsr", "lower", "upper"],
} as const;
type Table = keyof typeof figures;

type Row = { level: string; org_code: string; suppressed: unknown };

/**
 * A registered row for an organisation in scope: its figures, each noting its read in the request's
 * tracker; `suppressed` keeps the public side's marker, so answers say which figures the public sees
 * hidden, and `hidden_publicly` (not serialised) names each figure the public side hides, so a page
 * marks those figures one by one and no other figure of the row.
 */
function registeredRow<T extends Row>(table: Table, registered: T, published: T | undefined): T {
  const row: Record<string, unknown> = { ...registered, suppressed: published?.suppressed ?? "redacted" };
  const hiddenFields: Record<string, true> = {};
  for (const field of figures[table]) {
    const value = (registered as Record<string, unknown>)[field];
    const publicValue = published ? (published as Record<string, unknown>)[field] : null;
    const hidden =
      value !== null && value !== undefined && (publicValue === null || publicValue === undefined);
    if (hidden) hiddenFields[field] = true;
    Object.defineProperty(row, field, {
      enumerable: true,
      get() {
        currentReads.getStore()?.note(registered.org_code, table, hidden);
        return value;
      },
    });
  }
  Object.defineProperty(row, "hidden_publicly", { value: Object.freeze(hiddenFields), enumerable: false });
  return row as T;
}

const orgKey = (seriesKey: string) => {
  const [, level, org] = seriesKey.split("|");
  return `${level}|${org}`;
};

/** Series of merged rows one scope's view keeps at most (a national scope reads all of them). */
const mergedLimit = 20_000;

/** Rows of a series in the same order on both sides (months, or groups), paired by position. */
function mergeSeries<T extends Row>(
  table: Table,
  inScope: (key: string) => boolean,
  pub: SeriesLookup<T>,
  reg: SeriesLookup<T>,
  sameRow: (a: T, b: T) => boolean,
): SeriesLookup<T> & { all(): T[] } {
  // Merged rows are kept per series: each figure notes its read when read, in whichever request
  // reads it, so one set of rows serves every request of this scope.
  const merged = new Map<string, T[]>();
  const get = (key: string): T[] | undefined => {
    if (!inScope(orgKey(key))) return pub.get(key);
    const kept = merged.get(key);
    // A copy: callers may sort or extend what they are given, as they may a public series.
    if (kept) return kept.slice();
    const published = pub.get(key);
    const registered = reg.get(key);
    if (!registered) return published;
    const rows = registered.map((r, i) => {
      const p = published?.[i];
      return registeredRow(table, r, p && sameRow(p, r) ? p : published?.find((x) => sameRow(x, r)));
    });
    if (merged.size < mergedLimit) merged.set(key, rows);
    return rows.slice();
  };
  return {
    get,
    has: (key) => pub.has(key) || (inScope(orgKey(key)) && reg.has(key)),
    keys: () => pub.keys(),
    get size() {
      return pub.size;
    },
    all: () => [...pub.keys()].flatMap((key) => get(key) ?? []),
  };
}

/**
 * The release as one principal may read it: the public side everywhere, with the registered
 * figures merged in for the organisations in `scope` only. Every read of a registered figure is
 * noted in the current request's tracker (see `currentReads`), so the audit log records what was
 * returned. Organisations, interventions and variation are the public side's.
 */
export function scopedRelease(pub: LoadedRelease, reg: LoadedRelease, scope: Scope): LoadedRelease {
  const inScope = (key: string) => scope.keys.has(key);
  const sameMonth = (a: { month: string }, b: { month: string }) => a.month === b.month;
  const monthlyOf = mergeSeries("monthly", inScope, pub.monthlyOf, reg.monthlyOf, sameMonth);
  const trajectoryOf = mergeSeries("trajectory", inScope, pub.trajectoryOf, reg.trajectoryOf, sameMonth);
  const equityOf = mergeSeries(
    "equity",
    inScope,
    pub.equityOf,
    reg.equityOf,
    (a, b) => a.group_code === b.group_code,
  );
  const baselines = pub.baselines.map((b) => {
    if (!inScope(`${b.level}|${b.org_code}`)) return b;
    const r = reg.baselineOf.get(`${b.intervention_id}|${b.level}|${b.org_code}`);
    return r ? registeredRow("baselines", r, b) : b;
  });
  return {
    id: pub.id,
    dir: pub.dir,
    manifest: pub.manifest,
    interventions: pub.interventions,
    organisations: pub.organisations,
    variation: pub.variation,
    organisationOf: pub.organisationOf,
    childrenOf: pub.childrenOf,
    interventionOf: pub.interventionOf,
    get monthly() {
      return monthlyOf.all();
    },
    get trajectory() {
      return trajectoryOf.all();
    },
    get equity() {
      return equityOf.all();
    },
    baselines,
    baselineOf: new Map(baselines.map((b) => [`${b.intervention_id}|${b.level}|${b.org_code}`, b])),
    monthlyOf,
    trajectoryOf,
    equityOf,
  };
}

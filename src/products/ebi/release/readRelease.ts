import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Database, quoteLiteral } from "../../../db/index.ts";
import { type Columns, readColumns } from "../../../db/readColumns.ts";
import { EbiError } from "../../../errors/index.ts";
import { currentReleaseId } from "../../../release/releaseFiles.ts";
import type { SeriesLookup, ServedRelease } from "../../../release/servedRelease.ts";
import { assertReleaseIntact } from "../../../release/verifyRelease.ts";
import {
  type BaselineRow,
  type EquityRow,
  ebiReleaseTables,
  type InterventionRow,
  laterTables,
  type MonthlyRow,
  type OrganisationRow,
  type OrgLevel,
  type QuarterlyRow,
  type ReleaseManifest,
  releaseTables,
  type Suppression,
  type TrajectoryRow,
  type VariationRow,
} from "./tables.ts";

export type { SeriesLookup } from "../../../release/servedRelease.ts";

declare module "../../../release/servedRelease.ts" {
  /** The service serves EBI's release: its tables, in memory and indexed for the pages and the API. */
  interface ServedRelease {
    interventions: InterventionRow[];
    /** Every monthly row, materialised on each access (large: prefer `monthlyOf`). */
    readonly monthly: MonthlyRow[];
    baselines: BaselineRow[];
    /** Every trajectory row, materialised on each access (prefer `trajectoryOf`). */
    readonly trajectory: TrajectoryRow[];
    variation: VariationRow[];
    /** Every equity row, materialised on each access (large: prefer `equityOf`). */
    readonly equity: EquityRow[];
    /** Rows by `${intervention_id}|${level}|${org_code}` in month order. */
    monthlyOf: SeriesLookup<MonthlyRow>;
    /** Rows by `${intervention_id}|${level}|${org_code}` in month order. */
    trajectoryOf: SeriesLookup<TrajectoryRow>;
    baselineOf: Map<string, BaselineRow>;
    /** Every quarterly row (absent from hand-made releases in tests). */
    quarterly?: QuarterlyRow[];
    /** Quarters by `${intervention_id}|${level}|${org_code}` in time order. */
    quarterlyOf?: Map<string, QuarterlyRow[]>;
    /** Rows by `${intervention_id}|${level}|${org_code}|${period}|${dimension}` in group order. */
    equityOf: SeriesLookup<EquityRow>;
    interventionOf: Map<string, InterventionRow>;
  }
}

/** The public side of EBI's release, in memory and indexed for the pages and the API. */
export type LoadedRelease = ServedRelease;

const suppressionCodes: Suppression[] = [null, "redacted", "derived", "primary", "secondary"];
const suppressionSql = (column: string) =>
  `CASE ${column} WHEN 'redacted' THEN 1 WHEN 'derived' THEN 2 WHEN 'primary' THEN 3 WHEN 'secondary' THEN 4 ELSE 0 END`;
/** A DOUBLE column with NULL as NaN, so it can be read as one buffer. */
const nan = (column: string) => `coalesce(${column}::DOUBLE, 'nan'::DOUBLE) AS ${column}`;
const orNull = (value: number) => (Number.isNaN(value) ? null : value);

/** Series keyed by string, each a run [start, start + length) of the shared columns. */
class CompactSeries<T> implements SeriesLookup<T> {
  constructor(
    private readonly runs: Map<string, [number, number]>,
    private readonly row: (key: string, index: number) => T,
  ) {}
  get(key: string): T[] | undefined {
    const run = this.runs.get(key);
    if (!run) return undefined;
    return Array.from({ length: run[1] }, (_, i) => this.row(key, run[0] + i));
  }
  has(key: string): boolean {
    return this.runs.has(key);
  }
  keys(): IterableIterator<string> {
    return this.runs.keys();
  }
  get size(): number {
    return this.runs.size;
  }
  all(): T[] {
    return [...this.runs.keys()].flatMap((key) => this.get(key) ?? []);
  }
}

function group<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

/**
 * Runs [offset, length) of `source`'s rows ordered by `keyColumns`, keyed by the columns' values
 * joined with `|`. Key values travel as ranks into a sorted list of each column's distinct values,
 * so only those few strings are read from DuckDB, not one per run.
 */
async function readRuns(
  columns: (sql: string) => Promise<Columns>,
  source: string,
  keyColumns: readonly string[],
): Promise<Map<string, [number, number]>> {
  const keys = keyColumns.join(", ");
  const [ranks, ...dictionaries] = await Promise.all([
    columns(`SELECT ${keyColumns.map((c) => `(dense_rank() OVER (ORDER BY ${c}) - 1)::INTEGER AS ${c}`).join(", ")},
        n FROM (SELECT ${keys}, count(*)::INTEGER AS n FROM ${source} GROUP BY ${keys}) ORDER BY ${keys}`),
    ...keyColumns.map((c) => columns(`SELECT DISTINCT ${c} AS v FROM ${source} ORDER BY v`)),
  ]);
  const parts = keyColumns.map((c, k) => ({
    rank: ranks[c] as unknown as Int32Array,
    values: dictionaries[k]?.v as string[],
  }));
  const counts = ranks.n as unknown as Int32Array;
  const runs = new Map<string, [number, number]>();
  let offset = 0;
  for (let i = 0; i < counts.length; i++) {
    const key = parts.map((p) => p.values[p.rank[i] as number]).join("|");
    const n = counts[i] as number;
    runs.set(key, [offset, n]);
    offset += n;
  }
  return runs;
}

const floats = (values: unknown[]) =>
  values instanceof Float64Array
    ? values
    : Float64Array.from(values, (v) => (v === null ? Number.NaN : Number(v)));

type SeriesKey = { intervention_id: string; level: OrgLevel; org_code: string };
/** The columns naming a series of monthly rows; equity series add `period` and `dimension`. */
const seriesKey = ["intervention_id", "level", "org_code"] as const;

/**
 * Reads a monthly table (`intervention_id`, `level`, `org_code`, `month`, a count, `suppressed`) as
 * one series per organisation and intervention. Months travel as a running month number
 * (year × 12 + month) and the count as a DOUBLE buffer, so no text is read per row.
 */
async function monthSeries<T>(
  columns: (sql: string) => Promise<Columns>,
  source: string,
  value: string,
  row: (key: SeriesKey, month: string, value: number | null, suppressed: Suppression) => T,
): Promise<CompactSeries<T>> {
  const [data, runs] = await Promise.all([
    columns(`SELECT (year(month::DATE) * 12 + month(month::DATE))::INTEGER AS mi,
      ${nan(value)}, ${suppressionSql("suppressed")}::INTEGER AS s
      FROM ${source} ORDER BY ${seriesKey.join(", ")}, month`),
    readRuns(columns, source, seriesKey),
  ]);
  const monthNumbers = data.mi as unknown as Int32Array;
  const values = floats(data[value] as unknown[]);
  const suppressed = data.s as unknown as Int32Array;
  const monthText = new Map<number, string>();
  for (const n of new Set(monthNumbers)) {
    const year = Math.floor((n - 1) / 12);
    monthText.set(n, `${year}-${String(n - year * 12).padStart(2, "0")}-01`);
  }
  return new CompactSeries<T>(runs, (k, i) => {
    const [intervention_id, level, org_code] = k.split("|") as [string, OrgLevel, string];
    return row(
      { intervention_id, level, org_code },
      monthText.get(monthNumbers[i] as number) as string,
      orNull(values[i] as number),
      suppressionCodes[suppressed[i] as number] ?? null,
    );
  });
}

/** The files of a release the service reads; every one must be there (a later table only when recorded). */
const releaseFiles = (recorded: Record<string, unknown>) => [
  "interventions.json",
  ...releaseTables
    .filter((t) => !laterTables.includes(t) || recorded[t])
    .map((t) => join("public", `${t}.parquet`)),
];

/** The tables a manifest records; none when it does not parse (the integrity check then says so). */
function recordedTables(path: string): Record<string, unknown> {
  try {
    return (JSON.parse(readFileSync(path, "utf8")) as ReleaseManifest).tables ?? {};
  } catch {
    return {};
  }
}

/**
 * Reads the published release (or `id`) of `releasesDir`: manifest, interventions and the tables of
 * one side, public unless asked (the registered side is opened only for registered access). Monthly and equity rows, the large tables, are
 * kept as typed columns and built into rows per series on demand.
 */
export async function readRelease(
  releasesDir: string,
  id?: string,
  side: "public" | "registered" = "public",
): Promise<LoadedRelease> {
  const releaseId = id ?? currentReleaseId(releasesDir);
  if (!releaseId)
    throw new EbiError(
      "EBI_NOT_FOUND",
      `No release is published in ${releasesDir}: run \`ebi build\` first.`,
    );
  if (!/^[A-Za-z0-9._-]+$/.test(releaseId) || releaseId.startsWith("."))
    throw new EbiError("EBI_NOT_FOUND", `No release ${JSON.stringify(releaseId)} in ${releasesDir}.`);
  const dir = join(releasesDir, releaseId);
  if (!existsSync(join(dir, "manifest.json")))
    throw new EbiError("EBI_NOT_FOUND", `No complete release ${releaseId} in ${releasesDir}.`);
  for (const name of releaseFiles(recordedTables(join(dir, "manifest.json")))) {
    if (!existsSync(join(dir, name)))
      throw new EbiError(
        "EBI_RELEASE_FILE_MISSING",
        `Release ${releaseId} in ${releasesDir} has no ${name}: it is incomplete or was altered after it was written.`,
        { release: releaseId, file: join(dir, name) },
      );
  }
  // Every public table must be the one the build wrote: a changed file is refused, not served.
  const manifest = assertReleaseIntact(dir, releaseId, ebiReleaseTables);
  // Releases written before measurability had its own fields say it only in the description.
  const interventions = (
    JSON.parse(readFileSync(join(dir, "interventions.json"), "utf8")) as Partial<InterventionRow>[]
  ).map(
    (i) =>
      ({
        ...i,
        measurability: i.measurability ?? (i.measurable ? "hes" : "unknown"),
        dataset: i.dataset ?? null,
        source_url: i.source_url ?? null,
      }) as InterventionRow,
  );
  const file = (name: string) => `read_parquet(${quoteLiteral(join(dir, side, `${name}.parquet`))})`;
  const db = await Database.open(":memory:");
  const columns = (sql: string) => db.withConnection(async (c) => readColumns(await c.run(sql)));
  try {
    const eKey = [...seriesKey, "period", "dimension"].join(", ");
    const [organisations, baselines, variation, monthlyOf, trajectoryOf] = await Promise.all([
      db.all<OrganisationRow>(`SELECT * FROM ${file("organisations")} ORDER BY level, org_code`),
      db.all<BaselineRow>(`SELECT * FROM ${file("baselines")} ORDER BY intervention_id, level, org_code`),
      // Sub-ICB locations first: the spread the goal and the funnel use.
      db.all<VariationRow>(
        `SELECT * FROM ${file("variation")} ORDER BY intervention_id, CASE level WHEN 'sub_icb' THEN 0 WHEN 'icb' THEN 1 ELSE 2 END`,
      ),
      monthSeries(columns, file("monthly"), "spells", (key, month, spells, suppressed) => ({
        ...key,
        month,
        spells,
        suppressed,
      })),
      monthSeries(columns, file("trajectory"), "goal_spells", (key, month, goal_spells, suppressed) => ({
        ...key,
        month,
        goal_spells,
        suppressed,
      })),
    ]);
    const [eGroups, eData, eRuns] = await Promise.all([
      columns(`SELECT DISTINCT dimension, group_code, group_label, group_order::INTEGER AS group_order
        FROM ${file("equity")} ORDER BY dimension, group_code, group_label, group_order`),
      columns(`WITH g AS (SELECT (row_number() OVER (ORDER BY dimension, group_code, group_label, group_order) - 1)::INTEGER AS g, *
          FROM (SELECT DISTINCT dimension, group_code, group_label, group_order::INTEGER AS group_order FROM ${file("equity")}))
        SELECT g.g, ${["spells", "population", "crude_rate", "dsr", "lower", "upper"].map(nan).join(", ")},
          ${suppressionSql("suppressed")}::INTEGER AS s
        FROM ${file("equity")} e JOIN g ON g.dimension = e.dimension AND g.group_code = e.group_code
          AND g.group_label = e.group_label AND g.group_order = e.group_order
        ORDER BY ${eKey.replaceAll(/(\w+)/g, "e.$1")}, e.group_order, e.group_code`),
      readRuns(columns, file("equity"), eKey.split(", ")),
    ]);
    const quarterly = manifest.tables.quarterly
      ? await db.all<QuarterlyRow>(
          `SELECT * FROM ${file("quarterly")} ORDER BY intervention_id, level, org_code, quarter_start`,
        )
      : [];
    const split = (key: string) => key.split("|") as [string, OrgLevel, string, ...string[]];
    const groups = (eGroups.dimension as string[]).map((_, i) => ({
      group_code: (eGroups.group_code as string[])[i] as string,
      group_label: (eGroups.group_label as string[])[i] as string,
      group_order: (eGroups.group_order as number[])[i] as number,
    }));
    const groupOf = Int32Array.from(eData.g as number[]);
    const numbers = {
      spells: floats(eData.spells as unknown[]),
      population: floats(eData.population as unknown[]),
      crude_rate: floats(eData.crude_rate as unknown[]),
      dsr: floats(eData.dsr as unknown[]),
      lower: floats(eData.lower as unknown[]),
      upper: floats(eData.upper as unknown[]),
    };
    const eSuppressed = Uint8Array.from(eData.s as number[]);
    const equityOf = new CompactSeries<EquityRow>(eRuns, (key, i) => {
      const [intervention_id, level, org_code, period, dimension] = split(key);
      const g = groups[groupOf[i] as number];
      return {
        intervention_id,
        level,
        org_code,
        period: period as EquityRow["period"],
        dimension: dimension as EquityRow["dimension"],
        group_code: g?.group_code ?? "",
        group_label: g?.group_label ?? "",
        group_order: g?.group_order ?? 0,
        spells: orNull(numbers.spells[i] as number),
        population: orNull(numbers.population[i] as number),
        crude_rate: orNull(numbers.crude_rate[i] as number),
        dsr: orNull(numbers.dsr[i] as number),
        lower: orNull(numbers.lower[i] as number),
        upper: orNull(numbers.upper[i] as number),
        suppressed: suppressionCodes[eSuppressed[i] as number] ?? null,
      };
    });
    const byOrg = (r: { intervention_id: string; org_code: string; level: string }) =>
      `${r.intervention_id}|${r.level}|${r.org_code}`;
    return {
      id: releaseId,
      dir,
      manifest,
      interventions,
      organisations,
      get monthly() {
        return monthlyOf.all();
      },
      baselines,
      get trajectory() {
        return trajectoryOf.all();
      },
      variation,
      get equity() {
        return equityOf.all();
      },
      monthlyOf,
      trajectoryOf,
      baselineOf: new Map(baselines.map((b) => [byOrg(b), b])),
      quarterly,
      quarterlyOf: group(quarterly, byOrg),
      equityOf,
      organisationOf: new Map(organisations.map((o) => [`${o.level}|${o.org_code}`, o])),
      childrenOf: group(
        organisations.filter((o) => o.parent_code !== null),
        (o) => o.parent_code as string,
      ),
      interventionOf: new Map(interventions.map((i) => [i.intervention_id, i])),
    };
  } finally {
    db.close();
  }
}

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Database } from "../db/index.ts";
import { allOn, quoteLiteral, runOn } from "../db/index.ts";
import {
  type DisclosurePolicy,
  type DisclosureReport,
  disclosureMethod,
  ebiDashboardPolicy,
  minimumPublicThreshold,
  policyStatement,
  protectRelease,
  type ReleaseTables,
  withThreshold,
} from "../disclosure/index.ts";
import type { Effects } from "../effects/index.ts";
import { EbiError } from "../errors/index.ts";
import { providerCommissionersFile } from "../release/providerCommissioners.ts";
import { publishRelease } from "../release/releaseFiles.ts";
import { tableColumns } from "../release/tableColumns.ts";
import type { InterventionRow, ReleaseManifest, ReleaseTable } from "../release/tables.ts";
import { tileLayoutFile } from "../release/tileLayout.ts";
import { writeRowsToParquet } from "../release/writeTable.ts";
import {
  type CountingUnit,
  classificationSql,
  countingUnitWords,
  defaultCountingUnit,
  loadRuleSets,
  type ResolvedRuleSet,
} from "../rules/index.ts";
import { fileSha256 } from "../store/index.ts";
import { scratchPath } from "../store/scratch.ts";
import { checkBaselineInData } from "./baselinePeriod.ts";
import { interventionFigures, type Period } from "./baselines.ts";
import {
  createCube,
  createOrgMap,
  createSpells,
  monthlyRows,
  periodStrata,
  populationStrata,
  readOrganisations,
} from "./buildTables.ts";
import { type CostTable, defaultCosts, unitCostOf } from "./costs.ts";
import { equityRows } from "./equity.ts";
import { providerCommissioners } from "./providerCommissioners.ts";
import { releaseTileLayout } from "./tileLayout.ts";

export interface BuildOptions {
  ruleSetIds?: string[];
  /** What one count is; default the programme's (spells on their dominant procedure). */
  unit?: CountingUnit;
  releasesDir: string;
  /** Baseline years by list name ("List 1", "List 2"); others use List 1's. First day of first and last month. */
  baselines?: Record<string, Period>;
  goalPercentile?: number;
  costs?: CostTable;
  /** The disclosure rule of the public side (default: the EBI dashboard rule). */
  policy?: DisclosurePolicy;
  /** Replaces the policy's threshold. */
  threshold?: number;
  /** Write the registered side only: no public side, and the release cannot be published. */
  registeredOnly?: boolean;
  publish?: boolean;
  /** Test hook: called after the release folder is written, before it is moved into place. */
  beforeRename?: () => Promise<void> | void;
}

export interface NationalFigure {
  intervention_id: string;
  name: string;
  baseline: number;
  goal: number;
  opportunity: number;
  latest: number;
}

export interface BuildResult {
  releaseId: string;
  dir: string;
  published: boolean;
  manifest: ReleaseManifest;
  national: NationalFigure[];
}

export const defaultBaselines: Record<string, Period> = {
  "List 1": { start: "2017-04-01", end: "2018-03-01" },
  "List 2": { start: "2018-04-01", end: "2019-03-01" },
};

const addMonths = (month: string, n: number) => {
  const d = new Date(`${month}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
};
const monthsFrom = (start: string, end: string) => {
  const out: string[] = [];
  for (let m = start; m <= end; m = addMonths(m, 1)) out.push(m);
  return out;
};

/**
 * `ebi build`: classify every loaded episode with the rule sets, de-duplicate to spells, aggregate
 * the cube, compute baselines, goals, trajectories, money, variation and equity, and write a
 * release (registered and public sides) into a temporary folder that is moved into place only when
 * complete. A failed or killed build leaves existing releases and the published one untouched.
 */
export async function build(store: Database, options: BuildOptions, effects: Effects): Promise<BuildResult> {
  const ruleSets = await loadRuleSets(options.ruleSetIds ?? ["ebi-list-1", "ebi-list-2"]);
  const unit = options.unit ?? defaultCountingUnit;
  const goalPercentile = options.goalPercentile ?? 25;
  const basePolicy = options.policy ?? ebiDashboardPolicy;
  const policy = options.threshold === undefined ? basePolicy : withThreshold(basePolicy, options.threshold);
  const threshold = policy.threshold;
  const registeredOnly = options.registeredOnly ?? false;
  if (!registeredOnly && threshold < minimumPublicThreshold)
    throw new EbiError(
      "EBI_DISCLOSURE_UNSAFE",
      `A public side with counts of 1 to ${minimumPublicThreshold} shown cannot be written (threshold ${threshold}): use a threshold of at least ${minimumPublicThreshold}, or --registered-only for a release with no public side.`,
      { field: "threshold", value: threshold, expected: `≥ ${minimumPublicThreshold}, or --registered-only` },
    );
  const costs = options.costs ?? defaultCosts;
  const baselines = { ...defaultBaselines, ...(options.baselines ?? {}) };
  const interventions = ruleSets.flatMap((set) => set.interventions.map((i) => ({ set, i })));
  const measurable = interventions.filter(({ i }) => i.measurable).map(({ i }) => i.intervention_id);

  const builtAt = effects.clock.now();
  const stamp = builtAt.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const releaseId = `${stamp}-${createHash("sha256")
    .update(ruleSets.map((s) => s.sha256).join() + (unit === defaultCountingUnit ? "" : `|${unit}`))
    .digest("hex")
    .slice(0, 6)}`;
  mkdirSync(options.releasesDir, { recursive: true });
  for (const stale of readdirSync(options.releasesDir).filter((n) => n.startsWith(".tmp-")))
    rmSync(join(options.releasesDir, stale), { recursive: true, force: true });
  // The temporary folder appears only when writing starts, so a build stopped earlier leaves no trace.
  const tmp = join(options.releasesDir, `.tmp-${releaseId}`);
  // Removed in `finally`, or at once if the build is interrupted: the registered side holds episode keys.
  const removeTmp = scratchPath(tmp);

  try {
    const result = await store.withConnection(async (connection) => {
      const stage = async <T>(
        name: string,
        fn: () => Promise<T>,
        summary?: (value: T) => string,
      ): Promise<T> => {
        effects.progress.start(name);
        const value = await fn();
        effects.progress.finish(summary?.(value));
        return value;
      };
      const [loaded] = await allOn<{ apc: number; op: number }>(
        connection,
        "SELECT (SELECT count(*) FROM apc_episodes) AS apc, (SELECT count(*) FROM op_appointments) AS op",
      );
      if (!loaded || loaded.apc + loaded.op === 0)
        throw new EbiError(
          "EBI_NOT_FOUND",
          "No activity is loaded: run `ebi ingest apc FILE` (or `ebi start` for the demo) first.",
        );

      const [span] = await allOn<{ first: string | null; last: string | null }>(
        connection,
        `SELECT strftime(min(m), '%Y-%m-%d') AS first, strftime(max(m), '%Y-%m-%d') AS last FROM (
           SELECT date_trunc('month', epistart) AS m FROM apc_episodes UNION ALL
           SELECT date_trunc('month', apptdate) FROM op_appointments)`,
      );
      const dataStart = span?.first ?? "2017-04-01";
      const dataEnd = span?.last ?? dataStart;
      const latest: Period = { start: addMonths(dataEnd, -11), end: dataEnd };
      for (const [list, period] of Object.entries(options.baselines ?? {}))
        checkBaselineInData(list, period, { start: dataStart, end: dataEnd });

      await stage(
        "classify",
        async () => {
          await runOn(
            connection,
            `CREATE OR REPLACE TEMP TABLE episode_flags AS ${classificationSql(ruleSets, { unit })}`,
            undefined,
            "classify",
          );
          return (
            (await allOn<{ n: number }>(connection, "SELECT count(*) AS n FROM episode_flags"))[0]?.n ?? 0
          );
        },
        (n) =>
          `${n.toLocaleString("en-GB")} episode flags from ${(loaded.apc + loaded.op).toLocaleString("en-GB")} rows`,
      );
      await stage(
        "spells",
        () => createSpells(connection),
        (n) => `${n.toLocaleString("en-GB")} spells`,
      );
      await stage("cube", async () => {
        await createCube(connection);
        await createOrgMap(connection);
      });
      const organisations = await readOrganisations(connection);
      const monthly = await stage(
        "monthly",
        () => monthlyRows(connection, measurable, monthsFrom(dataStart, dataEnd)),
        (rows) => `${rows.length.toLocaleString("en-GB")} rows`,
      );

      const figures = await stage("baselines, goals and equity", async () => {
        const tables = { baselines: [], trajectory: [], variation: [], equity: [] } as Pick<
          ReleaseTables,
          "baselines" | "trajectory" | "variation" | "equity"
        >;
        const listsUsed = new Set(interventions.map(({ set }) => set.list));
        const strataCache = new Map<string, Awaited<ReturnType<typeof periodStrata>>>();
        const popCache = new Map<number, Awaited<ReturnType<typeof populationStrata>>>();
        const strataFor = async (p: Period) => {
          const k = `${p.start}|${p.end}`;
          if (!strataCache.has(k)) strataCache.set(k, await periodStrata(connection, p.start, p.end));
          return strataCache.get(k) ?? [];
        };
        const popFor = async (p: Period) => {
          const year = Number(p.start.slice(0, 4));
          if (!popCache.has(year)) popCache.set(year, await populationStrata(connection, year));
          return popCache.get(year) ?? { year: null, rows: [] };
        };
        const latestStrata = await strataFor(latest);
        const latestPop = await popFor(latest);
        for (const list of listsUsed) {
          const baseline = baselines[list] ?? (defaultBaselines["List 1"] as Period);
          const baseStrata = await strataFor(baseline);
          const basePop = await popFor(baseline);
          for (const { set, i } of interventions) {
            if (set.list !== list || !i.measurable) continue;
            const mine = (rows: typeof baseStrata) =>
              rows.filter((r) => r.intervention_id === i.intervention_id);
            const englandMonths = monthly
              .filter(
                (m) =>
                  m.intervention_id === i.intervention_id &&
                  m.level === "england" &&
                  m.month >= baseline.start &&
                  m.month <= baseline.end,
              )
              .map((m) => ({ month: m.month, spells: m.spells }));
            const out = interventionFigures(
              {
                intervention_id: i.intervention_id,
                unitCost: unitCostOf(costs, set, i),
                baseline,
                latest,
                baselineStrata: mine(baseStrata),
                latestStrata: mine(latestStrata),
                englandBaselineMonths: englandMonths,
                trajectoryMonths: monthsFrom(latest.start, latest.end),
              },
              organisations,
              { baseline: basePop.rows, latest: latestPop.rows },
              { percentile: goalPercentile },
            );
            tables.baselines.push(...out.baselines);
            tables.trajectory.push(...out.trajectory);
            tables.variation.push(...out.variations);
            for (const [period, strata, pop] of [
              ["baseline", mine(baseStrata), basePop.rows],
              ["latest", mine(latestStrata), latestPop.rows],
            ] as const) {
              tables.equity.push(
                ...equityRows({
                  intervention_id: i.intervention_id,
                  period,
                  organisations,
                  strata,
                  population: pop,
                }),
              );
            }
          }
        }
        return { tables, populationYears: [...popCache.values()].map((p) => p.year) };
      });

      const registered: ReleaseTables = {
        organisations,
        monthly: monthly.map((m) => ({
          ...m,
          level: m.level as ReleaseTables["monthly"][number]["level"],
          suppressed: null,
        })),
        ...figures.tables,
      };
      const published = registeredOnly
        ? null
        : await stage(
            "disclosure control",
            () =>
              protectRelease(registered, {
                policy,
                goalPercentile,
                onProgress: (done, _total, id) => effects.progress.update(done, id),
              }),
            ({ report }) =>
              `${report.primary.toLocaleString("en-GB")} small counts redacted, ${report.secondary.toLocaleString("en-GB")} more hidden to protect them; audit: ${report.audit.hidden.toLocaleString("en-GB")} hidden counts attacked by ${report.audit.solves.toLocaleString("en-GB")} LP solves in ${report.audit.seconds.toFixed(1)} s`,
          );

      const tableInfo: ReleaseManifest["tables"] = {};
      await stage("write release", async () => {
        mkdirSync(join(tmp, "registered"), { recursive: true });
        if (published) mkdirSync(join(tmp, "public"), { recursive: true });
        for (const [side, tables] of [
          ["registered", registered],
          ...(published ? [["public", published.tables] as const] : []),
        ] as const) {
          for (const name of Object.keys(tableColumns) as ReleaseTable[]) {
            const path = join(tmp, side, `${name}.parquet`);
            await writeRowsToParquet(connection, tables[name], tableColumns[name], path);
            if (side === "public")
              tableInfo[name] = { rows: tables[name].length, sha256: await fileSha256(path) };
          }
        }
        for (const extra of ["cube", "episode_flags"]) {
          await runOn(
            connection,
            `COPY ${extra} TO ${quoteLiteral(join(tmp, "registered", `${extra}.parquet`))} (FORMAT parquet, COMPRESSION zstd)`,
          );
        }
      });

      const manifest = await buildManifest(connection, {
        releaseId,
        builtAt: builtAt.toISOString(),
        ruleSets,
        unit,
        dataStart,
        dataEnd,
        baselines: Object.fromEntries(
          [...new Set(interventions.map(({ set }) => set.list))].map((l) => [
            l,
            baselines[l] ?? (defaultBaselines["List 1"] as Period),
          ]),
        ),
        latest,
        policy,
        registeredOnly,
        goalPercentile,
        costs,
        tables: tableInfo,
        disclosure: published?.report ?? null,
      });
      writeFileSync(join(tmp, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
      const interventionRows: InterventionRow[] = interventions.map(({ set, i }) => ({
        intervention_id: i.intervention_id,
        rule_set_id: set.id,
        rule_set_version: set.version,
        official_id: i.official_id,
        slug: i.slug,
        name: i.name,
        list: set.list,
        category: i.category,
        setting: i.setting,
        confidence: i.confidence,
        measurable: i.measurable,
        description: i.description,
        provenance: i.provenance,
      }));
      writeFileSync(join(tmp, "interventions.json"), `${JSON.stringify(interventionRows, null, 2)}\n`);
      if (published)
        writeFileSync(join(tmp, "disclosure-report.json"), `${JSON.stringify(published.report, null, 2)}\n`);
      writeFileSync(
        join(tmp, providerCommissionersFile),
        `${JSON.stringify(await providerCommissioners(connection, latest, threshold), null, 2)}\n`,
      );
      const tiles = await releaseTileLayout(connection);
      if (tiles) writeFileSync(join(tmp, tileLayoutFile), `${JSON.stringify(tiles)}\n`);
      const national = registered.baselines
        .filter((b) => b.level === "england")
        .map((b) => ({
          intervention_id: b.intervention_id,
          name:
            interventions.find(({ i }) => i.intervention_id === b.intervention_id)?.i.name ??
            b.intervention_id,
          baseline: b.baseline_spells ?? 0,
          goal: b.goal_spells ?? 0,
          opportunity: b.opportunity_spells ?? 0,
          latest: b.latest_spells ?? 0,
        }));
      return { manifest, national };
    });
    await options.beforeRename?.();
    const dir = join(options.releasesDir, releaseId);
    if (existsSync(dir)) throw new EbiError("EBI_INTERNAL", `Release ${releaseId} already exists.`);
    renameSync(tmp, dir);
    const publish = (options.publish ?? true) && !registeredOnly;
    if (publish) publishRelease(options.releasesDir, releaseId);
    return { releaseId, dir, published: publish, ...result };
  } finally {
    removeTmp();
  }
}

async function buildManifest(
  connection: Parameters<typeof allOn>[0],
  input: {
    releaseId: string;
    builtAt: string;
    ruleSets: ResolvedRuleSet[];
    unit: CountingUnit;
    dataStart: string;
    dataEnd: string;
    baselines: Record<string, Period>;
    latest: Period;
    policy: DisclosurePolicy;
    registeredOnly: boolean;
    goalPercentile: number;
    costs: CostTable;
    tables: ReleaseManifest["tables"];
    disclosure: DisclosureReport | null;
  },
): Promise<ReleaseManifest> {
  const loads = await allOn<{
    kind: string;
    file: string;
    file_bytes: number;
    file_hash: string;
    rows_read: number;
    rows_accepted: number;
    rows_quarantined: number;
  }>(connection, "SELECT * FROM loads ORDER BY loaded_at, file");
  const reference = await allOn<{ dataset: string; vintage: string; file: string; file_hash: string }>(
    connection,
    "SELECT dataset, vintage, file, file_hash FROM ref_vintages ORDER BY dataset, vintage",
  );
  const synthetic = loads.some((l) => isDemoFile(l.file));
  const sum = (k: "rows_read" | "rows_accepted" | "rows_quarantined") => loads.reduce((s, l) => s + l[k], 0);
  return {
    release_id: input.releaseId,
    built_at: input.builtAt,
    synthetic,
    rule_sets: input.ruleSets.map((s) => ({
      id: s.id,
      version: s.version,
      sha256: s.sha256,
      effective: s.effective,
    })),
    counting_unit: { unit: input.unit, definition: countingUnitWords[input.unit] },
    inputs: loads.map((l) => ({
      kind: l.kind,
      file: l.file,
      bytes: l.file_bytes,
      sha256: l.file_hash,
      rows_read: l.rows_read,
      rows_accepted: l.rows_accepted,
      rows_quarantined: l.rows_quarantined,
    })),
    reference: reference.map((r) => ({
      dataset: r.dataset,
      vintage: r.vintage,
      file: r.file,
      sha256: r.file_hash,
    })),
    periods: {
      data_start: input.dataStart,
      data_end: input.dataEnd,
      baseline: input.baselines,
      latest: input.latest,
    },
    rows: { read: sum("rows_read"), accepted: sum("rows_accepted"), quarantined: sum("rows_quarantined") },
    disclosure: {
      policy: input.policy.id,
      policy_name: input.policy.name,
      source: input.policy.source,
      threshold: input.policy.threshold,
      rounding: input.policy.rounding,
      statement: policyStatement(input.policy),
      method: disclosureMethod,
      registered_only: input.registeredOnly,
      audit: input.disclosure?.audit ?? null,
    },
    goal: {
      percentile: input.goalPercentile,
      method:
        "Every sub-ICB location above this percentile (type 7) of sub-ICB baseline age-sex standardised rates comes down to it; goal = baseline × goal rate ÷ baseline rate; opportunity = baseline − goal, summed to ICB, region and England.",
    },
    costs: { source: input.costs.source, table: input.costs.table },
    tables: input.tables,
  };
}

/** True when a loaded file lies in a folder the demo generator wrote (its manifest says synthetic). */
function isDemoFile(file: string): boolean {
  for (const dir of [dirname(file), dirname(dirname(file))]) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as {
        synthetic?: boolean;
      };
      if (manifest.synthetic) return true;
    } catch {
      // not a demo folder
    }
  }
  return false;
}

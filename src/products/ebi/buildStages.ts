import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn } from "../../db/index.ts";
import { type DisclosurePolicy, policyStatement } from "../../disclosure/index.ts";
import { EbiError } from "../../errors/index.ts";
import {
  createCube,
  createOrgMap,
  createSpells,
  monthlyRows,
  periodStrata,
  populationStrata,
  readOrganisations,
} from "../../pipeline/buildTables.ts";
import { type CostTable, unitCostOf } from "../../pipeline/costs.ts";
import type { Stage } from "../../pipeline/runStages.ts";
import { providerCommissionersFile } from "../../release/providerCommissioners.ts";
import { tileLayoutFile } from "../../release/tileLayout.ts";
import type { ReleaseWriter } from "../../release/writeRelease.ts";
import {
  type CountingUnit,
  countingUnitWords,
  createFlagsTable,
  type ResolvedRuleSet,
} from "../../rules/index.ts";
import { type DisclosureReport, disclosureMethod, protectRelease } from "./disclosure/index.ts";
import { checkBaselineInData } from "./figures/baselinePeriod.ts";
import { interventionFigures, type Period } from "./figures/baselines.ts";
import { equityRows } from "./figures/equity.ts";
import { providerCommissioners } from "./figures/providerCommissioners.ts";
import { quarterlyRows } from "./figures/quarterly.ts";
import { releaseTileLayout } from "./figures/tileLayout.ts";
import type { InterventionRow, ReleaseManifest, ReleaseTables } from "./release/tables.ts";

export const defaultBaselines: Record<string, Period> = {
  "List 1": { start: "2017-04-01", end: "2018-03-01" },
  "List 2": { start: "2018-04-01", end: "2019-03-01" },
};

export interface NationalFigure {
  intervention_id: string;
  name: string;
  baseline: number;
  goal: number;
  opportunity: number;
  latest: number;
}

type Intervention = { set: ResolvedRuleSet; i: ResolvedRuleSet["interventions"][number] };

/** What the build's stages read and write: settings first, then each stage's outputs. */
export interface BuildState {
  connection: DuckDBConnection;
  writer: ReleaseWriter;
  releaseId: string;
  builtAt: Date;
  ruleSets: ResolvedRuleSet[];
  unit: CountingUnit;
  interventions: Intervention[];
  measurable: string[];
  baselines: Record<string, Period>;
  /** Baselines the operator asked for (checked against the data). */
  requestedBaselines: Record<string, Period>;
  goalPercentile: number;
  costs: CostTable;
  policy: DisclosurePolicy;
  registeredOnly: boolean;
  /** Whether disclosure control also attacks as each registered scope's insider (slow: minutes per scope). */
  insiderAudit: boolean;
  // Stage outputs.
  loaded?: { apc: number; op: number };
  dataStart?: string;
  dataEnd?: string;
  latest?: Period;
  episode_flags?: number;
  spells?: number;
  cube?: true;
  organisations?: ReleaseTables["organisations"];
  monthly?: ReleaseTables["monthly"];
  figures?: Pick<ReleaseTables, "baselines" | "trajectory" | "variation" | "equity">;
  registered?: ReleaseTables;
  published?: { tables: ReleaseTables; report: DisclosureReport } | null;
  tableInfo?: ReleaseManifest["tables"];
  manifest?: ReleaseManifest;
  national?: NationalFigure[];
}

/** The value of a state key a stage declared as input (the runner checked it is set). */
function need<K extends keyof BuildState>(state: BuildState, key: K): NonNullable<BuildState[K]> {
  const value = state[key];
  if (value === undefined || value === null)
    throw new EbiError("EBI_INTERNAL", `The build has no ${String(key)} yet.`, { key });
  return value as NonNullable<BuildState[K]>;
}

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
const count = (n: number) => n.toLocaleString("en-GB");

/** Counts the loaded activity and finds the data period; nothing loaded is an error. */
export const dataPeriodStage: Stage<BuildState> = {
  name: "data period",
  inputs: ["connection", "requestedBaselines"],
  outputs: ["loaded", "dataStart", "dataEnd", "latest"],
  shown: false,
  async run(state) {
    const [loaded] = await allOn<{ apc: number; op: number }>(
      state.connection,
      "SELECT (SELECT count(*) FROM apc_episodes) AS apc, (SELECT count(*) FROM op_appointments) AS op",
    );
    if (!loaded || loaded.apc + loaded.op === 0)
      throw new EbiError(
        "EBI_NOT_FOUND",
        "No activity is loaded: run `ebi ingest apc FILE` (or `ebi start` for the demo) first.",
      );
    const [span] = await allOn<{ first: string | null; last: string | null }>(
      state.connection,
      `SELECT strftime(min(m), '%Y-%m-%d') AS first, strftime(max(m), '%Y-%m-%d') AS last FROM (
         SELECT date_trunc('month', epistart) AS m FROM apc_episodes UNION ALL
         SELECT date_trunc('month', apptdate) FROM op_appointments)`,
    );
    state.loaded = loaded;
    state.dataStart = span?.first ?? "2017-04-01";
    state.dataEnd = span?.last ?? state.dataStart;
    state.latest = { start: addMonths(state.dataEnd, -11), end: state.dataEnd };
    for (const [list, period] of Object.entries(state.requestedBaselines))
      checkBaselineInData(list, period, { start: state.dataStart, end: state.dataEnd });
    return undefined;
  },
};

/** Flags every episode and appointment with the interventions whose rules it matches (one SQL step). */
export const classifyStage: Stage<BuildState> = {
  name: "classify",
  inputs: ["connection", "ruleSets", "unit", "loaded"],
  outputs: ["episode_flags"],
  async run(state) {
    const loaded = need(state, "loaded");
    const { rows: n, parts } = await createFlagsTable(state.connection, state.ruleSets, {
      unit: state.unit,
      target: "episode_flags",
      temporary: true,
      apcRows: loaded.apc,
    });
    state.episode_flags = n;
    return `${count(n)} episode flags from ${count(loaded.apc + loaded.op)} rows${parts > 1 ? ` (${parts} parts)` : ""}`;
  },
};

/** De-duplicates flags to one row per counted spell (one SQL step). */
export const spellsStage: Stage<BuildState> = {
  name: "spells",
  inputs: ["connection", "episode_flags"],
  outputs: ["spells"],
  async run(state) {
    state.spells = await createSpells(state.connection);
    return `${count(state.spells)} spells`;
  },
};

/** Aggregates spells into the cube and maps sub-ICB locations up the hierarchy. */
export const cubeStage: Stage<BuildState> = {
  name: "cube",
  inputs: ["connection", "spells"],
  outputs: ["cube", "organisations"],
  async run(state) {
    await createCube(state.connection);
    await createOrgMap(state.connection);
    state.cube = true;
    state.organisations = await readOrganisations(state.connection);
    return undefined;
  },
};

/** Spells per month for every measurable intervention and organisation, zero-filled. */
export const monthlyStage: Stage<BuildState> = {
  name: "monthly",
  inputs: ["connection", "cube", "measurable", "dataStart", "dataEnd"],
  outputs: ["monthly"],
  async run(state) {
    const rows = await monthlyRows(
      state.connection,
      state.measurable,
      monthsFrom(need(state, "dataStart"), need(state, "dataEnd")),
    );
    state.monthly = rows.map((m) => ({
      ...m,
      level: m.level as ReleaseTables["monthly"][number]["level"],
      suppressed: null,
    }));
    return `${count(rows.length)} rows`;
  },
};

/** Baselines, goals, trajectories, money, variation and equity from the cube and populations. */
export const figuresStage: Stage<BuildState> = {
  name: "baselines, goals and equity",
  inputs: ["connection", "cube", "organisations", "monthly", "latest", "interventions", "baselines"],
  outputs: ["figures", "registered"],
  async run(state) {
    const connection = state.connection;
    const { interventions, baselines, costs, goalPercentile } = state;
    const organisations = need(state, "organisations");
    const monthly = need(state, "monthly");
    const latest = need(state, "latest");
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
        const mine = (rows: typeof baseStrata) => rows.filter((r) => r.intervention_id === i.intervention_id);
        const englandMonths = monthly
          .filter(
            (m) =>
              m.intervention_id === i.intervention_id &&
              m.level === "england" &&
              m.month >= baseline.start &&
              m.month <= baseline.end,
          )
          .map((m) => ({ month: m.month, spells: m.spells ?? 0 })); // registered counts are never null
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
    state.figures = tables;
    state.registered = { organisations, monthly, ...tables, quarterly: quarterlyRows(monthly) };
    return undefined;
  },
};

/** The public side: small counts hidden, secondary suppression, the attacker audit (none when registered-only). */
export const disclosureStage: Stage<BuildState> = {
  name: "disclosure control",
  inputs: ["registered", "policy", "goalPercentile"],
  outputs: ["published"],
  async run(state, effects) {
    if (state.registeredOnly) {
      state.published = null;
      return undefined;
    }
    const published = await protectRelease(need(state, "registered"), {
      policy: state.policy,
      goalPercentile: state.goalPercentile,
      insiderScopes: state.insiderAudit ? undefined : [],
      onProgress: (done, _total, id) => effects.progress.update(done, id),
    });
    state.published = published;
    const { report } = published;
    return `${count(report.primary)} small counts redacted, ${count(report.secondary)} more hidden to protect them; audit: ${count(report.audit.hidden)} hidden counts attacked by ${count(report.audit.solves)} LP solves in ${report.audit.seconds.toFixed(1)} s; insiders: ${count(report.insider.scopes)} registered scopes, ${count(report.insider.repaired)} counts repaired, ${report.insider.seconds.toFixed(1)} s`;
  },
};

/** Writes both sides' tables, the cube and the episode flags into the release being written. */
export const writeTablesStage: Stage<BuildState> = {
  name: "write release",
  inputs: ["connection", "writer", "registered", "published", "cube", "episode_flags"],
  outputs: ["tableInfo"],
  async run(state) {
    state.tableInfo = await state.writer.writeTables(
      state.connection,
      need(state, "registered"),
      state.published?.tables ?? null,
      ["cube", "episode_flags"],
    );
    return undefined;
  },
};

/** Writes the manifest, interventions, disclosure report and provider commissioners beside the tables. */
export const manifestStage: Stage<BuildState> = {
  name: "manifest",
  inputs: ["connection", "writer", "tableInfo", "registered", "dataStart", "dataEnd", "latest"],
  outputs: ["manifest", "national"],
  shown: false,
  async run(state) {
    const { interventions, baselines, writer } = state;
    const latest = need(state, "latest");
    const manifest = await buildManifest(state.connection, {
      releaseId: state.releaseId,
      builtAt: state.builtAt.toISOString(),
      ruleSets: state.ruleSets,
      unit: state.unit,
      dataStart: need(state, "dataStart"),
      dataEnd: need(state, "dataEnd"),
      baselines: Object.fromEntries(
        [...new Set(interventions.map(({ set }) => set.list))].map((l) => [
          l,
          baselines[l] ?? (defaultBaselines["List 1"] as Period),
        ]),
      ),
      latest,
      policy: state.policy,
      registeredOnly: state.registeredOnly,
      goalPercentile: state.goalPercentile,
      costs: state.costs,
      tables: need(state, "tableInfo"),
      disclosure: state.published?.report ?? null,
    });
    writer.writeJson("manifest.json", manifest);
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
      measurability: i.measurability,
      dataset: i.dataset,
      source_url: i.rule.sourceUrl ?? null,
      description: i.description,
      provenance: i.provenance,
    }));
    writer.writeJson("interventions.json", interventionRows);
    if (state.published) writer.writeJson("disclosure-report.json", state.published.report);
    writer.writeJson(
      providerCommissionersFile,
      await providerCommissioners(state.connection, latest, state.policy.threshold),
    );
    const tiles = await releaseTileLayout(state.connection);
    if (tiles) writer.writeJson(tileLayoutFile, tiles);
    state.manifest = manifest;
    state.national = need(state, "registered")
      .baselines.filter((b) => b.level === "england")
      .map((b) => ({
        intervention_id: b.intervention_id,
        name:
          interventions.find(({ i }) => i.intervention_id === b.intervention_id)?.i.name ?? b.intervention_id,
        baseline: b.baseline_spells ?? 0,
        goal: b.goal_spells ?? 0,
        opportunity: b.opportunity_spells ?? 0,
        latest: b.latest_spells ?? 0,
      }));
    return undefined;
  },
};

/** The build, stage by stage. */
export const buildStages: readonly Stage<BuildState>[] = [
  dataPeriodStage,
  classifyStage,
  spellsStage,
  cubeStage,
  monthlyStage,
  figuresStage,
  disclosureStage,
  writeTablesStage,
  manifestStage,
];

async function buildManifest(
  connection: DuckDBConnection,
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
      insider: input.disclosure?.insider ?? null,
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

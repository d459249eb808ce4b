import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Database } from "../../db/index.ts";
import { allOn } from "../../db/index.ts";
import { policyStatement } from "../../disclosure/index.ts";
import type { Effects } from "../../effects/index.ts";
import { EbiError } from "../../errors/index.ts";
import { runStages, type Stage } from "../../pipeline/runStages.ts";
import { cancerInEpisodeSql } from "../../rules/compileCondition.ts";
import { ebiDashboardPolicy } from "../ebi/disclosure/policies.ts";
import {
  type EquityCell,
  equityCells,
  gapChange,
  type InequalityFigures,
  inequalityOf,
} from "./equityFigures.ts";
import {
  type EthnicAgeSexPopulation,
  ethnicAgeSexStrata,
  stageEthnicAgeSexPopulation,
} from "./ethnicAgeSexPopulation.ts";
import {
  type EthnicPopulationProblem,
  type EthnicPopulationStratum,
  ethnicPopulationStrata,
  stageEthnicPopulation,
} from "./ethnicPopulation.ts";
import { type GroupSetInfo, loadGroups, type ResolvedGroup } from "./loadGroups.ts";
import {
  commissioners,
  createMatchedTable,
  createSpellTable,
  ethnicStrata,
  type PopulationStratum,
  populationOf,
  quarterStrata,
  yearStrata,
} from "./plannedCareSql.ts";
import { type EquityProtection, type PublicEquityCell, protectEquity } from "./public/protectEquity.ts";
import { type GapPoint, gapSeries } from "./strategies/trackerFigures.ts";
import { stageWaitingList, type WaitingListProblem } from "./waits/stageWaitingList.ts";
import { type WaitRow, waitRows } from "./waits/waitFigures.ts";

/** The financial year the change in the gap is measured from: 2019/20, the last before the pandemic. */
export const baseFinancialYear = 2019;

export interface InequalityRow extends InequalityFigures {
  group_id: string;
  kind: "planned" | "ebi";
  fyear: number;
  level: string;
  org_code: string;
  /** Gap now minus the gap in 2019/20, with its interval; null without both. */
  gap_change: number | null;
  gap_change_lower: number | null;
  gap_change_upper: number | null;
}

export interface PublicWaitRow extends Omit<WaitRow, "pathways"> {
  pathways: number | null;
  suppressed: boolean;
}

export interface PlannedCareManifest {
  product: "planned-care";
  build_id: string;
  built_at: string;
  synthetic: boolean;
  group_sets: GroupSetInfo[];
  inputs: { file: string; file_hash: string; rows: number }[];
  waiting_list: { file: string; rows: number; accepted: number; quarantined: number } | null;
  /** The Census 2021 population by ethnic group the ethnic-group rates are over, when one was loaded. */
  ethnic_population: { file: string; rows: number; accepted: number; quarantined: number } | null;
  /** The population by ethnic group, sex and age band the ethnic-group rates are standardised over, when one was loaded. */
  ethnic_age_sex_population: {
    file: string;
    rows: number;
    accepted: number;
    quarantined: number;
    age_bands: number[];
  } | null;
  population_years: Record<string, number | null>;
  years: number[];
  base_year: number;
  method: string;
  disclosure: EquityProtection & { policy: string; statement: string; waits: EquityProtection | null };
}

/** What the public pages read: protected figures only. */
export interface PlannedCarePublic {
  manifest: PlannedCareManifest;
  groups: Omit<ResolvedGroup, "episodeSql">[];
  organisations: { level: string; org_code: string; name: string; parent_code: string | null }[];
  cells: PublicEquityCell[];
  inequality: InequalityRow[];
  waits: PublicWaitRow[];
}

/** The registered side: unsuppressed figures and the quarterly gap series the tracker reads. */
export interface PlannedCareRegistered {
  manifest: PlannedCareManifest;
  cells: EquityCell[];
  inequality: InequalityRow[];
  waits: WaitRow[];
  series: GapPoint[];
  waitingListProblems: WaitingListProblem[];
  ethnicPopulationProblems: EthnicPopulationProblem[];
  ethnicAgeSexPopulationProblems: EthnicPopulationProblem[];
}

export interface PlannedCareBuildOptions {
  outDir: string;
  /** Commissioners' own procedure-group files, added to the shipped ones. */
  groupFiles?: string[];
  waitingList?: string;
  /** A Census 2021 population by ethnic group and LSOA (TS021 long layout, CSV) for ethnic-group rates. */
  ethnicPopulation?: string;
  /** A population by area × ethnic group × sex × age band (CSV, `ethnicAgeSexColumns`): ethnic-group rates are then age-sex standardised. */
  ethnicAgeSexPopulation?: string;
  /** True when the figures are made from the demo; by default, when every loaded file is under `demoDir`. */
  synthetic?: boolean;
  demoDir?: string;
  /** Count the EBI interventions beside the groups (default true). */
  beside?: boolean;
}

const round = (v: number | null, places = 3) =>
  v === null ? null : Math.round(v * 10 ** places) / 10 ** places;
const roundCell = <T extends { rate: number | null; lower: number | null; upper: number | null }>(
  c: T,
): T => ({
  ...c,
  rate: round(c.rate),
  lower: round(c.lower),
  upper: round(c.upper),
});

/** Default folder of the planned-care output: `EBI_PLANNED_CARE_DIR`, else `<workspace>/planned-care`. */
export function plannedCareDir(workspaceRoot: string): string {
  return process.env.EBI_PLANNED_CARE_DIR ?? join(workspaceRoot, "planned-care");
}

/** What the SQL stages leave: strata, organisations, populations, waits and the loaded inputs. */
interface Built {
  strata: Awaited<ReturnType<typeof yearStrata>>;
  ethnic: Awaited<ReturnType<typeof ethnicStrata>>;
  quarters: Awaited<ReturnType<typeof quarterStrata>>;
  orgs: Awaited<ReturnType<typeof commissioners>>;
  years: number[];
  populations: Map<number, { year: number | null; rows: PopulationStratum[] }>;
  ethnicPopulation: {
    strata: EthnicPopulationStratum[];
    loaded: NonNullable<PlannedCareManifest["ethnic_population"]>;
    problems: EthnicPopulationProblem[];
  } | null;
  ethnicAgeSex: {
    population: EthnicAgeSexPopulation;
    loaded: NonNullable<PlannedCareManifest["ethnic_age_sex_population"]>;
    problems: EthnicPopulationProblem[];
  } | null;
  waits: WaitRow[];
  waitingList: PlannedCareManifest["waiting_list"];
  problems: WaitingListProblem[];
  inputs: { file: string; file_hash: string; rows: number }[];
}

/** What the planned-care build reads and writes, stage by stage. */
export interface PlannedCareState {
  connection: DuckDBConnection;
  options: PlannedCareBuildOptions;
  sets: GroupSetInfo[];
  groups: ResolvedGroup[];
  threshold: number;
  /** The engine tables the classify stage leaves (their names). */
  matched?: string;
  aggregated?: Pick<
    Built,
    "strata" | "ethnic" | "quarters" | "orgs" | "years" | "populations" | "ethnicPopulation" | "ethnicAgeSex"
  >;
  waitsBuilt?: Pick<Built, "waits" | "waitingList" | "problems">;
  inputs?: Built["inputs"];
  figures?: {
    allCells: EquityCell[];
    inequality: InequalityRow[];
    kindOf: Map<string, ResolvedGroup["kind"]>;
  };
  disclosed?: {
    plannedCells: EquityCell[];
    protectedCells: Awaited<ReturnType<typeof protectEquity>>;
    protectedWaits: Awaited<ReturnType<typeof protectEquity>> | null;
    publicWaits: PublicWaitRow[];
    publicInequality: InequalityRow[];
  };
  written?: { manifest: PlannedCareManifest; dir: string };
}

/** The parts of the build the later stages read as one, as the build first gathered them. */
const builtOf = (state: PlannedCareState): Built => ({
  ...(state.aggregated as NonNullable<PlannedCareState["aggregated"]>),
  ...(state.waitsBuilt as NonNullable<PlannedCareState["waitsBuilt"]>),
  inputs: state.inputs as Built["inputs"],
});

const waitingListStage: Stage<PlannedCareState> = {
  name: "planned care: waiting list",
  inputs: ["connection", "groups", "options", "matched"],
  outputs: ["waitsBuilt"],
  async run(state) {
    const { connection, groups, options } = state;
    const staged = await stageWaitingList(connection, options.waitingList as string);
    state.waitsBuilt = {
      waits: await waitRows(connection, groups),
      problems: staged.problems,
      waitingList: {
        file: options.waitingList as string,
        rows: staged.rows,
        accepted: staged.accepted,
        quarantined: staged.rows - staged.accepted,
      },
    };
    return `${staged.accepted.toLocaleString("en-GB")} of ${staged.rows.toLocaleString("en-GB")} pathways`;
  },
};

/**
 * The planned-care build, in order: SQL stages over the loaded admitted care (and a waiting-list
 * extract), then the figures, their protection and the written output. Without a waiting list
 * its stage is left out (`plannedCareStagesFor`).
 */
export const plannedCareStages: readonly Stage<PlannedCareState>[] = [
  {
    name: "planned care: classify",
    inputs: ["connection", "groups"],
    outputs: ["matched"],
    async run(state) {
      await createSpellTable(state.connection, cancerInEpisodeSql);
      await createMatchedTable(state.connection, state.groups);
      state.matched = "pc_matched";
      return undefined;
    },
  },
  {
    name: "planned care: aggregate",
    inputs: ["connection", "groups", "matched"],
    outputs: ["aggregated"],
    async run(state) {
      const { connection, groups } = state;
      const strata = await yearStrata(connection);
      const ageSexFile = state.options.ethnicAgeSexPopulation;
      const ethnic = await ethnicStrata(connection, Boolean(ageSexFile));
      const plannedIds = groups.filter((g) => g.kind === "planned").map((g) => g.group_id);
      const quarters = await quarterStrata(connection, plannedIds);
      const orgs = await commissioners(connection);
      const years = [...new Set(strata.map((s) => s.fyear))].sort((a, b) => a - b);
      const populations = new Map<number, { year: number | null; rows: PopulationStratum[] }>();
      for (const y of [...years, ...new Set(quarters.map((q) => Number(q.quarter.slice(0, 4))))])
        if (!populations.has(y)) populations.set(y, await populationOf(connection, y));
      let ethnicPopulation: Built["ethnicPopulation"] = null;
      const file = state.options.ethnicPopulation;
      if (file) {
        const staged = await stageEthnicPopulation(connection, file);
        ethnicPopulation = {
          strata: await ethnicPopulationStrata(connection),
          loaded: { file, rows: staged.rows, accepted: staged.accepted, quarantined: staged.problems.length },
          problems: staged.problems,
        };
      }
      let ethnicAgeSex: Built["ethnicAgeSex"] = null;
      if (ageSexFile) {
        const staged = await stageEthnicAgeSexPopulation(connection, ageSexFile);
        ethnicAgeSex = {
          population: await ethnicAgeSexStrata(connection, staged.bands),
          loaded: {
            file: ageSexFile,
            rows: staged.rows,
            accepted: staged.accepted,
            quarantined: staged.problems.length,
            age_bands: staged.bands,
          },
          problems: staged.problems,
        };
      }
      state.aggregated = {
        strata,
        ethnic,
        quarters,
        orgs,
        years,
        populations,
        ethnicPopulation,
        ethnicAgeSex,
      };
      return `${groups.length} groups, ${years.length} years`;
    },
  },
  waitingListStage,
  {
    name: "inputs",
    inputs: ["connection"],
    outputs: ["inputs"],
    shown: false,
    async run(state) {
      state.inputs = await allOn<{ file: string; file_hash: string; rows: number }>(
        state.connection,
        "SELECT file, file_hash, rows_accepted AS rows FROM loads WHERE kind = 'apc' ORDER BY loaded_at, file",
      );
      return undefined;
    },
  },
  {
    name: "planned care: figures",
    inputs: ["aggregated", "waitsBuilt", "inputs", "groups"],
    outputs: ["figures"],
    run(state) {
      const { groups } = state;
      const built = builtOf(state);
      const units = new Map<string, { strata: Built["strata"]; ethnic: Built["ethnic"] }>();
      for (const s of built.strata) {
        const k = `${s.group_id}|${s.fyear}|${s.level}|${s.org_code}`;
        const u = units.get(k) ?? { strata: [], ethnic: [] };
        u.strata.push(s);
        units.set(k, u);
      }
      for (const e of built.ethnic)
        units.get(`${e.group_id}|${e.fyear}|${e.level}|${e.org_code}`)?.ethnic.push(e);
      const popByYear = (year: number, level: string, org: string) =>
        (built.populations.get(year)?.rows ?? []).filter((p) => p.level === level && p.org_code === org);
      const ethnicPopulationOf = new Map<string, EthnicPopulationStratum[]>();
      for (const p of built.ethnicPopulation?.strata ?? []) {
        const k = `${p.level}|${p.org_code}`;
        ethnicPopulationOf.set(k, [...(ethnicPopulationOf.get(k) ?? []), p]);
      }
      const ageSexOf = new Map<string, EthnicAgeSexPopulation>();
      for (const p of built.ethnicAgeSex?.population.strata ?? []) {
        const k = `${p.level}|${p.org_code}`;
        const found = ageSexOf.get(k) ?? { bands: built.ethnicAgeSex?.population.bands ?? [], strata: [] };
        found.strata.push(p);
        ageSexOf.set(k, found);
      }
      const kindOf = new Map(groups.map((g) => [g.group_id, g.kind]));
      const allCells: EquityCell[] = [];
      const inequality: InequalityRow[] = [];
      const figuresOf = new Map<string, InequalityFigures>();
      for (const [k, u] of [...units.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        const [group_id, fyearText, level, org_code] = k.split("|") as [string, string, string, string];
        const fyear = Number(fyearText);
        const cells = equityCells({
          group_id,
          fyear,
          level,
          org_code,
          strata: u.strata,
          ethnic: u.ethnic,
          population: popByYear(fyear, level, org_code),
          ethnicPopulation: ethnicPopulationOf.get(`${level}|${org_code}`) ?? null,
          ethnicAgeSex: ageSexOf.get(`${level}|${org_code}`) ?? null,
        });
        allCells.push(...cells);
        figuresOf.set(k, inequalityOf(cells));
      }
      for (const [k, f] of figuresOf) {
        const [group_id, fyearText, level, org_code] = k.split("|") as [string, string, string, string];
        const fyear = Number(fyearText);
        const base = figuresOf.get(`${group_id}|${baseFinancialYear}|${level}|${org_code}`);
        const change =
          base && fyear !== baseFinancialYear
            ? gapChange(f, base)
            : { change: null, lower: null, upper: null };
        inequality.push({
          group_id,
          kind: kindOf.get(group_id) ?? "planned",
          fyear,
          level,
          org_code,
          ...f,
          gap_change: change.change,
          gap_change_lower: change.lower,
          gap_change_upper: change.upper,
        });
      }
      state.figures = { allCells, inequality, kindOf };
      return `${allCells.length.toLocaleString("en-GB")} cells`;
    },
  },
  {
    name: "planned care: disclosure",
    inputs: ["figures", "threshold"],
    outputs: ["disclosed"],
    async run(state) {
      const { threshold } = state;
      const built = builtOf(state);
      const { allCells, inequality, kindOf } = state.figures as NonNullable<PlannedCareState["figures"]>;
      const parentOf = new Map<string, string>();
      for (const o of built.orgs) {
        if (o.level === "region") parentOf.set(`region|${o.org_code}`, "england|ENG");
        if (o.level === "icb" && o.parent_code) parentOf.set(`icb|${o.org_code}`, `region|${o.parent_code}`);
        if (o.level === "sub_icb" && o.parent_code)
          parentOf.set(`sub_icb|${o.org_code}`, `icb|${o.parent_code}`);
      }
      const plannedCells = allCells.filter((c) => kindOf.get(c.group_id) === "planned");
      const protectedCells = await protectEquity(plannedCells, parentOf, threshold);
      // Counts never leave as totals, so the cells of the waits are protected the same way as activity.
      const waitCells: EquityCell[] = built.waits.map((w) => ({
        group_id: `wait:${w.group_id}`,
        fyear: w.fyear,
        level: w.level,
        org_code: w.org_code,
        dimension: w.dimension,
        group_code: w.group_code,
        group_label: w.group_code,
        group_order: 0,
        spells: w.pathways,
        population: null,
        rate_kind: "none",
        rate: null,
        lower: null,
        upper: null,
      }));
      const protectedWaits =
        built.waits.length > 0 ? await protectEquity(waitCells, parentOf, threshold) : null;
      const publicWaits: PublicWaitRow[] = built.waits.map((w, i) => {
        const hidden = protectedWaits?.cells[i]?.suppressed ?? true;
        return hidden
          ? {
              ...w,
              pathways: null,
              median_weeks: null,
              p92_weeks: null,
              over_18_share: null,
              suppressed: true,
            }
          : {
              ...w,
              median_weeks: round(w.median_weeks, 1),
              p92_weeks: round(w.p92_weeks, 1),
              over_18_share: round(w.over_18_share),
              suppressed: false,
            };
      });
      // An index is public only when every decile and quintile count behind it is published and above the threshold.
      const hiddenUnits = new Set(
        protectedCells.cells
          .filter(
            (c) =>
              (c.dimension === "imd_decile" || c.dimension === "imd_quintile") &&
              c.group_code !== "unknown" &&
              c.suppressed,
          )
          .map((c) => `${c.group_id}|${c.fyear}|${c.level}|${c.org_code}`),
      );
      for (const c of allCells)
        if (
          (c.dimension === "imd_decile" || c.dimension === "imd_quintile") &&
          c.group_code !== "unknown" &&
          c.spells <= threshold
        )
          hiddenUnits.add(`${c.group_id}|${c.fyear}|${c.level}|${c.org_code}`);
      const blank = (r: InequalityRow): InequalityRow => ({
        ...r,
        ...Object.fromEntries(
          Object.keys(r)
            .filter((k) => !["group_id", "kind", "fyear", "level", "org_code"].includes(k))
            .map((k) => [k, null]),
        ),
      });
      const publicInequality = inequality.map((r) => {
        const unit = `${r.group_id}|${r.fyear}|${r.level}|${r.org_code}`;
        if (hiddenUnits.has(unit)) return blank(r);
        if (hiddenUnits.has(`${r.group_id}|${baseFinancialYear}|${r.level}|${r.org_code}`))
          return { ...r, gap_change: null, gap_change_lower: null, gap_change_upper: null };
        return r;
      });
      state.disclosed = { plannedCells, protectedCells, protectedWaits, publicWaits, publicInequality };
      return `${protectedCells.protection.primary} small counts hidden, ${protectedCells.protection.secondary} more to protect them`;
    },
  },
  {
    name: "write",
    inputs: ["disclosed", "sets", "options"],
    outputs: ["written"],
    shown: false,
    run(state, effects) {
      const { sets, groups, options } = state;
      const built = builtOf(state);
      const { inequality } = state.figures as NonNullable<PlannedCareState["figures"]>;
      const { plannedCells, protectedCells, protectedWaits, publicWaits, publicInequality } =
        state.disclosed as NonNullable<PlannedCareState["disclosed"]>;
      const series = gapSeries(built.quarters, (year) => built.populations.get(year)?.rows ?? []);
      const builtAt = effects.clock.now().toISOString();
      const buildId = `${builtAt.replace(/[-:]/g, "").replace("T", "-").slice(0, 15)}-${createHash("sha256")
        .update(sets.map((s) => s.sha256).join())
        .digest("hex")
        .slice(0, 6)}`;
      const manifest: PlannedCareManifest = {
        product: "planned-care",
        build_id: buildId,
        built_at: builtAt,
        synthetic:
          options.synthetic ??
          (options.demoDir !== undefined &&
            built.inputs.length > 0 &&
            built.inputs.every((f) => f.file.startsWith(options.demoDir as string))),
        group_sets: sets,
        inputs: built.inputs,
        waiting_list: built.waitingList,
        ethnic_population: built.ethnicPopulation?.loaded ?? null,
        ethnic_age_sex_population: built.ethnicAgeSex?.loaded ?? null,
        population_years: Object.fromEntries([...built.populations].map(([y, p]) => [String(y), p.year])),
        years: built.years,
        base_year: baseFinancialYear,
        method: `Spells of planned admissions (admission method 11–13, patient classification 1–2) by procedure group; age-sex DSR per 100,000 a year (ESP 2013, Dobson limits); SII and RII over IMD deciles (PHE method, 1,000 simulations); gap = DSR of IMD quintile 5 − quintile 1 with ±1.96 √(se² + se²); age and sex crude per 100,000 a year (Poisson limits); ethnic group ${built.ethnicAgeSex ? "age-sex standardised (ESP 2013 summed into the population's age bands, Dobson limits) over the population by ethnic group, sex and age where it covers the commissioner, else crude" : "crude (Poisson limits) over the Census 2021 population of all ages, not standardised"}; change since 2019/20 likewise; tracker: segmented regression of the ICB's quarterly gap minus comparable ICBs' (Student's t interval).`,
        disclosure: {
          ...protectedCells.protection,
          policy: ebiDashboardPolicy.name,
          statement: policyStatement(ebiDashboardPolicy),
          waits: protectedWaits?.protection ?? null,
        },
      };
      const publicSide: PlannedCarePublic = {
        manifest,
        groups: groups.map(({ episodeSql: _sql, ...g }) => g),
        organisations: built.orgs,
        cells: protectedCells.cells.map(roundCell),
        inequality: publicInequality.map(roundInequality),
        waits: publicWaits,
      };
      const registeredSide: PlannedCareRegistered = {
        manifest,
        cells: plannedCells.map(roundCell),
        inequality: inequality.map(roundInequality),
        waits: built.waits,
        series: series.map((p) => ({
          ...p,
          gap: round(p.gap),
          most_deprived_rate: round(p.most_deprived_rate),
          least_deprived_rate: round(p.least_deprived_rate),
        })),
        waitingListProblems: built.problems,
        ethnicPopulationProblems: built.ethnicPopulation?.problems ?? [],
        ethnicAgeSexPopulationProblems: built.ethnicAgeSex?.problems ?? [],
      };
      const tmp = join(dirname(options.outDir), `.tmp-planned-care-${process.pid}`);
      rmSync(tmp, { recursive: true, force: true });
      try {
        mkdirSync(join(tmp, "public"), { recursive: true });
        mkdirSync(join(tmp, "registered"), { recursive: true });
        writeFileSync(join(tmp, "public", "planned-care.json"), JSON.stringify(publicSide));
        writeFileSync(join(tmp, "registered", "planned-care.json"), JSON.stringify(registeredSide));
        writeFileSync(join(tmp, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
        const old = `${options.outDir}.old-${process.pid}`;
        if (existsSync(options.outDir)) renameSync(options.outDir, old);
        renameSync(tmp, options.outDir);
        rmSync(old, { recursive: true, force: true });
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
      state.written = { manifest, dir: options.outDir };
      return undefined;
    },
  },
];

/** The stages to run: every one, less the waiting list's when there is none. */
export function plannedCareStagesFor(withWaitingList: boolean): readonly Stage<PlannedCareState>[] {
  return withWaitingList ? plannedCareStages : plannedCareStages.filter((s) => s !== waitingListStage);
}

/**
 * `ebi planned-care build`: every procedure group (shipped, local and the EBI interventions
 * beside them) counted in the loaded admitted care, equity figures by commissioner and financial
 * year, inequality indices and their change since 2019/20, waits from a waiting-list extract, and
 * the quarterly gap series of the strategies tracker. The public side goes through primary and
 * secondary suppression and an LP attacker; both sides are written to a temporary folder moved
 * into place at the end, so a failed build leaves the previous output serving.
 */
export async function buildPlannedCare(
  store: Database,
  options: PlannedCareBuildOptions,
  effects: Effects,
): Promise<{ manifest: PlannedCareManifest; dir: string }> {
  const { sets, groups } = await loadGroups(options.groupFiles ?? [], { beside: options.beside });
  const threshold = ebiDashboardPolicy.threshold;
  return store.withConnection(async (connection) => {
    const [loaded] = await allOn<{ n: number }>(connection, "SELECT count(*) AS n FROM apc_episodes");
    if (!loaded?.n)
      throw new EbiError(
        "EBI_NOT_FOUND",
        "No admitted care is loaded: run `ebi ingest apc FILE` (or `ebi start`) first.",
      );
    const state: PlannedCareState = {
      connection,
      options,
      sets,
      groups,
      threshold,
      ...(options.waitingList ? {} : { waitsBuilt: { waits: [], waitingList: null, problems: [] } }),
    };
    await runStages(
      plannedCareStagesFor(options.waitingList !== undefined && options.waitingList !== ""),
      state,
      effects,
    );
    return state.written as NonNullable<PlannedCareState["written"]>;
  });
}

function roundInequality(r: InequalityRow): InequalityRow {
  const out = { ...r } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) if (typeof v === "number" && k !== "fyear") out[k] = round(v, 4);
  return out as unknown as InequalityRow;
}

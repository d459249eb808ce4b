/**
 * EBI's release tables: what `ebi build` writes beside the organisations (`release/tables.ts` holds
 * the contract every release keeps). Rates are per 100,000 population; DSRs are age-sex
 * standardised to the European Standard Population 2013.
 */

import {
  type ColumnType,
  column,
  declareTable,
  parquetColumns,
  type RowOf,
  type TableDeclaration,
} from "../../../release/declareTable.ts";
import {
  type OrgLevel,
  organisationsTable,
  type ReleaseTableSet,
  type Suppression,
} from "../../../release/tables.ts";

export {
  type OrganisationRow,
  type OrgLevel,
  organisationsTable,
  type ReleaseManifest,
  type Suppression,
} from "../../../release/tables.ts";

/** interventions.json: every intervention of every rule set in the build, measurable or not. */
export interface InterventionRow {
  intervention_id: string; // "<ruleSetId>/<slug>", stable across versions
  rule_set_id: string;
  rule_set_version: string;
  official_id: string | null; // e.g. "A", "2L"; never invented
  slug: string;
  name: string;
  list: string; // "List 1" | "List 2" | local
  category: number | null; // 1 | 2
  setting: string[]; // ["apc"] | ["apc","op"]
  confidence: "published" | "derived" | "provisional" | "not-measurable" | "no-source";
  measurable: boolean;
  /** Where it can be counted: hes (admitted/outpatient data), dataset (only with `dataset`), none, unknown. */
  measurability: "hes" | "dataset" | "none" | "unknown";
  dataset: string | null; // "DID" | "pathology" | "transfusion" when measurability is dataset
  source_url: string | null; // the programme page the rule was read from; null = none found
  description: string; // the rule in words
  provenance: string;
}

/** The columns naming one organisation's series of one intervention. */
const seriesKey = ["intervention_id", "level", "org_code"] as const;

/** monthly.parquet: spells per month for every intervention × organisation (zero-filled). */
export const monthlyTable = declareTable({
  name: "monthly",
  description: "spells per month for every intervention and organisation, zero-filled",
  columns: {
    intervention_id: column.text(),
    level: column.text<OrgLevel>(),
    org_code: column.text(),
    month: column.text(),
    spells: column.count(),
    suppressed: column.optionalText<NonNullable<Suppression>>(),
  },
  key: [...seriesKey, "month"],
  unit: "intervention_id",
  counts: [
    {
      column: "spells",
      tag: "m",
      key: ["level", "org_code", "month"],
      relations: [{ kind: "hierarchy" }, { kind: "providers", over: "month" }],
    },
  ],
  derivedFrom: {},
  order: [...seriesKey, "month"],
});

/**
 * quarterly.parquet: spells per financial-year quarter (April–June first) for every intervention ×
 * commissioner, complete quarters only. Protected with its months, so a quarter can be published
 * where a month inside it is hidden, and charts fall back to it.
 */
export const quarterlyTable = declareTable({
  name: "quarterly",
  description: "spells per financial-year quarter for every intervention and commissioner",
  columns: {
    intervention_id: column.text(),
    level: column.text<OrgLevel>(), // england | region | icb | sub_icb
    org_code: column.text(),
    quarter_start: column.text(), // first month of the quarter
    quarter_end: column.text(), // last month of the quarter
    spells: column.count(),
    suppressed: column.optionalText<NonNullable<Suppression>>(),
  },
  key: [...seriesKey, "quarter_start"],
  unit: "intervention_id",
  counts: [
    {
      column: "spells",
      tag: "q",
      key: ["level", "org_code", "quarter_start"],
      relations: [
        { kind: "hierarchy" },
        { kind: "period", start: "quarter_start", end: "quarter_end", months: "monthly" },
      ],
    },
  ],
  derivedFrom: {},
  order: [...seriesKey, "quarter_start"],
});

/** baselines.parquet: baseline, goal, latest 12 months and money per intervention × commissioner level. */
export const baselinesTable = declareTable({
  name: "baselines",
  description: "baseline, goal, latest 12 months and money per intervention and commissioner",
  columns: {
    intervention_id: column.text(),
    level: column.text<OrgLevel>(), // england | region | icb | sub_icb
    org_code: column.text(),
    baseline_start: column.text(),
    baseline_end: column.text(),
    baseline_spells: column.count(),
    population: column.real(),
    crude_rate: column.real(),
    dsr: column.real(),
    dsr_lower: column.real(), // 95%
    dsr_upper: column.real(),
    goal_rate: column.real(), // the percentile DSR the commissioner is expected to come down to
    goal_spells: column.real(),
    opportunity_spells: column.real(), // baseline − goal (≥ 0)
    latest_start: column.text(),
    latest_end: column.text(),
    latest_spells: column.count(), // the latest 12 months
    latest_dsr: column.real(),
    progress: column.real(), // (baseline − latest) ÷ opportunity, bounded to 0–1; 1 = goal reached; null when under half a spell is asked
    unit_cost: column.real(), // £ per spell
    baseline_cost: column.real(),
    opportunity_cost: column.real(),
    suppressed: column.optionalText<NonNullable<Suppression>>(),
  },
  key: seriesKey,
  unit: "intervention_id",
  counts: [
    {
      column: "baseline_spells",
      tag: "b",
      key: ["level", "org_code"],
      relations: [
        { kind: "hierarchy" },
        { kind: "period", start: "baseline_start", end: "baseline_end", months: "monthly" },
      ],
    },
    {
      column: "latest_spells",
      tag: "l",
      key: ["level", "org_code"],
      relations: [
        { kind: "hierarchy" },
        { kind: "period", start: "latest_start", end: "latest_end", months: "monthly" },
      ],
    },
  ],
  derivedFrom: {
    dsr: ["baseline_spells"],
    crude_rate: ["baseline_spells"],
    goal_spells: ["baseline_spells"],
    opportunity_spells: ["baseline_spells"],
    baseline_cost: ["baseline_spells"],
    latest_dsr: ["latest_spells"],
    progress: ["latest_spells"],
  },
  order: seriesKey,
});

/** trajectory.parquet: the goal spread over months with the baseline's seasonal profile. */
export const trajectoryTable = declareTable({
  name: "trajectory",
  description: "the goal spread over the months of the goal year with the baseline's seasonal profile",
  columns: {
    intervention_id: column.text(),
    level: column.text<OrgLevel>(),
    org_code: column.text(),
    month: column.text(), // a month of the goal year
    goal_spells: column.real(),
    suppressed: column.optionalText<NonNullable<Suppression>>(),
  },
  key: [...seriesKey, "month"],
  unit: "intervention_id",
  counts: [],
  derivedFrom: {},
  order: [...seriesKey, "month"],
});

/** variation.parquet: spread of sub-ICB baseline DSRs per intervention. */
export const variationTable = declareTable({
  name: "variation",
  description: "the spread of sub-ICB baseline rates per intervention",
  columns: {
    intervention_id: column.text(),
    level: column.text<OrgLevel>(), // the level whose units are compared (sub_icb)
    units: column.integer(),
    p10: column.real(),
    p25: column.real(),
    p50: column.real(),
    p75: column.real(),
    p90: column.real(),
    n_fold: column.real(), // p90 ÷ p10
    percentile_definition: column.text(),
  },
  key: ["intervention_id", "level"],
  unit: "intervention_id",
  counts: [],
  derivedFrom: {},
  order: ["intervention_id", "level"],
});

/** equity.parquet: rates by group for an intervention × organisation × period. */
export const equityTable = declareTable({
  name: "equity",
  description: "rates by population group for an intervention, organisation and period",
  columns: {
    intervention_id: column.text(),
    level: column.text<OrgLevel>(),
    org_code: column.text(),
    period: column.text<"baseline" | "latest">(),
    dimension: column.text<"imd_decile" | "imd_quintile" | "ethnic_group" | "age_band" | "sex">(),
    group_code: column.text(),
    group_label: column.text(),
    group_order: column.integer(),
    spells: column.count(),
    population: column.real(),
    crude_rate: column.real(),
    dsr: column.real(), // age-sex standardised where the dimension allows (not for age_band/sex → crude)
    lower: column.real(),
    upper: column.real(),
    suppressed: column.optionalText<NonNullable<Suppression>>(),
  },
  key: [...seriesKey, "period", "dimension", "group_code"],
  unit: "intervention_id",
  counts: [
    {
      column: "spells",
      tag: "e",
      key: ["period", "dimension", "group_code", "level", "org_code"],
      relations: [
        { kind: "hierarchy" },
        {
          kind: "breakdown",
          total: { baseline: "b", latest: "l" },
          by: ["period", "dimension", "level", "org_code"],
        },
        { kind: "halves", column: "dimension", whole: "imd_quintile", parts: "imd_decile" },
      ],
    },
  ],
  derivedFrom: { crude_rate: ["spells"], dsr: ["spells"], lower: ["spells"], upper: ["spells"] },
  order: [...seriesKey, "period", "dimension", "group_order", "group_code"],
});

export type MonthlyRow = RowOf<typeof monthlyTable.columns>;
export type QuarterlyRow = RowOf<typeof quarterlyTable.columns>;
export type BaselineRow = RowOf<typeof baselinesTable.columns>;
export type TrajectoryRow = RowOf<typeof trajectoryTable.columns>;
export type VariationRow = RowOf<typeof variationTable.columns>;
export type EquityRow = RowOf<typeof equityTable.columns>;

/** Every table of a release side, in the order they are written and protected. */
export const releaseTableDeclarations = [
  organisationsTable,
  monthlyTable,
  baselinesTable,
  trajectoryTable,
  variationTable,
  equityTable,
  quarterlyTable,
] as const;

type Declared = (typeof releaseTableDeclarations)[number];
export type ReleaseTable = Declared["name"];

/** The tables of one side of a release as rows, one entry per declared table. */
export type ReleaseTables = {
  [D in Declared as D["name"]]: RowOf<D["columns"]>[];
};

/**
 * Tables added after releases were first published: a release whose manifest does not record one
 * was written before it, and is read without it (a recorded one must be there like any other).
 */
export const laterTables: readonly ReleaseTable[] = ["quarterly"];

/** The JSON files a release holds beside its tables (each must be there and parse). */
export const releaseJsonFiles: readonly string[] = ["interventions.json"];

/** The names of the declared tables. */
export const releaseTables: readonly ReleaseTable[] = releaseTableDeclarations.map((t) => t.name);

/** A declared table by name. */
export function tableDeclaration(name: ReleaseTable): TableDeclaration {
  return releaseTableDeclarations.find((t) => t.name === name) as unknown as TableDeclaration;
}

/** The Parquet (DuckDB) column types of a declared table. */
export function tableColumns(name: ReleaseTable): Record<string, ColumnType> {
  return parquetColumns(tableDeclaration(name));
}

/** The column names of a declared table, in order. */
export function columnNames(name: ReleaseTable): string[] {
  return Object.keys(tableDeclaration(name).columns);
}

/** EBI's table set: what its build writes and its release check requires. */
export const ebiReleaseTables: ReleaseTableSet = {
  declarations: releaseTableDeclarations as unknown as readonly TableDeclaration[],
  later: laterTables,
  jsonFiles: releaseJsonFiles,
};

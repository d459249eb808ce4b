import { mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteLiteral, runOn } from "../../db/index.ts";
import type { Stage } from "../../pipeline/runStages.ts";
import { annualMeasures, orgLevels } from "./annualMeasures.ts";
import { breakdowns } from "./breakdowns.ts";
import { type ImdSource, prepareImd } from "./deprivation.ts";
import { withInsertionOrder } from "./insertionOrder.ts";
import { longFormatSql } from "./longFormatSql.ts";
import { buildPathways, buildPeriod } from "./pathwayFlags.ts";
import {
  appointmentTypeBreakdown,
  buildReview,
  contactReviewMeasures,
  groupBreakdown,
  modeBreakdown,
  pathwayReviewMeasures,
  qualificationBreakdown,
  qualificationMeasures,
  stepBreakdown,
} from "./reviewMeasures.ts";
import { quarantineTable, type StagedTable, stageTables } from "./stageTables.ts";
import type { ThresholdSet } from "./thresholds.ts";

/** What the measures build reads and writes, stage by stage: settings, engine tables and output files. */
export interface MeasureState {
  connection: DuckDBConnection;
  /** Folder of IAPT tables, or absent to measure the tables already on the connection. */
  input?: string;
  /** First and last day of the period, YYYY-MM-DD. */
  from: string;
  to: string;
  thresholds: ThresholdSet;
  /** IMD File 7 CSV, if given. */
  imdFile?: string;
  /** The output files: measures, breakdowns, review measures and quarantine. */
  paths: { measures: string; breakdowns: string; review: string; quarantine: string };
  tables?: StagedTable[];
  imd?: ImdSource;
  /** The engine tables each stage leaves (their names). */
  pathways?: string;
  period?: string;
  review?: string;
  /** The files each writing stage leaves (their paths). */
  measures?: string;
  breakdowns?: string;
  reviewMeasures?: string;
  quarantine?: string;
  counts?: { quarantinedRows: number; pathways: number };
}

const annualColumns = "org_type, org_code, measure_name, measure_statistic, value, measure_id";
const longColumns =
  "org_type, org_code, variable_type, variable_a, measure_name, measure_statistic, value, measure_id";

/** Writes the result of `sql` to `path` as CSV, through a partial file renamed into place. */
async function copyCsv(connection: DuckDBConnection, sql: string, path: string, step: string): Promise<void> {
  const partial = `${path}.partial`;
  mkdirSync(dirname(path), { recursive: true });
  try {
    // The rows are sorted, and the file must keep that order.
    await withInsertionOrder(connection, true, () =>
      runOn(connection, `COPY (${sql}) TO ${quoteLiteral(partial)} (HEADER, DELIMITER ',')`, undefined, step),
    );
    renameSync(partial, path);
  } finally {
    rmSync(partial, { force: true });
  }
}

/** Reads a folder's IAPT tables into the engine, each row checked (the step runs only for a folder). */
const readTables: Stage<MeasureState> = {
  name: "read IAPT tables",
  inputs: ["connection", "input"],
  outputs: ["tables"],
  async run(state) {
    state.tables = await stageTables(state.connection, state.input as string);
    return state.tables.map((t) => `${t.table} ${t.accepted}/${t.rows}`).join(", ");
  },
};

/**
 * The measures build of NHS Talking Therapies, in order: each stage one SQL step over the staged
 * tables or one file written. `measureStagesFor` leaves out the reading when measuring the store.
 */
export const measureStages: readonly Stage<MeasureState>[] = [
  readTables,
  {
    name: "deprivation",
    inputs: ["connection"],
    outputs: ["imd"],
    shown: false,
    async run(state) {
      state.imd = await prepareImd(state.connection, state.imdFile);
      return undefined;
    },
  },
  {
    name: "derive flags",
    inputs: ["connection", "thresholds", "imd"],
    outputs: ["pathways"],
    async run(state) {
      await buildPathways(state.connection, state.thresholds);
      state.pathways = "tt_pathway";
      return undefined;
    },
  },
  {
    name: "period",
    inputs: ["connection", "pathways", "from", "to"],
    outputs: ["period"],
    shown: false,
    async run(state) {
      await buildPeriod(state.connection, state.from, state.to);
      state.period = "tt_period";
      return undefined;
    },
  },
  {
    name: "write measures",
    inputs: ["connection", "period", "paths"],
    outputs: ["measures"],
    async run(state) {
      const levels = orgLevels(state.to);
      await copyCsv(
        state.connection,
        `SELECT ${annualColumns} FROM (${longFormatSql("tt_period", annualMeasures, levels)})`,
        state.paths.measures,
        "write annual measures",
      );
      state.measures = state.paths.measures;
      return undefined;
    },
  },
  {
    name: "write breakdowns",
    inputs: ["connection", "period", "paths"],
    outputs: ["breakdowns"],
    shown: false,
    async run(state) {
      const levels = orgLevels(state.to);
      await copyCsv(
        state.connection,
        `SELECT ${longColumns} FROM (${longFormatSql("tt_period", annualMeasures, levels, breakdowns)})`,
        state.paths.breakdowns,
        "write breakdowns",
      );
      state.breakdowns = state.paths.breakdowns;
      return undefined;
    },
  },
  {
    name: "review",
    inputs: ["connection", "period"],
    outputs: ["review"],
    shown: false,
    async run(state) {
      await buildReview(state.connection);
      state.review = "tt_review";
      return undefined;
    },
  },
  {
    name: "write review measures",
    inputs: ["connection", "review", "paths"],
    outputs: ["reviewMeasures"],
    shown: false,
    async run(state) {
      const levels = orgLevels(state.to);
      const total = { variableType: "Total", value: "'Total'" };
      const review = [
        longFormatSql("tt_review", pathwayReviewMeasures, levels, [total, stepBreakdown]),
        longFormatSql(
          "tt_review_contacts",
          contactReviewMeasures,
          levels,
          [total, appointmentTypeBreakdown, modeBreakdown, groupBreakdown],
          "in_period",
        ),
        longFormatSql(
          "tt_review_contact_quals",
          qualificationMeasures,
          levels,
          [qualificationBreakdown],
          "in_period",
        ),
      ];
      await copyCsv(
        state.connection,
        review.map((sql) => `SELECT ${longColumns} FROM (${sql})`).join(" UNION ALL "),
        state.paths.review,
        "write review measures",
      );
      state.reviewMeasures = state.paths.review;
      return undefined;
    },
  },
  {
    name: "write quarantine",
    inputs: ["connection", "pathways", "paths"],
    outputs: ["quarantine", "counts"],
    shown: false,
    async run(state) {
      await copyCsv(
        state.connection,
        `SELECT table_name AS "table", file, source_row AS "row", field, value, reason FROM ${quarantineTable} ORDER BY table_name, source_row, field, reason, value`,
        state.paths.quarantine,
        "write quarantine",
      );
      const [counts] = await allOn<{ q: number; p: number }>(
        state.connection,
        `SELECT (SELECT count(DISTINCT (table_name, source_row)) FROM ${quarantineTable}) AS q, (SELECT count(*) FROM tt_pathway) AS p`,
      );
      state.quarantine = state.paths.quarantine;
      state.counts = { quarantinedRows: counts?.q ?? 0, pathways: counts?.p ?? 0 };
      return undefined;
    },
  },
];

/** The stages to run: every one, less the reading of a folder when the tables are already loaded. */
export function measureStagesFor(readsFolder: boolean): readonly Stage<MeasureState>[] {
  return readsFolder ? measureStages : measureStages.filter((s) => s !== readTables);
}

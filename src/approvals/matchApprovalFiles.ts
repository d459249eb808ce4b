import type { DuckDBConnection } from "@duckdb/node-api";
import type { ActivityKind } from "../activity/index.ts";
import { allOn, quoteLiteral, runOn } from "../db/index.ts";
import type { ResolvedRuleSet } from "../rules/index.ts";
import type { ApprovalMapping } from "./approvalMapping.ts";
import { matchApprovalsSql, matchColumns } from "./matchSql.ts";
import { stageRestrictedSpells } from "./restrictedSpells.ts";
import {
  approvalColumns,
  quarantineRowsSql,
  type StagedApprovals,
  stageApprovals,
} from "./stageApprovals.ts";

export interface MatchSummary {
  episodes: number;
  episodesQuarantined: number;
  spells: number;
  approvals: StagedApprovals;
  /** Rows by status, `unused` included. */
  statuses: Record<string, number>;
}

/**
 * Classifies an activity file as `ebi classify` does, reads an approvals file, and leaves
 * `approval_matches` (see `matchApprovalsSql`) and `approvals_staged` on the connection.
 */
export async function matchApprovalFiles(
  connection: DuckDBConnection,
  options: {
    kind: ActivityKind;
    activity: string;
    approvals: string;
    ruleSets: readonly ResolvedRuleSet[];
    mapping?: ApprovalMapping;
  },
): Promise<MatchSummary> {
  const spells = await stageRestrictedSpells(connection, {
    kind: options.kind,
    file: options.activity,
    ruleSets: options.ruleSets,
  });
  const approvals = await stageApprovals(connection, {
    file: options.approvals,
    table: "approvals_staged",
    ruleSets: options.ruleSets,
    mapping: options.mapping,
  });
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE approvals_usable AS SELECT ${approvalColumns.join(", ")} FROM approvals_staged WHERE NOT quarantined`,
  );
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE approval_matches AS ${matchApprovalsSql({
      spells: "restricted_spells",
      approvals: "approvals_usable",
      keys: "approval_intervention_keys",
    })}`,
    undefined,
    "match spells to approvals",
  );
  const rows = await allOn<{ status: string; n: number }>(
    connection,
    "SELECT status, count(*) AS n FROM approval_matches GROUP BY status ORDER BY status",
  );
  return {
    episodes: spells.episodes,
    episodesQuarantined: spells.quarantined,
    spells: spells.spells,
    approvals,
    statuses: Object.fromEntries(rows.map((r) => [r.status, r.n])),
  };
}

/** Writes `approval_matches` as the match CSV: exactly `matchColumns`, dates as YYYY-MM-DD. */
export async function writeMatchesCsv(connection: DuckDBConnection, file: string): Promise<void> {
  await runOn(
    connection,
    `COPY (SELECT ${matchColumns.map((c) => (c === "admission_date" ? `strftime(${c}, '%Y-%m-%d') AS ${c}` : c)).join(", ")}
           FROM approval_matches) TO ${quoteLiteral(file)} (HEADER, DELIMITER ',')`,
    undefined,
    `write ${file}`,
  );
}

/** Writes the quarantined approval rows (file, row, field, value, reason) as CSV. */
export async function writeApprovalQuarantineCsv(
  connection: DuckDBConnection,
  options: { staged: string; sourceFile: string; file: string },
): Promise<void> {
  await runOn(
    connection,
    `COPY (SELECT ${quoteLiteral(options.sourceFile)} AS file, * FROM (${quarantineRowsSql(options.staged)})) TO ${quoteLiteral(options.file)} (HEADER)`,
    undefined,
    `write ${options.file}`,
  );
}

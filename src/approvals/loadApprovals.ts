import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { basename } from "node:path";
import type { Database } from "../db/index.ts";
import { allOn, runOn } from "../db/index.ts";
import type { Effects } from "../effects/index.ts";
import { InputError } from "../errors/index.ts";
import type { ResolvedRuleSet } from "../rules/index.ts";
import { fileSha256 } from "../store/index.ts";
import type { ApprovalMapping } from "./approvalMapping.ts";
import { ensureApprovalsSchema } from "./approvalsSchema.ts";
import { approvalColumns, stageApprovals } from "./stageApprovals.ts";

export interface ApprovalLoadSummary {
  load_id: string;
  file: string;
  /** True when this exact file was loaded before: nothing changed. */
  skipped: boolean;
  rows_read: number;
  rows_accepted: number;
  rows_quarantined: number;
  /** Stored approvals this load replaced (same reference, loaded earlier). */
  rows_replaced: number;
}

/**
 * Loads an approvals file into the store in one transaction: accepted rows to `approvals` (a
 * reference already stored is replaced), bad rows to `approval_quarantine` with their reasons, the
 * load to `approval_loads`. The same file again changes nothing; a failure leaves the store as it was.
 */
export async function loadApprovals(
  db: Database,
  options: {
    file: string;
    ruleSets: readonly ResolvedRuleSet[];
    mapping?: ApprovalMapping;
    /** Test hook: called inside the transaction after rows are written, before commit. */
    beforeCommit?: () => Promise<void> | void;
  },
  effects: Effects,
): Promise<ApprovalLoadSummary> {
  const { file } = options;
  await ensureApprovalsSchema(db);
  effects.progress.start(`approvals ${basename(file)}: hashing`);
  const sha256 = await fileSha256(file).catch(() => "");
  const mappingText = options.mapping ? JSON.stringify(options.mapping) : "";
  const loadId = createHash("sha256").update(`approvals:${sha256}:${mappingText}`).digest("hex").slice(0, 16);
  const [previous] = await db.all<ApprovalLoadSummary>("SELECT * FROM approval_loads WHERE load_id = $id", {
    id: loadId,
  });
  effects.progress.finish();
  if (previous && sha256) return { ...previous, skipped: true, rows_replaced: 0 };
  return db.transaction(async (connection) => {
    effects.progress.start(`approvals ${basename(file)}: read and check`);
    const staged = await stageApprovals(connection, {
      file,
      table: "approvals_staged",
      ruleSets: options.ruleSets,
      mapping: options.mapping,
    });
    if (staged.rows === 0)
      throw new InputError("EBI_FILE_EMPTY", "the file has a header but no approvals", { file });
    const [replaced] = await allOn<{ n: number }>(
      connection,
      `SELECT count(*) AS n FROM approvals WHERE approval_ref IN (SELECT approval_ref FROM approvals_staged WHERE NOT quarantined)`,
    );
    await runOn(
      connection,
      "DELETE FROM approvals WHERE approval_ref IN (SELECT approval_ref FROM approvals_staged WHERE NOT quarantined)",
    );
    const columns = approvalColumns.join(", ");
    await runOn(
      connection,
      `INSERT INTO approvals (load_id, source_row, ${columns}) SELECT $load_id, source_row, ${columns} FROM approvals_staged WHERE NOT quarantined`,
      { load_id: loadId },
      "write approvals",
    );
    await runOn(
      connection,
      `INSERT INTO approval_quarantine
       SELECT $load_id, $file, source_row, p.field, p.value, p.reason
       FROM (SELECT source_row, unnest(problems) AS p FROM approvals_staged WHERE quarantined)`,
      { load_id: loadId, file },
      "write approvals quarantine",
    );
    const summary: ApprovalLoadSummary = {
      load_id: loadId,
      file,
      skipped: false,
      rows_read: staged.rows,
      rows_accepted: staged.accepted,
      rows_quarantined: staged.quarantined,
      rows_replaced: replaced?.n ?? 0,
    };
    await runOn(
      connection,
      `INSERT INTO approval_loads VALUES ($load_id, $file, $bytes, $sha256, $at::TIMESTAMP, $rules, $read, $accepted, $quarantined)`,
      {
        load_id: loadId,
        file,
        bytes: statSync(file).size,
        sha256,
        at: effects.clock.now().toISOString(),
        rules: options.ruleSets.map((s) => `${s.id}@${s.version}`).join(","),
        read: summary.rows_read,
        accepted: summary.rows_accepted,
        quarantined: summary.rows_quarantined,
      },
      "record the approvals load",
    );
    await runOn(connection, "DROP TABLE IF EXISTS approvals_staged");
    await options.beforeCommit?.();
    effects.progress.finish(
      `${summary.rows_accepted} accepted + ${summary.rows_quarantined} quarantined = ${summary.rows_read} read`,
    );
    return summary;
  }, `load approvals ${file}`);
}

import type { AuditTable } from "../approvals/auditFigures.ts";
import type { Scope } from "./principal.ts";
import { currentReads } from "./readTracker.ts";

/** The release organisations a row of the approvals audit belongs to, as scope keys. */
export function approvalRowKeys(row: Record<string, unknown>, table: string): string[] {
  const keys: string[] = [];
  const provider = (code: unknown) => {
    if (typeof code !== "string" || !code) return;
    keys.push(`provider|${code}`);
    // A site code (RX101) belongs to its trust (RX1).
    if (code.length > 3) keys.push(`provider|${code.slice(0, 3)}`);
  };
  if (typeof row.level === "string" && typeof row.organisation === "string") {
    if (row.level === "provider") provider(row.organisation);
    else keys.push(`icb|${row.organisation}`);
  } else if (table === "providers") provider(row.organisation);
  else if (table === "commissioners") keys.push(`icb|${row.organisation}`);
  provider(row.provider_code);
  if (typeof row.icb === "string" && row.icb) keys.push(`icb|${row.icb}`);
  return keys;
}

const isSmallCount = (value: unknown) => typeof value === "number" && value >= 1 && value <= 5;

/**
 * The rows of an audit table a scope may read: those of an organisation in scope; rows of no
 * organisation (national breakdowns by group) only for a national scope. Each row returned is
 * noted in the request's audit tracker, as hidden publicly when it is patient-level or holds a
 * count of 1 to 5.
 */
export function approvalRowsInScope(table: AuditTable, scope: Scope): Record<string, unknown>[] {
  const national = scope.keys.has("england|ENG");
  const tracker = currentReads.getStore();
  const out: Record<string, unknown>[] = [];
  for (const row of table.rows) {
    const keys = approvalRowKeys(row, table.name);
    const key = keys.length === 0 ? (national ? "england|ENG" : null) : keys.find((k) => scope.keys.has(k));
    if (!key) continue;
    const hidden = Boolean(table.patientLevel) || table.columns.some((c) => isSmallCount(row[c]));
    tracker?.note(key.split("|")[1] ?? key, `approvals_${table.name}`, hidden);
    out.push(row);
  }
  return out;
}

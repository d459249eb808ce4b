import { EbiError } from "../errors/index.ts";
import type { Queryable } from "../state/stateDb.ts";
import { auditCsv, auditFhirBundle, whoSaw } from "./auditExport.ts";
import { listEvents, verifyChain } from "./auditLog.ts";

export const auditFormats = ["csv", "json", "fhir"] as const;
export type AuditFormat = (typeof auditFormats)[number];

/** The month `YYYY-MM` as a half-open UTC range of ISO times. */
export function monthRange(month: string): { from: string; to: string } {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
    throw new EbiError("EBI_INVALID_ARGUMENT", `--month must be YYYY-MM, not ${JSON.stringify(month)}.`, {
      field: "month",
      value: month,
    });
  const [y, m] = month.split("-").map(Number) as [number, number];
  return {
    from: new Date(Date.UTC(y, m - 1, 1)).toISOString(),
    to: new Date(Date.UTC(y, m, 1)).toISOString(),
  };
}

/** The audit log as text in a format: CSV, JSON (the events) or FHIR (a Bundle of AuditEvent). */
export async function auditListing(
  db: Queryable,
  format: AuditFormat,
  range: { from?: string; to?: string } = {},
): Promise<string> {
  if (!auditFormats.includes(format))
    throw new EbiError(
      "EBI_INVALID_ARGUMENT",
      `--format must be one of ${auditFormats.join(", ")}, not ${JSON.stringify(format)}.`,
      {
        field: "format",
        value: format,
      },
    );
  const events = await listEvents(db, range);
  if (format === "csv") return auditCsv(events);
  if (format === "fhir") return `${JSON.stringify(auditFhirBundle(events), null, 2)}\n`;
  return `${JSON.stringify(events, null, 2)}\n`;
}

/** "Who saw our figures": one organisation (or all) in one month, as CSV. */
export async function whoSawReport(db: Queryable, month: string, org?: string): Promise<string> {
  const rows = whoSaw(await listEvents(db, monthRange(month)), org);
  const header = "month,org_code,username,actor,reads,unredacted_reads,first,last,routes";
  const esc = (v: unknown) => {
    const t = String(v ?? "");
    return /[",\n\r]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
  };
  return `${[header, ...rows.map((r) => [r.month, r.org_code, r.username, r.actor, r.reads, r.unredacted_reads, r.first, r.last, r.routes.join(" ")].map(esc).join(","))].join("\r\n")}\r\n`;
}

/** Verifies the chain; throws EBI_AUDIT_BROKEN naming the first event that does not fit. */
export async function verifyAudit(db: Queryable): Promise<string> {
  const check = await verifyChain(db);
  if (!check.intact)
    throw new EbiError(
      "EBI_AUDIT_BROKEN",
      `Audit chain broken at event ${check.seq} of ${check.events}: ${check.reason}.`,
      {
        seq: check.seq,
      },
    );
  return `Audit chain intact: ${check.events} events, last hash ${check.lastHash}.\n`;
}

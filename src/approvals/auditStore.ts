import type { Clock } from "../effects/index.ts";
import type { Queryable } from "../state/stateDb.ts";
import type { AuditTable } from "./auditFigures.ts";
import type { AuditProvenance } from "./auditPack.ts";

/** One published run of the audit: its tables (patient-level ones included) and how they were made. */
export interface PublishedAudit {
  id: number;
  publishedAt: string;
  period: string;
  provenance: AuditProvenance;
  tables: AuditTable[];
}

/** Dates as days, whole numbers from DuckDB as numbers: the stored rows read back as they were shown. */
const plain = (_key: string, value: unknown) => (typeof value === "bigint" ? Number(value) : value);
const jsonOf = (value: unknown) =>
  JSON.stringify(value, function (key, v) {
    const raw = (this as Record<string, unknown>)[key];
    if (raw instanceof Date) return raw.toISOString().slice(0, 10);
    return plain(key, v);
  });

/** Keeps an audit run in the state database, where registered pages read the latest; returns its id. */
export async function publishAudit(
  db: Queryable,
  clock: Clock,
  run: { period: string; provenance: AuditProvenance; tables: readonly AuditTable[] },
): Promise<number> {
  const [row] = await db.query<{ id: unknown }>(
    `INSERT INTO approval_audits (published_at, period, provenance, tables) VALUES ($1, $2, $3::jsonb, $4::jsonb)
     RETURNING id`,
    [clock.now().toISOString(), run.period, jsonOf(run.provenance), jsonOf(run.tables)],
  );
  return Number(row?.id);
}

/** The latest published audit run, or null when none has been published. */
export async function latestAudit(db: Queryable): Promise<PublishedAudit | null> {
  const [row] = await db.query<Record<string, unknown>>(
    "SELECT id, published_at, period, provenance, tables FROM approval_audits ORDER BY id DESC LIMIT 1",
  );
  if (!row) return null;
  const parse = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
  return {
    id: Number(row.id),
    publishedAt: new Date(row.published_at as string).toISOString(),
    period: row.period as string,
    provenance: parse(row.provenance) as AuditProvenance,
    tables: parse(row.tables) as AuditTable[],
  };
}

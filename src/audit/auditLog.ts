import type { Clock } from "../effects/index.ts";
import type { Queryable, StateDb } from "../state/stateDb.ts";
import { type AuditEntry, type AuditEvent, eventHash, genesisHash } from "./auditEvent.ts";

/** The advisory lock every writer of the chain takes, so replicas append one after another. */
const chainLock = 7_242_002;

interface Pending {
  entry: AuditEntry;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The append-only, hash-chained audit log. Events recorded while a write is in flight are written
 * together in the next transaction (group commit), so each caller waits for its own event to be
 * durable without one transaction per event.
 */
export class AuditLog {
  private queue: Pending[] = [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly db: StateDb,
    private readonly clock: Clock,
  ) {}

  /** Appends one event; resolves once it is committed. */
  record(entry: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      if (!this.writing) this.writing = this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.db.transaction((tx) =>
          appendEvents(
            tx,
            batch.map((p) => p.entry),
            this.clock,
          ),
        );
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.writing = null;
  }

  /** Waits for every recorded event to be written. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }
}

const toIso = (value: unknown) => new Date(value as string | Date).toISOString();

/** Appends entries after the chain's last event inside `tx` (which must be a transaction). */
export async function appendEvents(
  tx: Queryable,
  entries: readonly AuditEntry[],
  clock: Clock,
): Promise<AuditEvent[]> {
  await tx.query("SELECT pg_advisory_xact_lock($1)", [chainLock]);
  const [last] = await tx.query<{ seq: unknown; hash: string }>(
    "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
  );
  let seq = last ? Number(last.seq) : 0;
  let prev = last?.hash ?? genesisHash;
  const at = clock.now().toISOString();
  const events: AuditEvent[] = [];
  for (const entry of entries) {
    seq += 1;
    const event = { seq, at, kind: entry.kind, actor: entry.actor, detail: entry.detail, prev_hash: prev };
    const hash = eventHash(event);
    events.push({ ...event, hash });
    prev = hash;
  }
  const values: unknown[] = [];
  const rows = events.map((e, i) => {
    values.push(e.seq, e.at, e.kind, e.actor, JSON.stringify(e.detail), e.prev_hash, e.hash);
    const b = i * 7;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::jsonb, $${b + 6}, $${b + 7})`;
  });
  if (rows.length)
    await tx.query(
      `INSERT INTO audit_events (seq, at, kind, actor, detail, prev_hash, hash) VALUES ${rows.join(", ")}`,
      values,
    );
  return events;
}

/** Events in chain order, optionally from a time (inclusive) to a time (exclusive). */
export async function listEvents(
  db: Queryable,
  range: { from?: string; to?: string } = {},
): Promise<AuditEvent[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT seq, at, kind, actor, detail, prev_hash, hash FROM audit_events
     WHERE ($1::timestamptz IS NULL OR at >= $1::timestamptz) AND ($2::timestamptz IS NULL OR at < $2::timestamptz)
     ORDER BY seq`,
    [range.from ?? null, range.to ?? null],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: toIso(r.at),
    kind: r.kind as AuditEvent["kind"],
    actor: (r.actor as string | null) ?? null,
    detail: (typeof r.detail === "string" ? JSON.parse(r.detail) : r.detail) as AuditEvent["detail"],
    prev_hash: r.prev_hash as string,
    hash: r.hash as string,
  }));
}

/** The result of walking the chain: intact, or the first event that does not fit and why. */
export type ChainCheck =
  | { intact: true; events: number; lastHash: string }
  | { intact: false; events: number; seq: number; reason: string };

/** Recomputes every hash and link from the first event; a changed, removed or inserted event breaks it. */
export async function verifyChain(db: Queryable): Promise<ChainCheck> {
  const events = await listEvents(db);
  let prev = genesisHash;
  let expectedSeq = 1;
  for (const event of events) {
    if (event.seq !== expectedSeq)
      return {
        intact: false,
        events: events.length,
        seq: event.seq,
        reason: `expected event ${expectedSeq} next: one is missing`,
      };
    if (event.prev_hash !== prev)
      return {
        intact: false,
        events: events.length,
        seq: event.seq,
        reason: "does not link to the event before it",
      };
    if (eventHash(event) !== event.hash)
      return {
        intact: false,
        events: events.length,
        seq: event.seq,
        reason: "its content does not match its hash",
      };
    prev = event.hash;
    expectedSeq += 1;
  }
  return { intact: true, events: events.length, lastHash: prev };
}

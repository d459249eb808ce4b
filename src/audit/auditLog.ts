import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../effects/index.ts";
import { EbiError } from "../errors/index.ts";
import type { Queryable, StateDb } from "../state/stateDb.ts";
import { type AuditEntry, type AuditEvent, eventHash, genesisHash } from "./auditEvent.ts";

/** The advisory lock every writer of the chain takes, so replicas append one after another. */
const chainLock = 7_242_002;

/** How the log delivers events: how often and how many at a time, and where it keeps what it could not write. */
export interface AuditDelivery {
  /** Milliseconds an event may wait in memory before its batch is committed. */
  intervalMs: number;
  /** Events committed in one transaction at most; a full batch is committed at once. */
  maxBatch: number;
  /** Events held unwritten before the log counts itself unhealthy and refuses more. */
  maxQueued: number;
  /** Folder for events still unwritten at shutdown; appended to the chain at the next start. Null: none. */
  spillDir: string | null;
}

export const defaultDelivery: AuditDelivery = {
  intervalMs: 20,
  maxBatch: 1000,
  maxQueued: 50_000,
  spillDir: null,
};

/** An entry waiting to be chained, stamped with the time it happened. */
type Timed = AuditEntry & { at: string };

interface Queued {
  entry: Timed;
  waiter?: { resolve: () => void; reject: (error: unknown) => void };
}

/**
 * The append-only, hash-chained audit log, written in batches. `append` puts an event in memory and
 * returns at once; a batch is committed every `intervalMs` (or when `maxBatch` are waiting) in one
 * transaction that takes the chain's lock, so replicas sharing a server still build one chain. An
 * event is never dropped: a batch that fails stays queued and is retried, and while the log cannot
 * write (or holds `maxQueued` unwritten) it is unhealthy and `append` and `record` refuse, so the
 * service refuses registered reads rather than serve them unaudited. `close` commits what is
 * queued, or, if the database is gone, writes it to `spillDir` for `recoverSpilled` at the next start.
 */
export class AuditLog {
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private failure: unknown = null;
  private retryMs = 0;
  private closed = false;
  /** The chain's last event as this log last wrote or read it (embedded state only). */
  private head: ChainHead | null = null;
  private readonly delivery: AuditDelivery;

  constructor(
    private readonly db: StateDb,
    private readonly clock: Clock,
    delivery: Partial<AuditDelivery> = {},
  ) {
    this.delivery = { ...defaultDelivery, ...delivery };
  }

  /** True while the last commit succeeded and the queue has room: registered reads may be served. */
  get healthy(): boolean {
    return !this.closed && this.failure === null && this.queue.length < this.delivery.maxQueued;
  }

  /** Events recorded but not yet committed. */
  get pending(): number {
    return this.queue.length;
  }

  /** Throws EBI_AUDIT_UNAVAILABLE unless events can be taken now. */
  assertHealthy(): void {
    if (this.healthy) return;
    const why = this.closed
      ? "the service is shutting down"
      : this.failure !== null
        ? `the last commit failed (${(this.failure as Error)?.message ?? String(this.failure)})`
        : `${this.queue.length} events are waiting to be written`;
    throw new EbiError(
      "EBI_AUDIT_UNAVAILABLE",
      `The audit log cannot take events: ${why}. Registered figures are not served until every read can be recorded.`,
      { pending: this.queue.length },
    );
  }

  /** Queues one event, stamped now, and returns at once; throws EBI_AUDIT_UNAVAILABLE when unhealthy. */
  append(entry: AuditEntry): void {
    this.assertHealthy();
    this.queue.push({ entry: { ...entry, at: this.clock.now().toISOString() } });
    this.schedule();
  }

  /** Queues one event and resolves once it is committed (rejects if its batch fails; the event stays queued). */
  record(entry: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.assertHealthy();
      this.queue.push({
        entry: { ...entry, at: this.clock.now().toISOString() },
        waiter: { resolve, reject },
      });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.writing) return;
    // After a failure the next try waits its back-off, however many events are waiting.
    if (this.queue.length >= this.delivery.maxBatch && this.failure === null) {
      this.startWrite();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.startWrite();
      }, this.retryMs || this.delivery.intervalMs);
      this.timer.unref();
    }
  }

  private startWrite(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.writing ??= this.write().finally(() => {
      this.writing = null;
      if (this.queue.length && !this.closed) this.schedule();
    });
    return this.writing;
  }

  /** Commits batches until the queue is empty or one fails (which stays queued, to be retried). */
  private async write(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.delivery.maxBatch);
      try {
        const entries = batch.map((q) => q.entry);
        if (this.db.kind === "pglite") await this.appendEmbedded(entries);
        else await this.db.transaction((tx) => appendEvents(tx, entries, this.clock));
      } catch (error) {
        this.head = null;
        this.failure = error;
        this.retryMs = Math.min(Math.max(this.retryMs * 2, 50), 2_000);
        for (const q of batch) q.waiter?.reject(error);
        for (const q of batch) delete q.waiter;
        return;
      }
      this.queue.splice(0, batch.length);
      this.failure = null;
      this.retryMs = 0;
      for (const q of batch) q.waiter?.resolve();
    }
  }

  /**
   * Embedded PostgreSQL costs about a millisecond of this process's time per statement, so a batch
   * is one statement: appended after the chain's last event as this log last wrote or read it, on
   * condition that no other writer has appended since (then the head is read again and it is retried).
   */
  private async appendEmbedded(entries: readonly Timed[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      this.head ??= await chainHead(this.db);
      const appended = await appendAfter(this.db, this.head, entries, this.clock);
      if (appended) {
        this.head = appended;
        return;
      }
      this.head = null;
      if (attempt >= 5) throw new Error("the audit chain kept moving while a batch was appended");
    }
  }

  /** Commits every queued event now; throws EBI_AUDIT_UNAVAILABLE if the database refuses them. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    while (this.queue.length > 0) {
      await this.startWrite();
      if (this.failure !== null && this.queue.length > 0)
        throw new EbiError(
          "EBI_AUDIT_UNAVAILABLE",
          `${this.queue.length} audit events could not be written: ${(this.failure as Error)?.message ?? String(this.failure)}.`,
          { pending: this.queue.length },
          { cause: this.failure },
        );
    }
  }

  /**
   * Stops taking events and commits the queue. If the database refuses, the events are written to
   * `spillDir` (and the error names the file) so that none is lost; without a spill folder it throws.
   */
  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.flush();
    } catch (error) {
      const events = this.queue.map((q) => q.entry);
      if (!this.delivery.spillDir) throw error;
      mkdirSync(this.delivery.spillDir, { recursive: true, mode: 0o700 });
      const file = join(this.delivery.spillDir, `${Date.now()}-${process.pid}.jsonl`);
      writeFileSync(file, events.map((e) => `${JSON.stringify(e)}\n`).join(""), { mode: 0o600 });
      this.queue = [];
      throw new EbiError(
        "EBI_AUDIT_UNAVAILABLE",
        `${events.length} audit events could not be written to the state database; kept in ${file}, appended to the chain when the service next starts.`,
        { pending: events.length, file },
        { cause: error },
      );
    } finally {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
    }
  }
}

/**
 * Appends to the chain the events a previous process left in `spillDir` at shutdown, one file per
 * transaction, deleting each file once committed; returns how many events were appended. A file is
 * claimed by renaming it first, so two replicas starting together append it once.
 */
export async function recoverSpilled(db: StateDb, clock: Clock, spillDir: string): Promise<number> {
  let files: string[];
  try {
    files = readdirSync(spillDir).filter((f) => f.endsWith(".jsonl"));
  } catch {
    return 0;
  }
  let appended = 0;
  for (const file of files.sort()) {
    const claimed = join(spillDir, `${file}.${process.pid}.claimed`);
    try {
      renameSync(join(spillDir, file), claimed);
    } catch {
      continue;
    }
    const entries = readFileSync(claimed, "utf8")
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as Timed);
    try {
      await db.transaction((tx) => appendEvents(tx, entries, clock));
    } catch (error) {
      renameSync(claimed, join(spillDir, file));
      throw error;
    }
    rmSync(claimed);
    appended += entries.length;
  }
  return appended;
}

const toIso = (value: unknown) => new Date(value as string | Date).toISOString();

/**
 * Appends entries after the chain's last event inside `tx` (which must be a transaction). Each keeps
 * the time it happened when it carries one (`at`), else is stamped now; `seq` is the chain's order.
 */
export async function appendEvents(
  tx: Queryable,
  entries: readonly (AuditEntry & { at?: string })[],
  clock: Clock,
): Promise<AuditEvent[]> {
  await tx.query("SELECT pg_advisory_xact_lock($1)", [chainLock]);
  const events = chained(await chainHead(tx), entries, clock);
  // One parameter holding the batch as JSON: binding seven parameters an event costs embedded
  // PostgreSQL about twice as much as parsing the same rows from one document.
  if (events.length) await tx.query(`${insertEvents} ORDER BY seq`, [JSON.stringify(events)]);
  return events;
}

/** The last event of the chain: its place and hash (0 and the genesis hash when it is empty). */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** The chain's last event. */
export async function chainHead(db: Queryable): Promise<ChainHead> {
  const [last] = await db.query<{ seq: unknown; hash: string }>(
    "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
  );
  return last ? { seq: Number(last.seq), hash: last.hash } : { seq: 0, hash: genesisHash };
}

/** Chains entries after `head` (each keeps its `at`, else is stamped now). */
function chained(
  head: ChainHead,
  entries: readonly (AuditEntry & { at?: string })[],
  clock: Clock,
): AuditEvent[] {
  let seq = head.seq;
  let prev = head.hash;
  const now = clock.now().toISOString();
  return entries.map((entry) => {
    seq += 1;
    const event = {
      seq,
      at: entry.at ?? now,
      kind: entry.kind,
      actor: entry.actor,
      detail: entry.detail,
      prev_hash: prev,
    };
    prev = eventHash(event);
    return { ...event, hash: prev };
  });
}

const insertEvents = `INSERT INTO audit_events (seq, at, kind, actor, detail, prev_hash, hash)
  SELECT seq, at, kind, actor, detail, prev_hash, hash FROM jsonb_to_recordset($1::jsonb)
    AS e(seq BIGINT, at TIMESTAMPTZ, kind TEXT, actor TEXT, detail JSONB, prev_hash TEXT, hash TEXT)`;

/**
 * Appends entries after `head` in one statement, which inserts nothing unless `head` is still the
 * chain's last event; returns the new head, or null when the chain had moved on (read it again).
 */
export async function appendAfter(
  db: Queryable,
  head: ChainHead,
  entries: readonly (AuditEntry & { at?: string })[],
  clock: Clock,
): Promise<ChainHead | null> {
  const events = chained(head, entries, clock);
  const last = events.at(-1);
  if (!last) return head;
  const [row] = await db.query<{ n: unknown }>(
    `WITH appended AS (${insertEvents}
       WHERE coalesce((SELECT max(seq) FROM audit_events), 0) = $2 ORDER BY seq RETURNING 1)
     SELECT count(*) AS n FROM appended`,
    [JSON.stringify(events), head.seq],
  );
  return Number(row?.n) === events.length ? { seq: last.seq, hash: last.hash } : null;
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

import { createHash } from "node:crypto";
import { canonicalJson } from "./canonicalJson.ts";

/** What an audit event records. */
export type AuditKind =
  | "read"
  | "sign-in"
  | "sign-in-failed"
  | "sign-out"
  | "grant-requested"
  | "grant-approved"
  | "grant-revoked"
  | "strategy-recorded";

/** One event before it is chained: who did what, and for a read what it returned. */
export interface AuditEntry {
  kind: AuditKind;
  /** The user's id (`users.id`), or null when no one could be identified (a failed sign-in). */
  actor: string | null;
  detail: AuditDetail;
}

export interface AuditDetail {
  /** The route asked for, e.g. `GET /api/v1/activity`. */
  route?: string;
  /** Organisation codes whose registered figures were returned. */
  organisations?: string[];
  /** Release tables the registered figures came from. */
  tables?: string[];
  /** True when at least one returned figure is hidden on the public side. */
  unredacted?: boolean;
  /** The format of a download: json, csv, xlsx or html. */
  format?: string;
  username?: string;
  reason?: string;
  grant?: string;
  [key: string]: unknown;
}

/** An event as stored: its place in the chain and the hashes linking it to the one before. */
export interface AuditEvent extends AuditEntry {
  seq: number;
  /** ISO timestamp, UTC, millisecond precision. */
  at: string;
  prev_hash: string;
  hash: string;
}

/** The hash the first event links to. */
export const genesisHash = "0".repeat(64);

/** sha256 (hex) over the event's sequence number, time, kind, actor, detail and the previous hash. */
export function eventHash(event: Omit<AuditEvent, "hash">): string {
  return createHash("sha256")
    .update(
      canonicalJson({
        seq: event.seq,
        at: event.at,
        kind: event.kind,
        actor: event.actor,
        detail: event.detail,
        prev_hash: event.prev_hash,
      }),
    )
    .digest("hex");
}

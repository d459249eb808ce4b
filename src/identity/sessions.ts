import { createHash, randomBytes } from "node:crypto";
import type { Principal } from "../access/principal.ts";
import type { Clock } from "../effects/index.ts";
import type { StateDb } from "../state/stateDb.ts";

/** How long a session lives: since the last request (idle) and since sign-in (absolute), in minutes. */
export interface SessionTimeouts {
  idleMinutes: number;
  absoluteMinutes: number;
}
export const defaultTimeouts: SessionTimeouts = { idleMinutes: 30, absoluteMinutes: 12 * 60 };

/** A grant in force for a session's user. */
export interface ActiveGrant {
  id: string;
  org_code: string;
  last_used_at: string | null;
}

export interface LiveSession {
  idHash: string;
  principal: Principal;
  grants: ActiveGrant[];
}

/** The cookie value names the session; only its hash is stored, so the table cannot be replayed as cookies. */
const hashOf = (token: string) => createHash("sha256").update(token).digest("base64url");
const validToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);
/** Sliding the idle deadline is written at most this often, not on every request. */
const touchEveryMs = 60_000;

/** How long a replica trusts its own recent lookup of a session before asking the database again. */
const recentMs = 2_000;

/**
 * Sessions in PostgreSQL, so every replica knows every session. A lookup is kept for two seconds,
 * so a burst of requests costs one query; a sign-out elsewhere takes effect here within that time.
 */
export class SessionStore {
  private readonly recent = new Map<string, { live: LiveSession; until: number }>();
  private readonly reading = new Map<string, Promise<LiveSession | null>>();

  constructor(
    private readonly db: StateDb,
    private readonly clock: Clock,
    readonly timeouts: SessionTimeouts = defaultTimeouts,
  ) {}

  /** A new session (a new random id: an id from before sign-in is never kept); returns the cookie value. */
  async create(principal: Principal): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    const now = this.clock.now();
    const expires = new Date(now.getTime() + this.timeouts.absoluteMinutes * 60_000);
    await this.db.query(
      `INSERT INTO sessions (id_hash, user_id, principal, created_at, last_seen_at, expires_at)
       VALUES ($1, $2, $3::jsonb, $4, $4, $5)`,
      [hashOf(token), principal.userId, JSON.stringify(principal), now.toISOString(), expires.toISOString()],
    );
    return token;
  }

  /**
   * The session a cookie names, with its user's grants in force; null (and the row deleted) when
   * unknown, past its absolute expiry or idle too long.
   */
  async lookup(token: string | undefined): Promise<LiveSession | null> {
    if (!token || !validToken(token)) return null;
    const idHash = hashOf(token);
    const now = this.clock.now();
    const kept = this.recent.get(idHash);
    // Kept only within its two seconds of the clock (a clock moved back or on asks again).
    if (kept && kept.until > now.getTime() && kept.until - recentMs <= now.getTime()) return kept.live;
    // Requests arriving while the session is being read wait for that one read, rather than each
    // asking the database (at 50 connections, every expiry of a kept lookup was 50 queries).
    const reading = this.reading.get(idHash);
    if (reading) return reading;
    const read: Promise<LiveSession | null> = this.read(idHash, now)
      .then((live) => {
        // A sign-out while this read was under way: its answer is not kept.
        if (this.reading.get(idHash) !== read) return live;
        if (this.recent.size > 10_000) this.recent.clear();
        if (live) this.recent.set(idHash, { live, until: now.getTime() + recentMs });
        else this.recent.delete(idHash);
        return live;
      })
      .finally(() => {
        if (this.reading.get(idHash) === read) this.reading.delete(idHash);
      });
    this.reading.set(idHash, read);
    return read;
  }

  private async read(idHash: string, now: Date): Promise<LiveSession | null> {
    const [row] = await this.db.query<{
      principal: unknown;
      last_seen_at: unknown;
      expires_at: unknown;
      grants: unknown;
    }>(
      `SELECT s.principal, s.last_seen_at, s.expires_at,
         coalesce((SELECT json_agg(json_build_object('id', g.id, 'org_code', g.org_code, 'last_used_at', g.last_used_at))
           FROM grants g WHERE g.user_id = s.user_id AND g.approved_at IS NOT NULL AND g.revoked_at IS NULL
             AND g.expires_at > $2::timestamptz), '[]'::json) AS grants
       FROM sessions s WHERE s.id_hash = $1`,
      [idHash, now.toISOString()],
    );
    if (!row) return null;
    const lastSeen = new Date(row.last_seen_at as string).getTime();
    const expired =
      new Date(row.expires_at as string).getTime() <= now.getTime() ||
      now.getTime() - lastSeen >= this.timeouts.idleMinutes * 60_000;
    if (expired) {
      await this.db.query("DELETE FROM sessions WHERE id_hash = $1", [idHash]);
      return null;
    }
    if (now.getTime() - lastSeen >= touchEveryMs)
      await this.db.query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1", [
        idHash,
        now.toISOString(),
      ]);
    const parse = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
    return {
      idHash,
      principal: parse(row.principal) as Principal,
      grants: parse(row.grants) as ActiveGrant[],
    };
  }

  /** Ends the session a cookie names (if any). */
  async destroy(token: string | undefined): Promise<void> {
    if (!token || !validToken(token)) return;
    this.recent.delete(hashOf(token));
    this.reading.delete(hashOf(token));
    await this.db.query("DELETE FROM sessions WHERE id_hash = $1", [hashOf(token)]);
  }
}

import { randomBytes } from "node:crypto";
import type { AuditLog } from "../audit/auditLog.ts";
import type { Clock } from "../effects/index.ts";
import { EbiError } from "../errors/index.ts";
import type { OrganisationRow } from "../release/tables.ts";
import type { Queryable } from "../state/stateDb.ts";
import type { Principal } from "./principal.ts";
import { scopeOf } from "./scopeOf.ts";

/** Days an approved grant lasts. */
export const grantDays = 180;
/** Days without use after which an approved grant is revoked (the ePACT2 rule: six months). */
export const unusedDays = 183;
/** Days before expiry from which the grant's holder and approvers are warned. */
export const warnDays = 14;

const day = 86_400_000;

export interface GrantRow {
  id: string;
  user_id: string;
  username: string;
  org_code: string;
  purpose: string;
  requested_at: string;
  approved_by: string | null;
  approved_at: string | null;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
}

/** pending, active, expiring (active, within `warnDays` of expiry), expired or revoked. */
export function grantStatus(
  g: GrantRow,
  now: Date,
): "pending" | "active" | "expiring" | "expired" | "revoked" {
  if (g.revoked_at) return "revoked";
  if (!g.approved_at || !g.expires_at) return "pending";
  const left = new Date(g.expires_at).getTime() - now.getTime();
  if (left <= 0) return "expired";
  return left <= warnDays * day ? "expiring" : "active";
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const rowOf = (r: Record<string, unknown>): GrantRow => ({
  id: r.id as string,
  user_id: r.user_id as string,
  username: r.username as string,
  org_code: r.org_code as string,
  purpose: r.purpose as string,
  requested_at: iso(r.requested_at) as string,
  approved_by: (r.approved_by as string | null) ?? null,
  approved_at: iso(r.approved_at),
  expires_at: iso(r.expires_at),
  last_used_at: iso(r.last_used_at),
  revoked_at: iso(r.revoked_at),
  revoked_reason: (r.revoked_reason as string | null) ?? null,
});

/** Grants, newest first: one user's, or every one. */
export async function listGrants(db: Queryable, userId?: string): Promise<GrantRow[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT g.*, u.username FROM grants g JOIN users u ON u.id = g.user_id
     WHERE ($1::text IS NULL OR g.user_id = $1) ORDER BY g.requested_at DESC, g.id`,
    [userId ?? null],
  );
  return rows.map(rowOf);
}

async function grantById(db: Queryable, id: string): Promise<GrantRow> {
  const [row] = await db.query<Record<string, unknown>>(
    "SELECT g.*, u.username FROM grants g JOIN users u ON u.id = g.user_id WHERE g.id = $1",
    [id],
  );
  if (!row) throw new EbiError("EBI_NOT_FOUND", `No grant ${id}.`, { parameter: "grant" });
  return rowOf(row);
}

/** The parts grants need: the state, the clock, the audit log and the release's hierarchy. */
export interface GrantContext {
  db: Queryable;
  clock: Clock;
  audit: AuditLog;
  organisations: readonly OrganisationRow[];
  childrenOf: ReadonlyMap<string, OrganisationRow[]>;
}

/** Asks for registered access to another organisation, with a purpose; pending until approved. */
export async function requestGrant(
  ctx: GrantContext,
  requester: Principal,
  orgCode: string,
  purpose: string,
): Promise<string> {
  const org = ctx.organisations.find((o) => o.org_code === orgCode);
  if (!org)
    throw new EbiError("EBI_GRANT_INVALID", `No organisation ${JSON.stringify(orgCode)} in this release.`, {
      parameter: "org",
    });
  const why = purpose.trim();
  if (why.length < 10)
    throw new EbiError("EBI_GRANT_INVALID", "Say what the access is for (at least 10 characters).", {
      parameter: "purpose",
    });
  const id = randomBytes(9).toString("base64url");
  await ctx.db.query(
    "INSERT INTO grants (id, user_id, org_code, purpose, requested_at) VALUES ($1, $2, $3, $4, $5)",
    [id, requester.userId, org.org_code, why.slice(0, 1000), ctx.clock.now().toISOString()],
  );
  await ctx.audit.record({
    kind: "grant-requested",
    actor: requester.userId,
    detail: {
      username: requester.username,
      grant: id,
      organisations: [org.org_code],
      purpose: why.slice(0, 1000),
    },
  });
  return id;
}

/** True when `approver` may approve or revoke grants for `orgCode`: an admin, or an approver whose own footprint holds it. */
export function mayApprove(ctx: GrantContext, approver: Principal, orgCode: string): boolean {
  if (approver.role === "admin") return true;
  if (approver.role !== "approver") return false;
  const own = scopeOf(approver, ctx.organisations, ctx.childrenOf);
  return [...own.keys].some((k) => k.endsWith(`|${orgCode}`));
}

/** Approves a pending grant for `grantDays`; never by its requester, only by an approver for that organisation. */
export async function approveGrant(ctx: GrantContext, approver: Principal, id: string): Promise<GrantRow> {
  const grant = await grantById(ctx.db, id);
  if (grantStatus(grant, ctx.clock.now()) !== "pending")
    throw new EbiError("EBI_GRANT_INVALID", `Grant ${id} is not waiting for approval.`, {
      parameter: "grant",
    });
  if (grant.user_id === approver.userId)
    throw new EbiError("EBI_GRANT_INVALID", "A grant must be approved by someone other than its requester.", {
      parameter: "grant",
    });
  if (!mayApprove(ctx, approver, grant.org_code))
    throw new EbiError(
      "EBI_FORBIDDEN",
      `Approving access to ${grant.org_code} needs the approver role for it.`,
      { parameter: "grant" },
    );
  const now = ctx.clock.now();
  await ctx.db.query("UPDATE grants SET approved_by = $2, approved_at = $3, expires_at = $4 WHERE id = $1", [
    id,
    approver.userId,
    now.toISOString(),
    new Date(now.getTime() + grantDays * day).toISOString(),
  ]);
  await ctx.audit.record({
    kind: "grant-approved",
    actor: approver.userId,
    detail: {
      username: approver.username,
      grant: id,
      organisations: [grant.org_code],
      requester: grant.username,
    },
  });
  return grantById(ctx.db, id);
}

/** Revokes a grant (by an approver for its organisation, its holder, or the sweep with `actor` null). */
export async function revokeGrant(
  ctx: GrantContext,
  actor: Principal | null,
  id: string,
  reason: string,
): Promise<void> {
  const grant = await grantById(ctx.db, id);
  if (grant.revoked_at) return;
  if (actor && actor.userId !== grant.user_id && !mayApprove(ctx, actor, grant.org_code))
    throw new EbiError(
      "EBI_FORBIDDEN",
      `Revoking access to ${grant.org_code} needs the approver role for it.`,
      { parameter: "grant" },
    );
  await ctx.db.query(
    "UPDATE grants SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL",
    [id, ctx.clock.now().toISOString(), reason],
  );
  await ctx.audit.record({
    kind: "grant-revoked",
    actor: actor?.userId ?? null,
    detail: {
      username: actor?.username ?? "system",
      grant: id,
      organisations: [grant.org_code],
      holder: grant.username,
      reason,
    },
  });
}

/** Revokes every approved grant not used for `unusedDays` (counted from approval when never used); their ids. */
export async function sweepGrants(ctx: GrantContext): Promise<string[]> {
  const cutoff = new Date(ctx.clock.now().getTime() - unusedDays * day).toISOString();
  const stale = await ctx.db.query<{ id: string }>(
    `SELECT id FROM grants WHERE revoked_at IS NULL AND approved_at IS NOT NULL
       AND coalesce(last_used_at, approved_at) < $1::timestamptz ORDER BY id`,
    [cutoff],
  );
  for (const { id } of stale) await revokeGrant(ctx, null, id, "not used for 6 months");
  return stale.map((s) => s.id);
}

/** Records that grants were used now (written at most hourly per grant). */
export async function touchGrants(db: Queryable, clock: Clock, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  const now = clock.now();
  await db.query(
    `UPDATE grants SET last_used_at = $2 WHERE id = ANY($1::text[])
       AND (last_used_at IS NULL OR last_used_at < $3::timestamptz)`,
    [ids, now.toISOString(), new Date(now.getTime() - 3_600_000).toISOString()],
  );
}

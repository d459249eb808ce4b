import { createHash } from "node:crypto";
import type { OrgType, Principal, Role } from "../access/principal.ts";
import type { Clock } from "../effects/index.ts";
import type { Queryable } from "../state/stateDb.ts";

/** A user as stored. */
export interface UserRecord {
  id: string;
  username: string;
  name: string;
  org_code: string | null;
  org_type: OrgType | null;
  role: Role;
  source: string;
  password_hash: string | null;
}

/** A user's id: stable for one identity (source + subject), so a second sign-in finds the same row. */
export const userId = (source: string, subject: string) =>
  createHash("sha256").update(`${source}\n${subject}`).digest("base64url").slice(0, 22);

/** Creates or refreshes a user from what its identity source says now (organisation and role follow the claims). */
export async function upsertUser(
  db: Queryable,
  clock: Clock,
  user: Omit<UserRecord, "id" | "password_hash"> & { subject: string; password_hash?: string | null },
): Promise<UserRecord> {
  const id = userId(user.source, user.subject);
  const [row] = await db.query<UserRecord>(
    `INSERT INTO users (id, username, name, org_code, org_type, role, source, password_hash, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (id) DO UPDATE SET username = $2, name = $3, org_code = $4, org_type = $5, role = $6,
       password_hash = coalesce($8, users.password_hash)
     RETURNING id, username, name, org_code, org_type, role, source, password_hash`,
    [
      id,
      user.username,
      user.name,
      user.org_code,
      user.org_type,
      user.role,
      user.source,
      user.password_hash ?? null,
      clock.now().toISOString(),
    ],
  );
  return row as UserRecord;
}

export async function findUserByUsername(db: Queryable, username: string): Promise<UserRecord | null> {
  const [row] = await db.query<UserRecord>(
    "SELECT id, username, name, org_code, org_type, role, source, password_hash FROM users WHERE username = $1",
    [username],
  );
  return row ?? null;
}

export async function findUser(db: Queryable, id: string): Promise<UserRecord | null> {
  const [row] = await db.query<UserRecord>(
    "SELECT id, username, name, org_code, org_type, role, source, password_hash FROM users WHERE id = $1",
    [id],
  );
  return row ?? null;
}

export const principalOf = (user: UserRecord): Principal => ({
  userId: user.id,
  username: user.username,
  name: user.name,
  orgCode: user.org_code,
  orgType: user.org_type,
  role: user.role,
  source: user.source,
});

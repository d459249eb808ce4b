import type { OrgLevel } from "../release/tables.ts";

/** What kind of organisation a user works for; national users see every organisation. */
export type OrgType = Exclude<OrgLevel, "england"> | "national";
export const orgTypes: readonly OrgType[] = ["national", "region", "icb", "sub_icb", "provider"];

/** viewer reads; approver also approves grants for organisations in their scope; admin sees the admin pages. */
export type Role = "viewer" | "approver" | "admin";
export const roles: readonly Role[] = ["viewer", "approver", "admin"];

/** A signed-in user as a request sees them. */
export interface Principal {
  userId: string;
  username: string;
  name: string;
  /** The organisation the identity provider (or local account) places them in; null: none known. */
  orgCode: string | null;
  orgType: OrgType | null;
  role: Role;
  /** How they signed in: "demo", "local" or the issuer URL of an OpenID Connect provider. */
  source: string;
}

/** The organisations a request may read registered figures of, with what each grant added. */
export interface Scope {
  /** `${level}|${org_code}` of every organisation read unredacted. */
  keys: ReadonlySet<string>;
  /** A stable short key of `keys`, used in cache keys and ETags. */
  key: string;
  /** Approved grants that widened the scope, by id (their use is recorded). */
  grants: readonly string[];
}

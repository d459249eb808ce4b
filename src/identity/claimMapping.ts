import type { OrgType, Role } from "../access/principal.ts";
import { EbiError } from "../errors/index.ts";
import type { OrganisationRow } from "../release/tables.ts";

/** How claims become an organisation and a role; one profile per kind of identity provider. */
export type ClaimProfile = "builtin" | "cis2" | "entra" | "generic";

export interface ClaimSettings {
  profile: ClaimProfile;
  /** CIS2: the lowest `idassurancelevel` accepted (3 = smartcard or equivalent). */
  minAssurance: number;
  /** CIS2: activity codes (in the selected role) that make a user an approver / an admin. */
  approverActivityCodes: readonly string[];
  adminActivityCodes: readonly string[];
  /** Organisations whose staff see the national footprint (e.g. NHS England's ODS code). */
  nationalOrgCodes: readonly string[];
  /** Entra ID / generic: the claim holding the ODS code of the user's organisation. */
  orgClaim: string;
  /** Entra ID: group object id → organisation code, for tenants that carry the organisation as a group. */
  groupOrgs: Readonly<Record<string, string>>;
  /** Entra ID: app role or group id → role. */
  roleGroups: Readonly<Record<string, Role>>;
}

export const defaultClaimSettings: ClaimSettings = {
  profile: "generic",
  minAssurance: 3,
  approverActivityCodes: [],
  adminActivityCodes: [],
  nationalOrgCodes: ["X24"],
  orgClaim: "org_code",
  groupOrgs: {},
  roleGroups: {},
};

/** A user as claims describe them, before it is stored. */
export interface ClaimedUser {
  subject: string;
  username: string;
  name: string;
  org_code: string | null;
  org_type: OrgType | null;
  role: Role;
}

type Claims = Record<string, unknown>;
const text = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : null);
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** The organisation type from the release's hierarchy (never typed in by hand). */
function typeOf(
  orgCode: string | null,
  settings: ClaimSettings,
  organisations: readonly OrganisationRow[],
): OrgType | null {
  if (!orgCode) return null;
  if (settings.nationalOrgCodes.includes(orgCode)) return "national";
  const org = organisations.find((o) => o.org_code === orgCode);
  if (!org) return null;
  return org.level === "england" ? "national" : org.level;
}

const nameOf = (c: Claims) =>
  text(c.name) ?? ([text(c.given_name), text(c.family_name)].filter(Boolean).join(" ") || null);

function fromCis2(c: Claims, s: ClaimSettings, orgs: readonly OrganisationRow[]): ClaimedUser {
  const subject = text(c.nhsid_useruid) ?? text(c.sub);
  if (!subject) throw new EbiError("EBI_SIGN_IN_FAILED", "The CIS2 ID token has no nhsid_useruid or sub.");
  const assurance = Number(c.idassurancelevel);
  if (!Number.isFinite(assurance) || assurance < s.minAssurance)
    throw new EbiError(
      "EBI_SIGN_IN_FAILED",
      `CIS2 identity assurance level ${String(c.idassurancelevel ?? "missing")} is below the ${s.minAssurance} required.`,
    );
  const roles = Array.isArray(c.nhsid_nrbac_roles) ? (c.nhsid_nrbac_roles as Claims[]) : [];
  const selectedId = text(c.selected_roleid);
  const selected =
    roles.find((r) => selectedId !== null && r.person_roleid === selectedId) ??
    (roles.length === 1 ? roles[0] : undefined);
  const orgCode = text(selected?.org_code);
  const activities = list(selected?.activity_codes);
  const role: Role = activities.some((a) => s.adminActivityCodes.includes(a))
    ? "admin"
    : activities.some((a) => s.approverActivityCodes.includes(a))
      ? "approver"
      : "viewer";
  return {
    subject,
    username: subject,
    name: nameOf(c) ?? subject,
    org_code: orgCode,
    org_type: typeOf(orgCode, s, orgs),
    role,
  };
}

function fromEntra(c: Claims, s: ClaimSettings, orgs: readonly OrganisationRow[]): ClaimedUser {
  const subject = text(c.oid) ?? text(c.sub);
  if (!subject) throw new EbiError("EBI_SIGN_IN_FAILED", "The Entra ID token has no oid or sub.");
  const groups = list(c.groups);
  const orgCode =
    text(c[s.orgClaim]) ?? groups.map((g) => s.groupOrgs[g]).find((o) => o !== undefined) ?? null;
  const granted = [...list(c.roles), ...groups].map(
    (g) => s.roleGroups[g] ?? (g === "admin" || g === "approver" ? g : undefined),
  );
  const role: Role = granted.includes("admin")
    ? "admin"
    : granted.includes("approver")
      ? "approver"
      : "viewer";
  return {
    subject,
    username: text(c.preferred_username) ?? text(c.upn) ?? subject,
    name: nameOf(c) ?? subject,
    org_code: orgCode,
    org_type: typeOf(orgCode, s, orgs),
    role,
  };
}

/** The built-in provider and generic providers state organisation and role as plain claims. */
function fromGeneric(
  c: Claims,
  s: ClaimSettings,
  orgs: readonly OrganisationRow[],
  trusted: boolean,
): ClaimedUser {
  const subject = text(c.sub);
  if (!subject) throw new EbiError("EBI_SIGN_IN_FAILED", "The ID token has no sub.");
  const orgCode = text(c[s.orgClaim]) ?? text(c.org_code);
  const claimedRole = text(c.role);
  const role: Role =
    trusted && (claimedRole === "admin" || claimedRole === "approver") ? claimedRole : "viewer";
  const claimedType = text(c.org_type);
  return {
    subject,
    username: text(c.preferred_username) ?? subject,
    name: nameOf(c) ?? subject,
    org_code: orgCode,
    // The built-in provider's national users have no organisation row of their own to look up.
    org_type: trusted && claimedType === "national" ? "national" : typeOf(orgCode, s, orgs),
    role,
  };
}

/** A user from an ID token's claims under the configured profile; a typed error when they do not identify one. */
export function userFromClaims(
  claims: Claims,
  settings: ClaimSettings,
  organisations: readonly OrganisationRow[],
): ClaimedUser {
  switch (settings.profile) {
    case "cis2":
      return fromCis2(claims, settings, organisations);
    case "entra":
      return fromEntra(claims, settings, organisations);
    case "builtin":
      return fromGeneric(claims, settings, organisations, true);
    default:
      return fromGeneric(claims, settings, organisations, false);
  }
}

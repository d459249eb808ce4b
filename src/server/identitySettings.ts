import type { Role } from "../access/principal.ts";
import { EbiError } from "../errors/index.ts";
import { type ClaimProfile, type ClaimSettings, defaultClaimSettings } from "../identity/claimMapping.ts";
import type { IdentitySource } from "./registeredAccess.ts";

const list = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

function record<T extends string>(
  name: string,
  v: string | undefined,
  allowed?: readonly T[],
): Record<string, T> {
  if (!v) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new EbiError(
      "EBI_IDENTITY_CONFIG",
      `${name} must be a JSON object, not ${JSON.stringify(v.slice(0, 80))}.`,
      { field: name, value: v },
    );
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new EbiError("EBI_IDENTITY_CONFIG", `${name} must be a JSON object of strings.`, {
      field: name,
      value: v,
    });
  for (const [key, value] of Object.entries(parsed))
    if (typeof value !== "string" || (allowed && !allowed.includes(value as T)))
      throw new EbiError(
        "EBI_IDENTITY_CONFIG",
        `${name}: ${JSON.stringify(key)} maps to ${JSON.stringify(value)}; expected ${allowed ? allowed.join(" or ") : "a string"}.`,
        { field: name, value },
      );
  return parsed as Record<string, T>;
}

/**
 * The identity source from the environment: an OpenID Connect provider when `EBI_OIDC_ISSUER` is set
 * (with `EBI_OIDC_CLIENT_ID`, `EBI_OIDC_CLIENT_SECRET`, `EBI_OIDC_PROFILE` = cis2 | entra | generic,
 * and the mapping settings in docs/registered-access.md), else the built-in provider; its demo users
 * only when `demo` (a synthetic release) and `EBI_DEMO_USERS` is not `0`.
 */
export function identityFromEnvironment(env: NodeJS.ProcessEnv, demo: boolean): IdentitySource {
  const issuer = env.EBI_OIDC_ISSUER;
  if (!issuer) return { kind: "builtin", demo: demo && env.EBI_DEMO_USERS !== "0" };
  const clientId = env.EBI_OIDC_CLIENT_ID;
  const clientSecret = env.EBI_OIDC_CLIENT_SECRET;
  if (!clientId || !clientSecret)
    throw new EbiError(
      "EBI_IDENTITY_CONFIG",
      "EBI_OIDC_ISSUER is set: EBI_OIDC_CLIENT_ID and EBI_OIDC_CLIENT_SECRET must be set too.",
    );
  try {
    new URL(issuer);
  } catch {
    throw new EbiError(
      "EBI_IDENTITY_CONFIG",
      `EBI_OIDC_ISSUER must be a URL, not ${JSON.stringify(issuer)}.`,
      { field: "EBI_OIDC_ISSUER", value: issuer },
    );
  }
  const profile = (env.EBI_OIDC_PROFILE ?? "generic") as ClaimProfile;
  if (!["cis2", "entra", "generic"].includes(profile))
    throw new EbiError(
      "EBI_IDENTITY_CONFIG",
      `EBI_OIDC_PROFILE must be cis2, entra or generic, not ${JSON.stringify(profile)}.`,
      {
        field: "EBI_OIDC_PROFILE",
        value: profile,
      },
    );
  const claims: ClaimSettings = {
    ...defaultClaimSettings,
    profile,
    minAssurance: env.EBI_CIS2_MIN_ASSURANCE
      ? Number(env.EBI_CIS2_MIN_ASSURANCE)
      : defaultClaimSettings.minAssurance,
    approverActivityCodes: list(env.EBI_CIS2_APPROVER_ACTIVITIES),
    adminActivityCodes: list(env.EBI_CIS2_ADMIN_ACTIVITIES),
    nationalOrgCodes: env.EBI_NATIONAL_ORGS
      ? list(env.EBI_NATIONAL_ORGS)
      : defaultClaimSettings.nationalOrgCodes,
    orgClaim: env.EBI_OIDC_ORG_CLAIM ?? defaultClaimSettings.orgClaim,
    groupOrgs: record("EBI_ENTRA_GROUP_ORGS", env.EBI_ENTRA_GROUP_ORGS),
    roleGroups: record<Role>("EBI_ENTRA_ROLE_GROUPS", env.EBI_ENTRA_ROLE_GROUPS, [
      "viewer",
      "approver",
      "admin",
    ]),
  };
  const scopes =
    env.EBI_OIDC_SCOPES ??
    (profile === "cis2" ? "openid profile nationalrbacaccess" : "openid profile email");
  return { kind: "oidc", provider: { issuer, clientId, clientSecret, scopes }, claims };
}

import { createHash } from "node:crypto";
import type { OrganisationRow } from "../release/tables.ts";
import type { OrgType, Principal, Scope } from "./principal.ts";

/** An organisation and what sits below it in the commissioning hierarchy (ICB → sub-ICBs; region → ICBs → sub-ICBs). */
function footprint(
  org: OrganisationRow,
  childrenOf: ReadonlyMap<string, OrganisationRow[]>,
): OrganisationRow[] {
  const out = [org];
  if (org.level === "provider" || org.level === "sub_icb") return out;
  for (const child of childrenOf.get(org.org_code) ?? []) {
    if (child.level === "provider") continue;
    out.push(...footprint(child, childrenOf));
  }
  return out;
}

/** The level an organisation of this type is published at. */
const levelOf = (type: OrgType) => (type === "national" ? "england" : type);

/**
 * The organisations whose registered figures a principal may read: their own organisation's
 * footprint (an ICB with its sub-ICB locations, a sub-ICB its own, a provider its trust, a region
 * its ICBs and their sub-ICBs, national everything), plus the footprint of each approved grant.
 */
export function scopeOf(
  principal: Principal | null,
  organisations: readonly OrganisationRow[],
  childrenOf: ReadonlyMap<string, OrganisationRow[]>,
  grants: readonly { id: string; org_code: string }[] = [],
): Scope {
  const keys = new Set<string>();
  if (!principal) return { keys, key: "public", grants: [] };
  const find = (code: string, type?: OrgType) =>
    organisations.find((o) => o.org_code === code && (!type || o.level === levelOf(type)));
  const add = (org: OrganisationRow | undefined) => {
    if (!org) return;
    for (const o of footprint(org, childrenOf)) keys.add(`${o.level}|${o.org_code}`);
  };
  if (principal.orgType === "national") for (const o of organisations) keys.add(`${o.level}|${o.org_code}`);
  else if (principal.orgCode && principal.orgType) add(find(principal.orgCode, principal.orgType));
  const used: string[] = [];
  for (const grant of grants) {
    const org = find(grant.org_code);
    if (!org) continue;
    add(org);
    used.push(grant.id);
  }
  if (keys.size === 0) return { keys, key: "public", grants: [] };
  const key = createHash("sha256")
    .update([...keys].sort().join(","))
    .digest("base64url")
    .slice(0, 16);
  return { keys, key, grants: used };
}

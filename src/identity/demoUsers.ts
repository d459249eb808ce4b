import type { OrgType, Role } from "../access/principal.ts";
import type { OrganisationRow } from "../release/tables.ts";

/** A demonstration account of the built-in provider: signs in with its username alone. */
export interface DemoUser {
  username: string;
  name: string;
  org_code: string;
  org_type: OrgType;
  role: Role;
}

const first = (orgs: readonly OrganisationRow[], level: OrganisationRow["level"], parent?: string) =>
  orgs
    .filter((o) => o.level === level && (parent === undefined || o.parent_code === parent))
    .sort((a, b) => a.org_code.localeCompare(b.org_code))[0];

/**
 * The demo users of a release: one per kind of organisation, drawn from its hierarchy (the first
 * ICB and one of its sub-ICB locations, the second ICB, a provider, the ICB's region, national),
 * plus an approver for the first ICB and an administrator.
 */
export function demoUsers(organisations: readonly OrganisationRow[]): DemoUser[] {
  const icb = first(organisations, "icb");
  const icbs = organisations
    .filter((o) => o.level === "icb")
    .sort((a, b) => a.org_code.localeCompare(b.org_code));
  const other = icbs[1];
  const sub = icb ? first(organisations, "sub_icb", icb.org_code) : undefined;
  const region = icb?.parent_code
    ? organisations.find((o) => o.level === "region" && o.org_code === icb.parent_code)
    : first(organisations, "region");
  const provider = first(organisations, "provider");
  const users: (DemoUser | null)[] = [
    icb
      ? {
          username: "icb-analyst",
          name: `Analyst, ${icb.name}`,
          org_code: icb.org_code,
          org_type: "icb",
          role: "viewer",
        }
      : null,
    icb
      ? {
          username: "icb-approver",
          name: `Information governance lead, ${icb.name}`,
          org_code: icb.org_code,
          org_type: "icb",
          role: "approver",
        }
      : null,
    sub
      ? {
          username: "sub-icb-analyst",
          name: `Analyst, ${sub.name}`,
          org_code: sub.org_code,
          org_type: "sub_icb",
          role: "viewer",
        }
      : null,
    other
      ? {
          username: "other-icb-analyst",
          name: `Analyst, ${other.name}`,
          org_code: other.org_code,
          org_type: "icb",
          role: "viewer",
        }
      : null,
    provider
      ? {
          username: "provider-analyst",
          name: `Analyst, ${provider.name}`,
          org_code: provider.org_code,
          org_type: "provider",
          role: "viewer",
        }
      : null,
    region
      ? {
          username: "region-analyst",
          name: `Analyst, ${region.name}`,
          org_code: region.org_code,
          org_type: "region",
          role: "viewer",
        }
      : null,
    // The demo talking-therapies service's provider (see src/products/talking-therapies/demo).
    {
      username: "tt-service-lead",
      name: "Service lead, NHS Talking Therapies (Norfolk and Suffolk NHS Foundation Trust)",
      org_code: "RMY",
      org_type: "provider",
      role: "viewer",
    },
    {
      username: "national-analyst",
      name: "Analyst, national team",
      org_code: "ENG",
      org_type: "national",
      role: "viewer",
    },
    {
      username: "admin",
      name: "Service administrator",
      org_code: "ENG",
      org_type: "national",
      role: "admin",
    },
  ];
  return users.filter((u): u is DemoUser => u !== null);
}

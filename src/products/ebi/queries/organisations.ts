import { EbiError } from "../../../errors/index.ts";
import type { OrganisationRow, OrgLevel } from "../../../release/tables.ts";
import type { LoadedRelease } from "../release/readRelease.ts";

const levelOrder: OrgLevel[] = ["england", "region", "icb", "sub_icb", "provider"];

/** An organisation by code (any case), preferring commissioner levels when a code is at two. */
export function findOrganisation(release: LoadedRelease, code: string, level?: OrgLevel): OrganisationRow {
  const wanted = code.toUpperCase();
  for (const l of level ? [level] : levelOrder) {
    const org = release.organisationOf.get(`${l}|${wanted}`) ?? release.organisationOf.get(`${l}|${code}`);
    if (org) return org;
  }
  throw new EbiError("EBI_NOT_FOUND", `No organisation ${JSON.stringify(code)} in release ${release.id}.`, {
    parameter: "org",
    value: code,
  });
}

/** A name as search compares it: lower case, "integrated care board" as "icb", punctuation as spaces. */
export function searchText(name: string): string {
  return ` ${name
    .toLowerCase()
    .replaceAll("integrated care board", "icb")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()} `;
}

/**
 * Organisations whose code is `q`, or whose name holds every word of `q` ("Ashmere ICB" finds
 * "NHS Ashmere Integrated Care Board"), commissioners first, at most `limit`.
 */
export function searchOrganisations(release: LoadedRelease, q: string, limit = 50): OrganisationRow[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return [];
  const words = searchText(needle).trim().split(" ").filter(Boolean);
  return release.organisations
    .filter(
      (o) =>
        o.org_code.toLowerCase() === needle ||
        o.name.toLowerCase().includes(needle) ||
        (words.length > 0 && words.every((w) => searchText(o.name).includes(w))),
    )
    .sort((a, b) => levelOrder.indexOf(a.level) - levelOrder.indexOf(b.level) || a.name.localeCompare(b.name))
    .slice(0, limit);
}

/** The chain from England down to `org` (for breadcrumbs). */
export function ancestry(release: LoadedRelease, org: OrganisationRow): OrganisationRow[] {
  const chain: OrganisationRow[] = [org];
  let current = org;
  while (current.parent_code && current.level !== "provider") {
    const parent = findOrganisation(release, current.parent_code);
    chain.unshift(parent);
    current = parent;
  }
  if (chain[0]?.level !== "england" && org.level !== "provider")
    chain.unshift(findOrganisation(release, "ENG"));
  return chain;
}

/** Organisations filtered by level, parent code and a name/code search, in level then code order. */
export function listOrganisations(
  release: LoadedRelease,
  filter: { level?: OrgLevel; parent?: string; q?: string },
): OrganisationRow[] {
  const needle = filter.q?.trim().toLowerCase();
  const parent = filter.parent?.toUpperCase();
  return release.organisations.filter(
    (o) =>
      (!filter.level || o.level === filter.level) &&
      (!parent || o.parent_code?.toUpperCase() === parent) &&
      (!needle || o.name.toLowerCase().includes(needle) || o.org_code.toLowerCase() === needle),
  );
}

/** An organisation with its parent and children (drill up and down the hierarchy). */
export function organisationDetail(
  release: LoadedRelease,
  code: string,
  level?: OrgLevel,
): OrganisationRow & { parent: OrganisationRow | null; children: OrganisationRow[] } {
  const org = findOrganisation(release, code, level);
  const parent =
    (org.parent_code &&
      levelOrder
        .map((l) => release.organisationOf.get(`${l}|${org.parent_code}`))
        .find((o) => o !== undefined)) ||
    null;
  const children =
    org.level === "england"
      ? release.organisations.filter((o) => o.level === "region")
      : (release.childrenOf.get(org.org_code) ?? []).filter((o) => o.level !== org.level);
  return { ...org, parent, children };
}

import type { OrganisationRow, OrgLevel } from "../release/tables.ts";

/**
 * A registered scope: the organisations (`level|org_code`) whose true counts one signed-in user
 * reads. An insider attacks the public side knowing those counts exactly.
 */
export interface InsiderScope {
  /** `level|org_code` of the organisation the scope is named for. */
  name: string;
  orgs: ReadonlySet<string>;
}

const childLevel: Partial<Record<OrgLevel, OrgLevel>> = { england: "region", region: "icb", icb: "sub_icb" };

/**
 * Every scope a registered user can hold by their own organisation: each provider, each sub-ICB
 * location, each ICB with its sub-ICB locations, each region with its ICBs and their locations
 * (the footprints `access/scopeOf` grants), with any total made only of them. England is left
 * out: a national user holds every count, so nothing outside their scope is hidden from them.
 */
export function registeredScopes(organisations: readonly OrganisationRow[]): InsiderScope[] {
  const kids = new Map<string, OrganisationRow[]>();
  const byKey = new Map<string, OrganisationRow>(organisations.map((o) => [`${o.level}|${o.org_code}`, o]));
  for (const o of organisations) {
    if (!o.parent_code || o.level === "provider") continue;
    for (const level of ["england", "region", "icb"] as const) {
      if (childLevel[level] !== o.level) continue;
      const parent = `${level}|${o.parent_code}`;
      if (byKey.has(parent)) kids.set(parent, [...(kids.get(parent) ?? []), o]);
    }
  }
  const footprint = (o: OrganisationRow, into: Set<string>) => {
    const key = `${o.level}|${o.org_code}`;
    into.add(key);
    for (const child of kids.get(key) ?? []) footprint(child, into);
    return into;
  };
  const parentOf = new Map<string, string>();
  for (const [parent, children] of kids)
    for (const child of children) parentOf.set(`${child.level}|${child.org_code}`, parent);
  // A total made only of the scope's own organisations (an ICB of one sub-ICB location) is the
  // holder's own figure too: knowing it teaches them nothing about anyone else.
  const withOwnTotals = (orgs: Set<string>) => {
    for (const start of [...orgs]) {
      for (let parent = parentOf.get(start); parent && !orgs.has(parent); parent = parentOf.get(parent)) {
        const children = kids.get(parent) ?? [];
        if (!children.every((c) => orgs.has(`${c.level}|${c.org_code}`))) break;
        orgs.add(parent);
      }
    }
    return orgs;
  };
  return organisations
    .filter((o) => o.level !== "england")
    .map((o) => ({ name: `${o.level}|${o.org_code}`, orgs: withOwnTotals(footprint(o, new Set())) }));
}

/**
 * The `level|org_code` a count's cell key belongs to (`m|level|org|month`, `b|level|org`,
 * `l|level|org`, `e|period|dimension|group|level|org`); null for keys of no organisation.
 */
export function orgOfCell(key: string): string | null {
  const parts = key.split("|");
  if (parts[0] === "e") return parts.length >= 6 ? `${parts.at(-2)}|${parts.at(-1)}` : null;
  return parts.length >= 3 ? `${parts[1]}|${parts[2]}` : null;
}

import { EbiError } from "../../../errors/index.ts";
import { type Neighbour, nearestNeighbours } from "../../../peers/nearestNeighbours.ts";
import type { OrganisationRow, OrgLevel } from "../../../release/tables.ts";
import type { LoadedRelease } from "../release/readRelease.ts";

/** What a commissioner is matched on: its population, its share aged 65 and over, its share most deprived. */
export interface PeerProfile {
  org_code: string;
  level: OrgLevel;
  /** People in the latest 12 months' population estimate. */
  population: number;
  /** Share (0–1) of them aged 65 or over. */
  aged_65_plus: number;
  /** Share (0–1) of them living in the most deprived fifth of neighbourhoods (IMD quintile 1). */
  most_deprived: number;
}

/** A commissioner's peer group: the nearest commissioners of its level with their distances. */
export interface PeerGroup {
  org: OrganisationRow;
  profile: PeerProfile;
  peers: (Neighbour & { org: OrganisationRow; profile: PeerProfile })[];
  method: string;
}

export const peerLevels: readonly OrgLevel[] = ["region", "icb", "sub_icb"];

/** How many peers a commissioner has among `n` of its level: ⌈n/4⌉, at least 3 and at most 10 (and n − 1). */
export function peerCount(n: number): number {
  return Math.max(0, Math.min(10, n - 1, Math.max(3, Math.ceil(n / 4))));
}

export const peerMethod =
  "Peers are the nearest commissioners of the same level (⌈n/4⌉ of the n, at least 3 and at most 10) by Euclidean distance, with equal weights, on three variables each turned into standard deviations from the level's mean: the natural log of the population, the share aged 65 and over, and the share living in the most deprived fifth of neighbourhoods (IMD quintile 1). The population is the estimate the latest 12 months' rates use, by age band and deprivation quintile as the equity tables publish it.";

const profilesByRelease = new WeakMap<LoadedRelease, Map<string, PeerProfile>>();

/**
 * Every commissioner's profile, from the population columns of the latest period's equity rows
 * (population estimates, not counts of activity, so nothing hidden goes into them). Kept per release.
 */
export function peerProfiles(release: LoadedRelease): Map<string, PeerProfile> {
  const kept = profilesByRelease.get(release);
  if (kept) return kept;
  const profiles = new Map<string, PeerProfile>();
  const source = release.interventions.find((i) =>
    release.equityOf.has(`${i.intervention_id}|england|ENG|latest|age_band`),
  );
  if (source)
    for (const org of release.organisations) {
      if (!peerLevels.includes(org.level)) continue;
      const key = `${source.intervention_id}|${org.level}|${org.org_code}|latest`;
      const ages = release.equityOf.get(`${key}|age_band`) ?? [];
      const quintiles = release.equityOf.get(`${key}|imd_quintile`) ?? [];
      const population = ages.reduce((s, r) => s + (r.population ?? 0), 0);
      const older = ages
        .filter((r) => Number(r.group_code) >= 65)
        .reduce((s, r) => s + (r.population ?? 0), 0);
      const deprived = quintiles.find((r) => r.group_code === "1")?.population ?? 0;
      const inQuintiles = quintiles.reduce((s, r) => s + (r.population ?? 0), 0);
      if (population > 0 && inQuintiles > 0)
        profiles.set(`${org.level}|${org.org_code}`, {
          org_code: org.org_code,
          level: org.level,
          population,
          aged_65_plus: older / population,
          most_deprived: deprived / inQuintiles,
        });
    }
  profilesByRelease.set(release, profiles);
  return profiles;
}

const groupsByRelease = new WeakMap<LoadedRelease, Map<string, PeerGroup>>();

/** The peer group of a region, ICB or sub-ICB location (see `peerMethod`); kept per release. */
export function peerGroupOf(release: LoadedRelease, org: OrganisationRow): PeerGroup {
  let groups = groupsByRelease.get(release);
  if (!groups) {
    groups = new Map();
    groupsByRelease.set(release, groups);
  }
  const key = `${org.level}|${org.org_code}`;
  const kept = groups.get(key);
  if (kept) return kept;
  const profiles = peerProfiles(release);
  const profile = profiles.get(key);
  if (!peerLevels.includes(org.level) || !profile)
    throw new EbiError(
      "EBI_NOT_FOUND",
      `${org.name} has no peer group: peers are matched for regions, ICBs and sub-ICB locations with a population.`,
      { parameter: "org", value: org.org_code },
    );
  const sameLevel = [...profiles.values()].filter((p) => p.level === org.level);
  const neighbours = nearestNeighbours(
    sameLevel.map((p) => ({
      code: p.org_code,
      variables: [Math.log(p.population), p.aged_65_plus, p.most_deprived],
    })),
    org.org_code,
    peerCount(sameLevel.length),
  );
  const group: PeerGroup = {
    org,
    profile,
    peers: neighbours.map((n) => ({
      ...n,
      org: release.organisationOf.get(`${org.level}|${n.code}`) as OrganisationRow,
      profile: profiles.get(`${org.level}|${n.code}`) as PeerProfile,
    })),
    method: peerMethod,
  };
  groups.set(key, group);
  return group;
}

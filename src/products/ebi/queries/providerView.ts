import { EbiError } from "../../../errors/index.ts";
import {
  type ProviderCommissioners,
  readProviderCommissioners,
} from "../../../release/providerCommissioners.ts";
import type { LoadedRelease } from "../release/readRelease.ts";
import type { InterventionRow, OrganisationRow } from "../release/tables.ts";
import { findOrganisation } from "./organisations.ts";
import { type PeriodSpells, providerActivity } from "./providers.ts";

const servedByRelease = new WeakMap<LoadedRelease, Map<string, ProviderCommissioners>>();

/** The release's list of the sub-ICB locations each trust serves, read once per release. */
export function servedOf(release: LoadedRelease): Map<string, ProviderCommissioners> {
  let served = servedByRelease.get(release);
  if (!served) {
    served = readProviderCommissioners(release.dir);
    servedByRelease.set(release, served);
  }
  return served;
}

export interface ProviderView {
  org: OrganisationRow;
  activity: { intervention: InterventionRow; baseline: PeriodSpells | null; latest: PeriodSpells }[];
  commissioners: OrganisationRow[];
  period: { start: string; end: string } | null;
}

/** A trust's spells of every measurable intervention (published months only) and the commissioners it serves. */
export function providerView(release: LoadedRelease, code: string): ProviderView {
  const org = findOrganisation(release, code, "provider");
  const entry = servedOf(release).get(org.org_code);
  return {
    org,
    activity: release.interventions
      .filter((i) => i.measurable)
      .flatMap((intervention) => {
        const a = providerActivity(release, intervention, org.org_code);
        return a ? [{ intervention, ...a }] : [];
      }),
    commissioners: (entry?.commissioners ?? []).map(
      (c) =>
        release.organisationOf.get(`sub_icb|${c}`) ?? {
          level: "sub_icb",
          org_code: c,
          name: c,
          parent_code: null,
        },
    ),
    period: entry?.period ?? null,
  };
}

/**
 * The trusts treating a commissioner's residents: those that list one of its sub-ICB locations
 * among the commissioners they serve (more than the disclosure threshold of spells), by name.
 */
export function commissionerProviders(
  release: LoadedRelease,
  org: OrganisationRow,
): { provider: OrganisationRow; subIcbs: string[] }[] {
  const subIcbs =
    org.level === "sub_icb"
      ? [org.org_code]
      : release.organisations
          .filter((o) => o.level === "sub_icb")
          .filter((o) => {
            const icb = o.parent_code;
            return (
              org.level === "england" ||
              icb === org.org_code ||
              (org.level === "region" &&
                release.organisationOf.get(`icb|${icb}`)?.parent_code === org.org_code)
            );
          })
          .map((o) => o.org_code);
  if (org.level === "provider")
    throw new EbiError("EBI_NOT_FOUND", `${org.name} is a provider: it has no providers of its own.`, {
      parameter: "org",
      value: org.org_code,
    });
  const wanted = new Set(subIcbs);
  return [...servedOf(release).values()]
    .map((entry) => ({ provider: entry.provider, subIcbs: entry.commissioners.filter((c) => wanted.has(c)) }))
    .filter((e) => e.subIcbs.length > 0)
    .map((e) => ({
      provider: release.organisationOf.get(`provider|${e.provider}`) ?? {
        level: "provider" as const,
        org_code: e.provider,
        name: e.provider,
        parent_code: null,
      },
      subIcbs: e.subIcbs,
    }))
    .sort((a, b) => b.subIcbs.length - a.subIcbs.length || a.provider.name.localeCompare(b.provider.name));
}

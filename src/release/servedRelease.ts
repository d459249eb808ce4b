import type { OrganisationRow, ReleaseManifest } from "./tables.ts";

/** A read-only lookup whose rows are built on demand from compact columns. */
export interface SeriesLookup<T> {
  get(key: string): T[] | undefined;
  has(key: string): boolean;
  keys(): IterableIterator<string>;
  readonly size: number;
}

/**
 * A published release in memory, as the server knows it: its id, folder, manifest and the
 * organisation hierarchy every product shares. The product whose build wrote it adds the tables it
 * reads (by declaration merging into this interface, as Fastify's own types are extended), so
 * routes read them from `request.release` while the spine names none of them.
 */
export interface ServedRelease {
  id: string;
  dir: string;
  manifest: ReleaseManifest;
  organisations: OrganisationRow[];
  /** Organisations by `${level}|${org_code}`. */
  organisationOf: Map<string, OrganisationRow>;
  childrenOf: Map<string, OrganisationRow[]>;
}

/**
 * The release contract every product's build writes and the server, API and downloads read.
 *
 * releases/<id>/
 *   manifest.json                 ReleaseManifest (below)
 *   registered/                   full figures, for signed-in NHS users (and the build's own registered tables)
 *   public/                       the same tables, redacted and secondary-suppressed when written
 *
 * Every table a product declares (`ReleaseTableSet`) is a Parquet file `<name>.parquet` in both
 * registered/ and public/, with the same columns. In public/, a redacted cell is NULL and the
 * row's `suppressed` column says why ('redacted' = the count is 1..threshold or hidden so that one
 * cannot be worked out; 'derived' = computed from a redacted count). Rows never disappear, so a
 * page can show the marker.
 *
 * Levels: 'england' (org_code 'ENG'), 'region', 'icb', 'sub_icb', 'provider'. Commissioner levels
 * are of residence/responsibility; 'provider' is where treated. Months are the first day, 'YYYY-MM-DD'.
 */

import { column, declareTable, type RowOf, type TableDeclaration } from "./declareTable.ts";

export type OrgLevel = "england" | "region" | "icb" | "sub_icb" | "provider";
/**
 * Why a cell is empty. The public side says only "redacted" (a count of 1..threshold, or a count
 * hidden so that one cannot be worked out: telling the two apart would itself narrow the values)
 * or "derived" (a figure computed from a redacted count). "primary" and "secondary" appear only in
 * the disclosure report of the registered side.
 */
export type Suppression = "redacted" | "derived" | "primary" | "secondary" | null;

/** organisations.parquet: every organisation of the hierarchy and every provider. */
export const organisationsTable = declareTable({
  name: "organisations",
  description: "every organisation of the commissioner hierarchy and every provider",
  columns: {
    level: column.text<OrgLevel>(),
    org_code: column.text(),
    name: column.text(),
    parent_code: column.optionalText(), // icb → region, sub_icb → icb
  },
  key: ["level", "org_code"],
  counts: [],
  derivedFrom: {},
  order: ["level", "org_code"],
});

export type OrganisationRow = RowOf<typeof organisationsTable.columns>;

/**
 * The tables of a product's release, declared once: what the writer writes on both sides, what
 * the release check requires and hashes, and what the whole-side reader reads.
 */
export interface ReleaseTableSet {
  /** Every table of a side, in the order they are written and protected. */
  declarations: readonly TableDeclaration[];
  /**
   * Tables added after releases were first published: a release whose manifest does not record one
   * was written before it, and is read without it (a recorded one must be there like any other).
   */
  later: readonly string[];
  /** The JSON files a release holds beside its tables (each must be there and parse). */
  jsonFiles: readonly string[];
}

/** The names of a table set's declared tables, in order. */
export const tableNames = (tables: ReleaseTableSet): string[] => tables.declarations.map((t) => t.name);

/** One registered scope's attack on the hidden counts outside it, with its own counts known. */
export interface ScopeAttack {
  scope: string;
  known: number;
  targets: number;
  solves: number;
  exposed: number;
}

/** manifest.json */
export interface ReleaseManifest {
  release_id: string;
  built_at: string; // ISO timestamp
  synthetic: boolean; // true when any input is demo data: every page shows a banner
  rule_sets: { id: string; version: string; sha256: string; effective?: string | null }[];
  /** What one count is (rules/countingUnit.ts); absent in releases built before it was recorded. */
  counting_unit?: { unit: string; definition: string };
  inputs: {
    kind: string;
    file: string;
    bytes: number;
    sha256: string;
    rows_read: number;
    rows_accepted: number;
    rows_quarantined: number;
  }[];
  reference: { dataset: string; vintage: string; file: string; sha256: string }[];
  periods: {
    data_start: string;
    data_end: string;
    baseline: Record<string, { start: string; end: string }>;
    latest: { start: string; end: string };
  };
  rows: { read: number; accepted: number; quarantined: number };
  disclosure: {
    threshold: number;
    rounding: number | null;
    method: string;
    /** The disclosure policy's id and name (absent in releases built before policies were recorded). */
    policy?: string;
    policy_name?: string;
    source?: string;
    /** One sentence pages and downloads show about the rule used. */
    statement?: string;
    /** True when the release has no public side (it cannot be published). */
    registered_only?: boolean;
    /** The attacker audit of the public side: hidden counts, LP solves, seconds. */
    audit?: {
      hidden: number;
      solves: number;
      components: number;
      largestComponent: number;
      seconds: number;
    } | null;
    /** The insider audit: each registered scope attacking the hidden counts outside it with its own counts known. */
    insider?: {
      scopes: number;
      solves: number;
      seconds: number;
      repaired: number;
      /** Each scope's attack; the product adds how many of its units (what counts are split by) were attacked. */
      perScope: ScopeAttack[];
    } | null;
  };
  goal: { percentile: number; method: string };
  costs: { source: string; table: Record<string, number> };
  tables: Record<string, { rows: number; sha256: string }>;
}

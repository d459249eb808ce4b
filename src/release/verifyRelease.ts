import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import { EbiError } from "../errors/index.ts";
import { type ReleaseManifest, type ReleaseTableSet, tableNames } from "./tables.ts";

/** What is wrong with a release folder, if anything: the first problem decides the error code. */
export interface ReleaseCheck {
  manifest: ReleaseManifest | null;
  /** Missing files or an unreadable manifest (EBI_RELEASE_INCOMPLETE). */
  incomplete: string[];
  /** Files whose sha256 is not the manifest's (EBI_RELEASE_TAMPERED). */
  tampered: string[];
  /** Built with no public side: complete as it is, but never publishable. */
  registeredOnly: boolean;
}

/** sha256 of a file, read in 1 MiB pieces so a large table is never held whole. */
export function fileSha256Sync(path: string): string {
  const hash = createHash("sha256");
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(1 << 20);
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/**
 * Checks a release folder of `tables`: manifest and declared JSON files parse; every table is there on the public
 * (and registered) side; with `hashes`, every public table's sha256 is the one the manifest
 * records. A registered-only release is incomplete as a public release.
 */
export function checkRelease(
  dir: string,
  tables: ReleaseTableSet,
  options: { hashes?: boolean } = {},
): ReleaseCheck {
  const check: ReleaseCheck = { manifest: null, incomplete: [], tampered: [], registeredOnly: false };
  try {
    check.manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as ReleaseManifest;
    if (typeof check.manifest?.release_id !== "string" || typeof check.manifest.tables !== "object")
      throw new Error("it has no release_id or tables");
  } catch (error) {
    check.incomplete.push(`manifest.json does not parse: ${(error as Error).message}`);
    check.manifest = null;
    return check;
  }
  for (const file of tables.jsonFiles)
    try {
      JSON.parse(readFileSync(join(dir, file), "utf8"));
    } catch (error) {
      check.incomplete.push(`${file} does not parse: ${(error as Error).message}`);
    }
  check.registeredOnly = check.manifest.disclosure?.registered_only === true;
  for (const table of tableNames(tables)) {
    // A release written before this table was published has neither the file nor its entry.
    if (tables.later.includes(table) && !check.manifest.tables[table]) continue;
    for (const side of check.registeredOnly ? ["registered"] : ["public", "registered"]) {
      const path = join(dir, side, `${table}.parquet`);
      if (!existsSync(path)) check.incomplete.push(`${side}/${table}.parquet is missing`);
    }
    if (check.registeredOnly) continue;
    const recorded = check.manifest.tables[table]?.sha256;
    if (!recorded) {
      check.incomplete.push(`the manifest records no sha256 for ${table}`);
      continue;
    }
    const path = join(dir, "public", `${table}.parquet`);
    if (options.hashes && existsSync(path) && fileSha256Sync(path) !== recorded)
      check.tampered.push(`public/${table}.parquet`);
  }
  return check;
}

/** Throws the named error for a release that is incomplete or tampered with; returns its manifest. */
export function assertReleaseIntact(dir: string, id: string, tables: ReleaseTableSet): ReleaseManifest {
  const check = checkRelease(dir, tables, { hashes: true });
  if (check.registeredOnly)
    throw new EbiError(
      "EBI_RELEASE_INCOMPLETE",
      `Release ${id} is registered-only: it has no public side to publish or serve.`,
      { id },
    );
  if (check.incomplete.length > 0 || !check.manifest)
    throw new EbiError(
      "EBI_RELEASE_INCOMPLETE",
      `Release ${id} is incomplete: ${check.incomplete.slice(0, 3).join("; ")}.`,
      { id, problems: check.incomplete },
    );
  if (check.tampered.length > 0)
    throw new EbiError(
      "EBI_RELEASE_TAMPERED",
      `Release ${id} does not match its manifest: ${check.tampered.join(", ")} changed after the build.`,
      { id, files: check.tampered },
    );
  return check.manifest;
}

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EbiError } from "../errors/index.ts";
import type { ReleaseManifest, ReleaseTableSet } from "./tables.ts";
import { assertReleaseIntact, checkRelease } from "./verifyRelease.ts";

/** The pointer file naming the release the server publishes. */
export const CURRENT = "CURRENT";
const HISTORY = "history.json";

const releaseIdShape = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The id of the published release, or null when none is. */
export function currentReleaseId(releasesDir: string): string | null {
  const path = join(releasesDir, CURRENT);
  if (!existsSync(path)) return null;
  const id = readFileSync(path, "utf8").trim();
  return releaseIdShape.test(id) && existsSync(join(releasesDir, id, "manifest.json")) ? id : null;
}

/**
 * Release folders (those with a manifest file), newest first. A folder whose manifest does not
 * parse or whose files are missing is listed with its problems rather than skipped or fatal.
 */
export function listReleases(
  releasesDir: string,
  tables: ReleaseTableSet,
): {
  id: string;
  manifest: ReleaseManifest | null;
  current: boolean;
  problems: string[];
  registeredOnly: boolean;
}[] {
  if (!existsSync(releasesDir)) return [];
  const current = currentReleaseId(releasesDir);
  return readdirSync(releasesDir, { withFileTypes: true })
    .filter(
      (d) =>
        d.isDirectory() && !d.name.startsWith(".") && existsSync(join(releasesDir, d.name, "manifest.json")),
    )
    .map((d) => {
      const check = checkRelease(join(releasesDir, d.name), tables);
      return {
        id: d.name,
        manifest: check.manifest,
        current: d.name === current,
        problems: check.incomplete,
        registeredOnly: check.registeredOnly,
      };
    })
    .sort(
      (a, b) =>
        String(b.manifest?.built_at ?? "").localeCompare(String(a.manifest?.built_at ?? "")) ||
        b.id.localeCompare(a.id),
    );
}

/** Makes `id` the published release in one atomic step (write a temp file, rename over CURRENT). */
export function publishRelease(releasesDir: string, id: string, tables: ReleaseTableSet): void {
  if (!releaseIdShape.test(id) || !existsSync(join(releasesDir, id, "manifest.json")))
    throw new EbiError("EBI_NOT_FOUND", `No complete release ${JSON.stringify(id)} in ${releasesDir}.`, {
      id,
    });
  // Only a whole, untouched release may become the one the server publishes.
  assertReleaseIntact(join(releasesDir, id), id, tables);
  const previous = currentReleaseId(releasesDir);
  const history = readHistory(releasesDir);
  if (previous && previous !== id) history.push(previous);
  mkdirSync(releasesDir, { recursive: true });
  const tmp = join(releasesDir, `.${CURRENT}.${process.pid}`);
  writeFileSync(tmp, `${id}\n`);
  renameSync(tmp, join(releasesDir, CURRENT));
  writeFileSync(join(releasesDir, HISTORY), `${JSON.stringify(history.slice(-50))}\n`);
}

/** Publishes the release that was current before this one; returns its id. */
export function rollbackRelease(releasesDir: string, tables: ReleaseTableSet): string {
  const history = readHistory(releasesDir);
  const current = currentReleaseId(releasesDir);
  while (history.length > 0) {
    const previous = history.pop() as string;
    if (previous !== current && existsSync(join(releasesDir, previous, "manifest.json"))) {
      assertReleaseIntact(join(releasesDir, previous), previous, tables);
      const tmp = join(releasesDir, `.${CURRENT}.${process.pid}`);
      writeFileSync(tmp, `${previous}\n`);
      renameSync(tmp, join(releasesDir, CURRENT));
      writeFileSync(join(releasesDir, HISTORY), `${JSON.stringify(history)}\n`);
      return previous;
    }
  }
  throw new EbiError("EBI_NOT_FOUND", "There is no earlier published release to roll back to.");
}

function readHistory(releasesDir: string): string[] {
  try {
    return JSON.parse(readFileSync(join(releasesDir, HISTORY), "utf8")) as string[];
  } catch {
    return [];
  }
}

import { join } from "node:path";
import { Database, quoteLiteral } from "../db/index.ts";
import { EbiError } from "../errors/index.ts";
import { currentReleaseId } from "./releaseFiles.ts";
import type { OrganisationRow } from "./tables.ts";

/** The organisations of the published release (or `id`), without reading the rest of it. */
export async function readOrganisations(releasesDir: string, id?: string): Promise<OrganisationRow[]> {
  const releaseId = id ?? currentReleaseId(releasesDir);
  if (!releaseId || !/^[A-Za-z0-9._-]+$/.test(releaseId))
    throw new EbiError(
      "EBI_NOT_FOUND",
      `No release is published in ${releasesDir}: run \`ebi start\` or \`ebi build\` first.`,
    );
  const db = await Database.open(":memory:");
  try {
    return await db.all<OrganisationRow>(
      `SELECT * FROM read_parquet(${quoteLiteral(join(releasesDir, releaseId, "public", "organisations.parquet"))}) ORDER BY level, org_code`,
    );
  } finally {
    db.close();
  }
}

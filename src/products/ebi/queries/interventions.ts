import { EbiError } from "../../../errors/index.ts";
import type { LoadedRelease } from "../release/readRelease.ts";
import type { InterventionRow } from "../release/tables.ts";

/** Every intervention of every rule set in the release, measurable or not, in release order. */
export function listInterventions(release: LoadedRelease): InterventionRow[] {
  return release.interventions;
}

/** One intervention by id; EBI_NOT_FOUND naming the `intervention` parameter when the release has none. */
export function getIntervention(release: LoadedRelease, id: string): InterventionRow {
  const intervention = release.interventionOf.get(id);
  if (!intervention)
    throw new EbiError("EBI_NOT_FOUND", `No intervention ${JSON.stringify(id)} in release ${release.id}.`, {
      parameter: "intervention",
      value: id,
    });
  return intervention;
}

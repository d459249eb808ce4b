import { existsSync } from "node:fs";
import { join } from "node:path";
import { ingestActivity } from "../../activity/index.ts";
import type { Database } from "../../db/index.ts";
import type { Effects } from "../../effects/index.ts";
import type { Workspace } from "../../store/index.ts";
import { buildPlannedCare, plannedCareDir } from "./buildPlannedCare.ts";
import { generatePlannedCare } from "./demo/generatePlannedCare.ts";

/**
 * The demo's planned care: generated from the store's demo reference data into
 * `<demo>/planned-care/`, loaded as a HES APC extract (a second load adds nothing), and built with
 * its waiting-list extract into the planned-care folder.
 */
export async function plannedCareDemo(db: Database, workspace: Workspace, effects: Effects, seed?: number) {
  const outDir = join(workspace.demoDir, "planned-care");
  const generated = await generatePlannedCare(db, outDir, effects, { seed });
  await ingestActivity(
    db,
    { kind: "apc", files: [generated.apc], reportsDir: workspace.reportsDir },
    effects,
  );
  const built = await buildPlannedCare(
    db,
    {
      outDir: plannedCareDir(workspace.root),
      waitingList: generated.waitingList,
      ethnicPopulation: generated.ethnicPopulation,
      ethnicAgeSexPopulation: generated.ethnicAgeSexPopulation,
      synthetic: true,
    },
    effects,
  );
  return { generated, built };
}

/** `ebi start`'s step: build the demo's planned care once, when the workspace holds the demo and no planned-care output. */
export async function ensurePlannedCareDemo(
  db: Database,
  workspace: Workspace,
  effects: Effects,
): Promise<void> {
  if (existsSync(join(plannedCareDir(workspace.root), "manifest.json"))) return;
  if (!existsSync(join(workspace.demoDir, "manifest.json"))) return;
  effects.logger.info("Building the demo's planned-care equity figures");
  await plannedCareDemo(db, workspace, effects);
}

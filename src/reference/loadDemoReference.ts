import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "../db/index.ts";
import type { Effects } from "../effects/index.ts";
import { InputError } from "../errors/index.ts";
import { loadReferenceFile, type ReferenceDataset, type ReferenceLoad } from "./loadReferenceFile.ts";

interface ManifestFile {
  role: string;
  dataset?: ReferenceDataset;
  vintage?: string;
  year?: number;
  path: string;
}

/** Loads every reference file a demo folder's manifest lists, hierarchy first. */
export async function loadDemoReference(
  db: Database,
  demoDir: string,
  effects: Effects,
): Promise<ReferenceLoad[]> {
  const manifestPath = join(demoDir, "manifest.json");
  let files: ManifestFile[];
  try {
    files = (JSON.parse(readFileSync(manifestPath, "utf8")) as { files: ManifestFile[] }).files;
  } catch (error) {
    throw new InputError(
      "EBI_FILE_UNREADABLE",
      "no readable demo manifest",
      { file: manifestPath },
      { cause: error },
    );
  }
  const loads: ReferenceLoad[] = [];
  for (const file of files.filter((f) => f.role === "reference" && f.dataset)) {
    loads.push(
      await loadReferenceFile(
        db,
        {
          dataset: file.dataset as ReferenceDataset,
          file: join(demoDir, file.path),
          vintage: file.vintage,
          year: file.year,
        },
        effects,
      ),
    );
  }
  return loads;
}

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ingestActivity, type LoadSummary } from "../activity/index.ts";
import type { Database } from "../db/index.ts";
import type { Effects } from "../effects/index.ts";
import { loadDemoReference } from "../reference/loadDemoReference.ts";
import type { DemoManifest } from "./generateDemo.ts";

/**
 * Loads a generated demo folder into the store: every reference file, then the activity (Parquet
 * when the demo has it, else CSV). Loading again adds nothing: loads are keyed by file content.
 */
export async function loadDemo(
  db: Database,
  demoDir: string,
  reportsDir: string,
  effects: Effects,
  options: { referenceOnly?: boolean } = {},
): Promise<LoadSummary[]> {
  const manifest = JSON.parse(readFileSync(join(demoDir, "manifest.json"), "utf8")) as DemoManifest;
  await loadDemoReference(db, demoDir, effects);
  if (options.referenceOnly) return [];
  const summaries: LoadSummary[] = [];
  for (const kind of ["apc", "op"] as const) {
    const files = manifest.files.filter((f) => f.role === "activity" && f.kind === kind);
    const file = files.find((f) => f.format === "parquet") ?? files[0];
    if (file)
      summaries.push(
        ...(await ingestActivity(db, { kind, files: [join(demoDir, file.path)], reportsDir }, effects)),
      );
  }
  return summaries;
}

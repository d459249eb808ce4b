import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

/** Where EBI Insight keeps everything it makes; one folder, so a user can see and delete it. */
export interface Workspace {
  root: string;
  /** The DuckDB store: reference data, loaded activity, quarantine, load log. */
  storePath: string;
  /** Generated demonstration files (the synthetic country). */
  demoDir: string;
  /** Immutable releases, one folder each, and the CURRENT pointer. */
  releasesDir: string;
  /** Data-quality reports, one JSON per load. */
  reportsDir: string;
}

/** Resolves the workspace: `root` if given, else `$EBI_HOME`, else `./workspace`. Creates folders. */
export function resolveWorkspace(root?: string): Workspace {
  const base = resolve(root ?? process.env.EBI_HOME ?? "workspace");
  const workspace: Workspace = {
    root: base,
    storePath: join(base, "store.duckdb"),
    demoDir: join(base, "demo"),
    releasesDir: join(base, "releases"),
    reportsDir: join(base, "reports"),
  };
  for (const dir of [workspace.root, workspace.releasesDir, workspace.reportsDir])
    mkdirSync(dir, { recursive: true });
  return workspace;
}

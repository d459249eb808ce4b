import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** provider-commissioners.json: the sub-ICB locations a trust serves (names only, no counts). */
export interface ProviderCommissioners {
  provider: string;
  /** Sub-ICB codes, the most activity first. */
  commissioners: string[];
  /** The months counted (first days of the first and last month). */
  period: { start: string; end: string };
}

export const providerCommissionersFile = "provider-commissioners.json";

/** The commissioners each trust of a release serves, by provider code; empty for a release built without them. */
export function readProviderCommissioners(releaseDir: string): Map<string, ProviderCommissioners> {
  const path = join(releaseDir, providerCommissionersFile);
  if (!existsSync(path)) return new Map();
  const rows = JSON.parse(readFileSync(path, "utf8")) as ProviderCommissioners[];
  return new Map(rows.map((r) => [r.provider, r]));
}

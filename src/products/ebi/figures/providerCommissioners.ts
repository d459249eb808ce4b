import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn } from "../../../db/index.ts";
import type { ProviderCommissioners } from "../../../release/providerCommissioners.ts";
import type { Period } from "./baselines.ts";

/**
 * The sub-ICB locations each trust serves: those whose residents had more than `threshold` spells
 * of the counted interventions there in `period`, largest first. Only the list is published, never
 * the counts, and a location below the threshold is not named, so no small count can be read off.
 */
export async function providerCommissioners(
  connection: DuckDBConnection,
  period: Period,
  threshold: number,
): Promise<ProviderCommissioners[]> {
  const rows = await allOn<{ provider: string; sub_icb: string }>(
    connection,
    `SELECT provider, sub_icb FROM cube
     WHERE provider IS NOT NULL AND sub_icb IS NOT NULL AND month BETWEEN $start::DATE AND $end::DATE
     GROUP BY ALL HAVING sum(spells) > $threshold
     ORDER BY provider, sum(spells) DESC, sub_icb`,
    { start: period.start, end: period.end, threshold },
    "list the commissioners each trust serves",
  );
  const byProvider = new Map<string, string[]>();
  for (const r of rows) byProvider.set(r.provider, [...(byProvider.get(r.provider) ?? []), r.sub_icb]);
  return [...byProvider].map(([provider, commissioners]) => ({ provider, commissioners, period }));
}

import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteIdentifier, runOn } from "../db/index.ts";
import type { ResolvedRuleSet } from "../rules/index.ts";

export interface InterventionKey {
  /** As compared: lower case, trimmed. */
  key: string;
  intervention_id: string;
  official_id: string | null;
  name: string;
  category: number | null;
  list: string;
}

/**
 * The names an approval may give an intervention: the official id (`A`, `2L`), the product's id
 * (`ebi-list-1/snoring-surgery`) and the slug. An official id or slug shared by several
 * interventions names all of them.
 */
export function interventionKeys(ruleSets: readonly ResolvedRuleSet[]): InterventionKey[] {
  const keys: InterventionKey[] = [];
  for (const set of ruleSets) {
    for (const i of set.interventions) {
      const base = {
        intervention_id: i.intervention_id,
        official_id: i.official_id,
        name: i.name,
        category: i.category,
        list: set.list,
      };
      const names = new Set([i.intervention_id, i.slug, ...(i.official_id ? [i.official_id] : [])]);
      for (const name of names) keys.push({ key: name.trim().toLowerCase(), ...base });
    }
  }
  return keys;
}

/** Writes the keys to a temporary table `table` (key, intervention_id, official_id, name, category, list). */
export async function writeInterventionKeys(
  connection: DuckDBConnection,
  ruleSets: readonly ResolvedRuleSet[],
  table = "approval_intervention_keys",
): Promise<void> {
  const name = quoteIdentifier(table);
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE ${name} (key VARCHAR, intervention_id VARCHAR, official_id VARCHAR, name VARCHAR, category INTEGER, list VARCHAR)`,
  );
  for (const k of interventionKeys(ruleSets))
    await runOn(connection, `INSERT INTO ${name} VALUES ($key, $id, $official, $name, $category, $list)`, {
      key: k.key,
      id: k.intervention_id,
      official: k.official_id,
      name: k.name,
      category: k.category,
      list: k.list,
    });
}

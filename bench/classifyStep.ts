/**
 * Child-process entry for the bench: the build's classification step alone, for the two List 1
 * interventions the reference query classifies, then the same monthly aggregation, on a copy of an
 * ingested store. Prints `{"seconds": …}` (the in-process time, without start-up).
 * Usage: node --import tsx bench/classifyStep.ts <store.duckdb>
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "../src/db/index.ts";
import { loadRuleSets, writeEpisodeFlags } from "../src/rules/index.ts";

const store = process.argv[2];
if (!store) throw new Error("usage: classifyStep.ts <store.duckdb>");
const dir = mkdtempSync(join(tmpdir(), "ebi-bench-"));
const copy = join(dir, "store.duckdb");
copyFileSync(store, copy);
const db = await Database.open(copy);
try {
  const [list1] = await loadRuleSets(["ebi-list-1"]);
  if (!list1) throw new Error("ebi-list-1 is not shipped");
  const two = {
    ...list1,
    interventions: list1.interventions.filter((i) => i.official_id === "C" || i.official_id === "M"),
  };
  const started = performance.now();
  // Episodes, as the reference matches them; the distinct spells below are what it counts.
  await writeEpisodeFlags(db, [two], { target: "bench_flags", unit: "episode" });
  const rows = await db.all(
    `SELECT date_trunc('month', coalesce(e.admidate, e.epistart)) AS month, e.sub_icb, f.intervention_id,
            count(DISTINCT f.spell_id) AS spells
     FROM bench_flags f JOIN apc_episodes e ON e.load_id = f.load_id AND e.source_row = f.source_row
     WHERE f.setting = 'apc' GROUP BY ALL`,
    undefined,
    "bench monthly aggregation",
  );
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ rows: rows.length, seconds })}\n`);
} finally {
  db.close();
  rmSync(dir, { recursive: true, force: true });
}

import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { openStore } from "../store/index.ts";
import type { FixtureEpisode, RuleFixture } from "./lintRuleSet.ts";
import type { ResolvedRuleSet } from "./loadRuleSets.ts";
import { classificationSql } from "./writeEpisodeFlags.ts";

export interface FixtureResult {
  fixture: RuleFixture;
  counted: boolean;
  passed: boolean;
}

const readFixtureFile = (path: string): RuleFixture[] | null =>
  existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as RuleFixture[]) : null;

/**
 * The fixtures kept beside a rule set's file (`<set>.fixtures.json`), or null when there are none.
 * A shipped version (`<id>@<version>.json`) keeps only the fixtures of the rules it changes; the
 * current version's fixtures stand for the rest.
 */
export function readFixtures(set: ResolvedRuleSet): RuleFixture[] | null {
  const own = readFixtureFile(set.file.replace(/\.json$/, ".fixtures.json"));
  const name = basename(set.file);
  if (!name.includes("@")) return own;
  const current = readFixtureFile(
    join(dirname(set.file), `${name.slice(0, name.indexOf("@"))}.fixtures.json`),
  );
  if (!current) return own;
  const changed = new Set((own ?? []).map((f) => f.intervention));
  return [...current.filter((f) => !changed.has(f.intervention)), ...(own ?? [])];
}

/**
 * Runs fixtures through the real classification SQL in an in-memory store: each fixture is its
 * own spell (with any other episodes it lists), and passes when it is counted exactly as expected.
 */
export async function runFixtures(
  set: ResolvedRuleSet,
  fixtures: readonly RuleFixture[],
): Promise<FixtureResult[]> {
  const db = await openStore(":memory:");
  try {
    await db.transaction(async (connection) => {
      for (const [index, fixture] of fixtures.entries()) {
        const episodes: FixtureEpisode[] = [
          fixture.episode,
          ...(fixture.episode.otherEpisodes ?? []).map((e) => ({ ...fixture.episode, ...e })),
        ];
        for (const [n, episode] of episodes.entries()) {
          const params = {
            row: index * 10 + n,
            key: `F${index}-${n}`,
            spell: `S${index}`,
            age: episode.age ?? null,
            sex: episode.sex ?? "1",
            admimeth: episode.admimeth ?? "11",
            attended: episode.attended ?? "5",
            diag: JSON.stringify(episode.diag),
            opertn: JSON.stringify(episode.opertn),
          };
          if ((episode.setting ?? "apc") === "apc") {
            const { attended: _attended, ...apc } = params;
            await connection.run(
              `INSERT INTO apc_episodes (load_id, source_row, epikey, spell_id, epistart, admimeth, age, sex, diag, opertn)
               VALUES ('fixtures', $row, $key, $spell, DATE '2019-06-01', $admimeth, $age, $sex, from_json($diag, '["VARCHAR"]'), from_json($opertn, '["VARCHAR"]'))`,
              apc,
            );
          } else {
            const { spell: _spell, admimeth: _admimeth, ...op } = params;
            await connection.run(
              `INSERT INTO op_appointments (load_id, source_row, attendkey, apptdate, attended, age, sex, diag, opertn)
               VALUES ('fixtures', $row, $key, DATE '2019-06-01', $attended, $age, $sex, from_json($diag, '["VARCHAR"]'), from_json($opertn, '["VARCHAR"]'))`,
              op,
            );
          }
        }
      }
    });
    const flags = await db.all<{ source_row: number; intervention_id: string }>(
      `SELECT source_row, intervention_id FROM (${classificationSql([set])})`,
    );
    const counted = new Set(flags.map((f) => `${Math.floor(f.source_row / 10)}|${f.intervention_id}`));
    return fixtures.map((fixture, index) => {
      const hit = counted.has(`${index}|${set.id}/${fixture.intervention}`);
      return { fixture, counted: hit, passed: hit === fixture.expect };
    });
  } finally {
    db.close();
  }
}

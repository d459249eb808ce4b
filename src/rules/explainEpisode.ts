import { allOn } from "../db/index.ts";
import { openStore } from "../store/index.ts";
import { ageSql, cancerInEpisodeSql, compileCondition, inheritedRules } from "./compileCondition.ts";
import { conditionWords } from "./describeRule.ts";
import type { FixtureEpisode } from "./lintRuleSet.ts";
import type { ResolvedRuleSet } from "./loadRuleSets.ts";
import type { Condition } from "./schema.ts";

export interface ExplainLine {
  depth: number;
  passed: boolean;
  text: string;
}

export interface Explanation {
  intervention_id: string;
  counted: boolean;
  lines: ExplainLine[];
}

/**
 * For one episode, every intervention of the sets: each clause of its rule, whether it held, and
 * so whether the episode counts. Evaluated by the same compiled SQL the build runs.
 */
export async function explainEpisode(
  sets: readonly ResolvedRuleSet[],
  episode: FixtureEpisode,
): Promise<Explanation[]> {
  const db = await openStore(":memory:");
  try {
    return await db.withConnection(async (connection) => {
      await connection.run(
        `CREATE TEMP TABLE e AS SELECT from_json($diag, '["VARCHAR"]') AS diag, from_json($opertn, '["VARCHAR"]') AS opertn,
           $age::INTEGER AS age, $sex AS sex, $admimeth AS admimeth, $attended AS attended`,
        {
          diag: JSON.stringify(episode.diag),
          opertn: JSON.stringify(episode.opertn),
          age: episode.age ?? null,
          sex: episode.sex ?? "1",
          admimeth: episode.admimeth ?? "11",
          attended: episode.attended ?? "5",
        },
      );
      const test = async (sql: string) =>
        (await allOn<{ ok: boolean }>(connection, `SELECT coalesce(${sql}, false) AS ok FROM e`))[0]?.ok ??
        false;
      const cancer = await test(cancerInEpisodeSql);
      const results: Explanation[] = [];
      for (const set of sets) {
        for (const i of set.interventions) {
          if (!i.measurable || !i.rule.match) continue;
          const setting = episode.setting ?? "apc";
          const lines: ExplainLine[] = [];
          const walk = async (condition: Condition, depth: number, prefix = ""): Promise<boolean> => {
            const passed = await test(compileCondition(condition));
            const leaf = "procedure" in condition || "diagnosis" in condition;
            lines.push({
              depth,
              passed,
              text: `${prefix}${leaf ? conditionWords(condition) : "allOf" in condition ? "all of:" : "anyOf" in condition ? "any of:" : "none of:"}`,
            });
            if (!leaf) {
              const children =
                "allOf" in condition
                  ? condition.allOf
                  : "anyOf" in condition
                    ? condition.anyOf
                    : condition.noneOf;
              for (const child of children) await walk(child, depth + 1);
            }
            return passed;
          };
          let counted = i.rule.setting.includes(setting);
          if (!counted) lines.push({ depth: 0, passed: false, text: `not counted in ${setting}` });
          counted = (await walk(i.rule.match as Condition, 0, "match: ")) && counted;
          for (const exclusion of (i.rule.exclude ?? []) as Condition[]) {
            const hit = await test(compileCondition(exclusion));
            lines.push({
              depth: 0,
              passed: !hit,
              text: `exclude: ${conditionWords(exclusion)}${hit ? " (present)" : " (absent)"}`,
            });
            counted = counted && !hit;
          }
          const age = ageSql(i.rule.age);
          if (age) {
            const ok = await test(age);
            lines.push({
              depth: 0,
              passed: ok,
              text: `age limit ${JSON.stringify(i.rule.age)}: age ${episode.age ?? "unknown"}`,
            });
            counted = counted && ok;
          }
          if (i.rule.sex) {
            const ok = (episode.sex ?? "1") === (i.rule.sex === "female" ? "2" : "1");
            lines.push({ depth: 0, passed: ok, text: `${i.rule.sex} only: sex ${episode.sex ?? "1"}` });
            counted = counted && ok;
          }
          const inherited = inheritedRules(i.rule);
          if (inherited.includes("emergency") && setting === "apc") {
            const ok = !(episode.admimeth ?? "11").startsWith("2");
            lines.push({
              depth: 0,
              passed: ok,
              text: `not an emergency admission: admimeth ${episode.admimeth ?? "11"}`,
            });
            counted = counted && ok;
          }
          if (inherited.includes("cancer")) {
            lines.push({
              depth: 0,
              passed: !cancer,
              text: `no cancer diagnosis in the spell${cancer ? " (one is present)" : ""}`,
            });
            counted = counted && !cancer;
          }
          if (setting === "op") {
            const ok = ["5", "6"].includes(episode.attended ?? "5");
            lines.push({ depth: 0, passed: ok, text: `appointment attended: ${episode.attended ?? "5"}` });
            counted = counted && ok;
          }
          results.push({ intervention_id: i.intervention_id, counted, lines });
        }
      }
      return results;
    });
  } finally {
    db.close();
  }
}

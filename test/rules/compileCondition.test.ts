import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Database } from "../../src/db/index.ts";
import { isEbiError } from "../../src/errors/index.ts";
import {
  cancerCategories,
  cancerInEpisodeSql,
  compileCondition,
  requiredCodes,
  suggestedCode,
} from "../../src/rules/compileCondition.ts";
import { loadRuleSets, writeEpisodeFlags } from "../../src/rules/index.ts";
import { lintRule } from "../../src/rules/lintRuleSet.ts";
import type { Condition } from "../../src/rules/schema.ts";
import { openStore } from "../../src/store/index.ts";

describe("cancerInEpisodeSql", () => {
  it("counts exactly the categories C00–C97, D00–D09 and D37–D48, at every edge of each range", async () => {
    const codes = [
      "B99",
      "B999",
      "C00",
      "C001",
      "C50",
      "C97",
      "C979",
      "C98",
      "C99",
      "D00",
      "D09",
      "D099",
      "D10",
      "D36",
      "D369",
      "D37",
      "D471",
      "D48",
      "D489",
      "D49",
      "E00",
    ];
    const db = await Database.open(":memory:");
    try {
      const rows = await db.all<{ code: string; cancer: boolean }>(
        `SELECT code, ${cancerInEpisodeSql} AS cancer FROM (SELECT unnest($codes::VARCHAR[]) AS code)
         CROSS JOIN LATERAL (SELECT [code, NULL] AS diag)`,
        { codes: JSON.stringify(codes).replaceAll('"', "'") },
      );
      const expected = new Map(codes.map((c) => [c, cancerCategories.includes(c.slice(0, 3))]));
      expect(new Map(rows.map((r) => [r.code, r.cancer]))).toEqual(expected);
      expect([...expected.values()].filter(Boolean)).toHaveLength(12);
    } finally {
      db.close();
    }
  });
});

describe("requiredCodes", () => {
  const procedure = (...codes: string[]): Condition => ({ procedure: { position: "any", codes } });
  const diagnosis = (...codes: string[]): Condition => ({ diagnosis: { position: "primary", codes } });

  it("needs one part's codes for allOf and every part's for anyOf, by 3-character category", () => {
    expect(requiredCodes({ allOf: [procedure("W851", "W852"), diagnosis("M17")] })).toEqual({
      diag: new Set(),
      opertn: new Set(["W85"]),
    });
    expect(requiredCodes({ anyOf: [procedure("W851"), diagnosis("M171", "M17")] })).toEqual({
      diag: new Set(["M17"]),
      opertn: new Set(["W85"]),
    });
  });

  it("needs no code for a bare noneOf, nor for anyOf with such a part", () => {
    expect(requiredCodes({ noneOf: [procedure("W85")] })).toBeUndefined();
    expect(requiredCodes({ anyOf: [procedure("W85"), { noneOf: [diagnosis("M17")] }] })).toBeUndefined();
    expect(requiredCodes({ allOf: [{ noneOf: [diagnosis("M17")] }, procedure("W85")] })).toEqual({
      diag: new Set(),
      opertn: new Set(["W85"]),
    });
  });
});

describe("classification's code filter", () => {
  it("still flags an episode with no codes when a local rule can match without one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ebi-rules-"));
    const file = join(dir, "no-code-rule.json");
    writeFileSync(
      file,
      JSON.stringify({
        id: "icb-no-code",
        version: "1",
        title: "A local rule that needs no code",
        list: "List 1",
        extends: "ebi-list-1",
        interventions: [
          {
            officialId: null,
            slug: "anything-but-knee",
            name: "Any admission of a centenarian but knee arthroscopy",
            category: 2,
            setting: ["apc"],
            age: { min: 100 },
            match: { noneOf: [{ procedure: { position: "any", codes: ["W85"] } }] },
            provenance: "test",
            confidence: "provisional",
          },
        ],
      }),
    );
    const db = await openStore(":memory:");
    try {
      for (const [row, [key, age, opertn]] of [
        ["old-no-codes", 101, "[]"],
        ["young-no-codes", 40, "[]"],
        ["old-knee", 101, '["W851"]'],
      ].entries())
        await db.run(
          `INSERT INTO apc_episodes (load_id, source_row, epikey, spell_id, epistart, admimeth, age, sex, diag, opertn)
           VALUES ('t', $row, $key, $key, DATE '2019-05-01', '11', $age, '1', [], from_json($opertn, '["VARCHAR"]'))`,
          { row, key: String(key), age: Number(age), opertn: String(opertn) },
        );
      await writeEpisodeFlags(db, await loadRuleSets([file]));
      const flagged = await db.all<{ record_key: string }>(
        "SELECT record_key FROM episode_flags WHERE intervention_id = 'icb-no-code/anything-but-knee'",
      );
      expect(flagged.map((r) => r.record_key)).toEqual(["old-no-codes"]);
    } finally {
      db.close();
    }
  });
});

describe("codes that cannot exist", () => {
  const primary = (...codes: string[]): Condition => ({ procedure: { position: "primary", codes } });
  const thrown = (f: () => unknown) => {
    try {
      f();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it("refuses a dotted code instead of leaving it out of the clause", () => {
    // Before, "A65.1" fell out of both the 4-character and the 3-character lists, so this compiled
    // to a test of A651 alone and the dotted code was silently dropped.
    const error = thrown(() => compileCondition(primary("A651", "A65.1")));
    expect(isEbiError(error) && error.code).toBe("EBI_RULES_INVALID");
    expect((error as Error).message).toContain('"A65.1" cannot exist');
    expect((error as Error).message).toContain("write A651");
  });

  it("refuses codes of 2 or 5 characters and lower case, in any position and under noneOf", () => {
    for (const condition of [
      primary("A6"),
      { diagnosis: { position: "any", codes: ["G5600"] } } as Condition,
      { diagnosis: { position: "secondary", codes: ["g560"] } } as Condition,
      { noneOf: [primary("W85.1")] } as Condition,
    ])
      expect(isEbiError(thrown(() => compileCondition(condition)))).toBe(true);
    expect(compileCondition(primary("A65", "A651"))).toContain("'A651'");
  });

  it("suggests the stored form only when it is plain", () => {
    expect(suggestedCode("A65.1")).toBe("A651");
    expect(suggestedCode("m23.2")).toBe("M232");
    expect(suggestedCode("A6")).toBeUndefined();
    expect(suggestedCode("A6512")).toBeUndefined();
  });

  it("is a lint finding that names the code and its stored form", () => {
    const findings = lintRule({
      officialId: null,
      slug: "carpal-tunnel-local",
      name: "Carpal tunnel release (local)",
      category: 2,
      setting: ["apc"],
      match: { procedure: { position: "primary", codes: ["A65.1", "A659"] } },
      provenance: "test",
      confidence: "provisional",
    });
    expect(findings.map((f) => f.code)).toEqual(["code-shape"]);
    expect(findings[0]?.message).toContain("write A651");
  });

  it("stops a build on a local rule set with a dotted code, naming the intervention, and writes no flags", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ebi-rules-"));
    const file = join(dir, "dotted.json");
    writeFileSync(
      file,
      JSON.stringify({
        id: "icb-dotted",
        version: "1",
        title: "A local rule written with ICD-10 dots",
        list: "List 1",
        interventions: [
          {
            officialId: null,
            slug: "carpal-tunnel-local",
            name: "Carpal tunnel release (local)",
            category: 2,
            setting: ["apc"],
            match: {
              allOf: [
                { procedure: { position: "primary", codes: ["A651"] } },
                { diagnosis: { position: "primary", codes: ["G56.0"] } },
              ],
            },
            provenance: "test",
            confidence: "provisional",
          },
        ],
      }),
    );
    const db = await openStore(":memory:");
    try {
      await db.run(
        `INSERT INTO apc_episodes (load_id, source_row, epikey, spell_id, epistart, admimeth, age, sex, diag, opertn)
         VALUES ('t', 1, 'e1', 's1', DATE '2019-05-01', '11', 50, '1', ['G560'], ['A651'])`,
      );
      const error = await writeEpisodeFlags(db, await loadRuleSets([file])).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isEbiError(error) && error.code).toBe("EBI_RULES_INVALID");
      expect((error as Error).message).toMatch(/carpal-tunnel-local, match: .*"G56\.0".*write G560/);
      const [count] = await db.all<{ n: number }>(
        "SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'episode_flags'",
      );
      expect(count?.n).toBe(0);
    } finally {
      db.close();
    }
  });
});

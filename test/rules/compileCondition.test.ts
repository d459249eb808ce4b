import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Database } from "../../src/db/index.ts";
import { cancerCategories, cancerInEpisodeSql, requiredCodes } from "../../src/rules/compileCondition.ts";
import { loadRuleSets, writeEpisodeFlags } from "../../src/rules/index.ts";
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

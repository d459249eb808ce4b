import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EbiError } from "../../src/errors/index.ts";
import {
  lintRuleSet,
  loadRuleSets,
  type RuleFixture,
  readFixtures,
  runFixtures,
  shippedRuleSetIds,
  writeEpisodeFlags,
} from "../../src/rules/index.ts";
import { openStore } from "../../src/store/index.ts";

const defects = (name: string) => join(import.meta.dirname, "../fixtures/rules/defects", `${name}.json`);

describe("shipped rule sets", () => {
  it("ships List 1 with its 17 interventions A to Q and List 2 with the not-measurable ones marked", async () => {
    const [list1, list2] = await loadRuleSets(["ebi-list-1", "ebi-list-2"]);
    expect(list1?.interventions.map((i) => i.official_id)).toEqual([..."ABCDEFGHIJKLMNOPQ"]);
    expect(list1?.interventions.filter((i) => i.category === 1).map((i) => i.official_id)).toEqual([
      "A",
      "B",
      "C",
      "D",
    ]);
    const notMeasurable = list2?.interventions
      .filter((i) => !i.measurable)
      .map((i) => i.official_id ?? i.slug);
    expect(notMeasurable).toEqual(expect.arrayContaining(["2L", "2Z", "knee-mri-osteoarthritis"]));
    // Only the two published List 2 ids appear; none is invented.
    expect(list2?.interventions.map((i) => i.official_id).filter((id) => id !== null)).toEqual(["2L", "2Z"]);
  });

  it.each(shippedRuleSetIds())("passes every fixture of %s through the compiled SQL", async (id) => {
    const [set] = await loadRuleSets([id]);
    if (!set) throw new Error("missing set");
    const fixtures = readFixtures(set) ?? [];
    const results = await runFixtures(set, fixtures);
    expect(
      results.filter((r) => !r.passed).map((r) => `${r.fixture.intervention}: ${r.fixture.name}`),
    ).toEqual([]);
    // Every measurable intervention has a positive and at least one near-miss.
    expect(lintRuleSet(set, fixtures)).toEqual([]);
  });

  it("fails a fixture whose expectation is wrong", async () => {
    const [set] = await loadRuleSets(["ebi-list-1"]);
    if (!set) throw new Error("missing set");
    const wrong: RuleFixture = {
      intervention: "knee-arthroscopy-osteoarthritis",
      name: "emergency admission said to count",
      expect: true,
      episode: { opertn: ["W851"], diag: ["M171"], age: 60, admimeth: "21" },
    };
    const [result] = await runFixtures(set, [wrong]);
    expect(result?.passed).toBe(false);
  });
});

describe("lintRuleSet", () => {
  const lint = async (name: string) => {
    const [set] = await loadRuleSets([defects(name)]);
    if (!set) throw new Error("missing set");
    return lintRuleSet(set, null).map((f) => f.code);
  };
  it("rejects a pattern that can never match (the haemorrhoid defect)", async () => {
    expect(await lint("never-matches")).toContain("code-shape");
  });
  it("rejects two primary clauses with no code in common", async () => {
    expect(await lint("disjoint-primaries")).toContain("never-matches");
  });
  it("rejects site codes tested against diagnosis fields", async () => {
    expect(await lint("site-code-in-diagnosis")).toContain("site-code-in-diagnosis");
  });
  it("rejects codes of the right shape that do not exist (J332, J333, K367, M445)", async () => {
    const codes = await lint("invalid-codes");
    expect(codes.filter((c) => c === "code-unknown")).toHaveLength(4);
  });
  it("rejects an inverted not that counts everything except the diagnosis", async () => {
    expect(await lint("inverted-not")).toContain("inverted-condition");
  });
  it("rejects a required code that is also excluded, and a code listed twice", async () => {
    const codes = await lint("contradiction");
    expect(codes).toContain("contradiction");
    expect(codes).toContain("duplicate-code");
  });
  it("asks for fixtures for every measurable intervention", async () => {
    const [set] = await loadRuleSets(["ebi-list-1"]);
    if (!set) throw new Error("missing set");
    expect(lintRuleSet(set, []).filter((f) => f.code === "no-fixtures")).toHaveLength(34);
  });
});

describe("local variants and the file format", () => {
  it("extends a shipped set: removes, overrides and adds interventions under its own id", async () => {
    const [variant] = await loadRuleSets([join(import.meta.dirname, "../fixtures/rules/local-variant.json")]);
    const slugs = variant?.interventions.map((i) => i.slug) ?? [];
    expect(variant?.id).toBe("icb-example-variant");
    expect(variant?.extends).toEqual(["ebi-list-1"]);
    expect(slugs).not.toContain("snoring-surgery");
    expect(slugs).toContain("local-cataract-second-eye");
    expect(slugs).toHaveLength(17);
    const haemorrhoids = variant?.interventions.find((i) => i.slug === "haemorrhoid-surgery");
    expect(haemorrhoids?.intervention_id).toBe("icb-example-variant/haemorrhoid-surgery");
    expect(haemorrhoids?.description).toContain("H52*");
  });

  it("names the file and the path of a rule that breaks the format", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ebi-"));
    const file = join(dir, "bad.json");
    writeFileSync(
      file,
      JSON.stringify({
        id: "bad",
        version: "1",
        title: "t",
        list: "l",
        interventions: [{ slug: "Not A Slug" }],
      }),
    );
    const error = await loadRuleSets([file]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EbiError);
    expect((error as EbiError).code).toBe("EBI_RULES_INVALID");
    expect((error as EbiError).message).toContain(file);
    expect((error as EbiError).message).toContain("/interventions/0");
  });
});

describe("writeEpisodeFlags", () => {
  async function flagsFor(
    episodes: {
      key: string;
      spell: string;
      diag: string[];
      opertn: string[];
      admimeth?: string;
      age?: number;
    }[],
  ) {
    const db = await openStore(":memory:");
    for (const [row, e] of episodes.entries()) {
      await db.run(
        `INSERT INTO apc_episodes (load_id, source_row, epikey, spell_id, epistart, admimeth, age, sex, diag, opertn)
         VALUES ('t', $row, $key, $spell, DATE '2019-05-01', $admimeth, $age, '2', from_json($diag, '["VARCHAR"]'), from_json($opertn, '["VARCHAR"]'))`,
        {
          row,
          key: e.key,
          spell: e.spell,
          admimeth: e.admimeth ?? "11",
          age: e.age ?? 50,
          diag: JSON.stringify(e.diag),
          opertn: JSON.stringify(e.opertn),
        },
      );
    }
    await writeEpisodeFlags(db, await loadRuleSets(["ebi-list-1", "ebi-list-2"]));
    const rows = await db.all<{ record_key: string; spell_id: string; intervention_id: string }>(
      "SELECT record_key, spell_id, intervention_id FROM episode_flags ORDER BY record_key, intervention_id",
    );
    db.close();
    return rows;
  }

  it("flags both episodes of a spell with two matching episodes, under one spell id", async () => {
    const rows = await flagsFor([
      { key: "e1", spell: "s1", opertn: ["W851"], diag: ["M171"] },
      { key: "e2", spell: "s1", opertn: ["W852"], diag: ["M179"] },
    ]);
    expect(rows).toEqual([
      { record_key: "e1", spell_id: "s1", intervention_id: "ebi-list-1/knee-arthroscopy-osteoarthritis" },
      { record_key: "e2", spell_id: "s1", intervention_id: "ebi-list-1/knee-arthroscopy-osteoarthritis" },
    ]);
  });

  it("flags an episode that matches two interventions for each", async () => {
    const rows = await flagsFor([
      { key: "e1", spell: "s1", opertn: ["S062", "C122"], diag: ["D225", "H001"] },
    ]);
    expect(rows.map((r) => r.intervention_id)).toEqual([
      "ebi-list-1/benign-skin-lesions",
      "ebi-list-1/chalazia-removal",
    ]);
  });

  it("excludes every episode of a spell when any episode has a cancer diagnosis", async () => {
    const rows = await flagsFor([
      { key: "e1", spell: "s1", opertn: ["W851"], diag: ["M171"] },
      { key: "e2", spell: "s1", opertn: [], diag: ["D471"] },
      { key: "e3", spell: "s2", opertn: ["W851"], diag: ["M171"] },
    ]);
    expect(rows.map((r) => r.record_key)).toEqual(["e3"]);
  });

  it("excludes emergency admissions everywhere except where a rule says otherwise", async () => {
    const rows = await flagsFor([
      { key: "e1", spell: "s1", opertn: ["W851"], diag: ["M171"], admimeth: "21" },
      { key: "e2", spell: "s2", opertn: ["H011"], diag: ["K358"], admimeth: "21" },
    ]);
    expect(rows).toEqual([
      { record_key: "e2", spell_id: "s2", intervention_id: "ebi-list-2/appendicectomy-without-confirmation" },
    ]);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EbiError } from "../../src/errors/index.ts";
import {
  type CountingUnit,
  classificationParts,
  createFlagsTable,
  interventionTableMarkdown,
  lintRuleSet,
  loadRuleSets,
  type RuleFixture,
  readFixtures,
  replaceInterventionTable,
  runFixtures,
  shippedRuleSetIds,
  shippedRuleSetRefs,
  shippedVersions,
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

  it("ships List 2 with all 31 interventions: 2L and 2Z in Category 1, the other 29 in Category 2", async () => {
    const [list2] = await loadRuleSets(["ebi-list-2"]);
    const all = list2?.interventions ?? [];
    expect(all).toHaveLength(31);
    expect(all.filter((i) => i.category === 1).map((i) => i.official_id)).toEqual(["2L", "2Z"]);
    expect(all.filter((i) => i.category === 2)).toHaveLength(29);
    // Every one says where it can be counted; one counted elsewhere names the data set.
    for (const i of all) {
      expect(["hes", "dataset", "none", "unknown"]).toContain(i.measurability);
      if (i.measurability === "dataset") expect(["DID", "pathology", "transfusion"]).toContain(i.dataset);
      if (!i.measurable) expect(i.description).toMatch(/no count is made|no separate count/);
    }
    const slugs = all.map((i) => i.slug);
    for (const title of [
      "psa-testing",
      "knee-mri-meniscal-tears",
      "mri-hip-arthritis",
      "shoulder-pain-scans-and-guided-injections",
    ])
      expect(slugs).toContain(title);
    expect(all.find((i) => i.slug === "repeat-colonoscopy")?.rule.sharesCodingWith).toBe(
      "appropriate-colonoscopy",
    );
  });

  it("selects a rule set's versions by id@version and says when each applies", async () => {
    const versions = shippedVersions("ebi-list-1");
    expect(versions.map((v) => [v.version, v.effective, v.current])).toEqual([
      ["2019.1", "2019-04-01", false],
      ["2024.1", "2024-09-01", true],
    ]);
    const [original, exact, current] = await loadRuleSets([
      "ebi-list-1@2019",
      "ebi-list-1@2019.1",
      "ebi-list-1",
    ]);
    expect(original?.version).toBe("2019.1");
    expect(exact?.sha256).toBe(original?.sha256);
    expect(current?.version).toBe("2024.1");
    // Intervention ids stay the same across versions; grommets' age is what changed.
    const grommets = (set: typeof original) => set?.interventions.find((i) => i.slug === "grommets-glue-ear");
    expect(grommets(original)?.intervention_id).toBe(grommets(current)?.intervention_id);
    expect(grommets(original)?.rule.age).toBe("child");
    expect(grommets(current)?.rule.age).toEqual({ max: 11 });
    const error = await loadRuleSets(["ebi-list-1@2031"]).catch((e: unknown) => e);
    expect((error as EbiError).code).toBe("EBI_NOT_FOUND");
    expect((error as EbiError).message).toContain("2019.1 (from 2019-04-01), 2024.1 (from 2024-09-01)");
  });

  it.each(shippedRuleSetRefs())("passes every fixture of %s through the compiled SQL", async (id) => {
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
      epistart?: string;
    }[],
    options: {
      unit?: CountingUnit;
      sets?: string[];
      apcRows?: number;
      appointments?: { key: string; attended: string; diag: string[]; opertn: string[] }[];
    } = {},
  ) {
    const db = await openStore(":memory:");
    for (const [row, a] of (options.appointments ?? []).entries()) {
      await db.run(
        `INSERT INTO op_appointments (load_id, source_row, attendkey, apptdate, attended, age, sex, diag, opertn)
         VALUES ('o', $row, $key, DATE '2019-05-01', $attended, 50, '2', from_json($diag, '["VARCHAR"]'), from_json($opertn, '["VARCHAR"]'))`,
        {
          row,
          key: a.key,
          attended: a.attended,
          diag: JSON.stringify(a.diag),
          opertn: JSON.stringify(a.opertn),
        },
      );
    }
    for (const [row, e] of episodes.entries()) {
      await db.run(
        `INSERT INTO apc_episodes (load_id, source_row, epikey, spell_id, epistart, admimeth, age, sex, diag, opertn)
         VALUES ('t', $row, $key, $spell, $epistart::DATE, $admimeth, $age, '2', from_json($diag, '["VARCHAR"]'), from_json($opertn, '["VARCHAR"]'))`,
        {
          row,
          epistart: e.epistart ?? "2019-05-01",
          key: e.key,
          spell: e.spell,
          admimeth: e.admimeth ?? "11",
          age: e.age ?? 50,
          diag: JSON.stringify(e.diag),
          opertn: JSON.stringify(e.opertn),
        },
      );
    }
    const sets = await loadRuleSets(options.sets ?? ["ebi-list-1", "ebi-list-2"]);
    // `apcRows` stands in for a store that size, so the classification runs in that many parts.
    const { apcRows } = options;
    if (apcRows === undefined) await writeEpisodeFlags(db, sets, { unit: options.unit });
    else
      await db.withConnection((c) =>
        createFlagsTable(c, sets, { unit: options.unit, target: "episode_flags", apcRows }),
      );
    const rows = await db.all<{ record_key: string; spell_id: string; intervention_id: string }>(
      "SELECT record_key, spell_id, intervention_id FROM episode_flags ORDER BY record_key, intervention_id",
    );
    db.close();
    return rows;
  }

  it("counting episodes, flags both episodes of a spell with two matching episodes, under one spell id", async () => {
    const rows = await flagsFor(
      [
        { key: "e1", spell: "s1", opertn: ["W851"], diag: ["M171"] },
        { key: "e2", spell: "s1", opertn: ["W852"], diag: ["M179"] },
      ],
      { unit: "episode" },
    );
    expect(rows).toEqual([
      { record_key: "e1", spell_id: "s1", intervention_id: "ebi-list-1/knee-arthroscopy-osteoarthritis" },
      { record_key: "e2", spell_id: "s1", intervention_id: "ebi-list-1/knee-arthroscopy-osteoarthritis" },
    ]);
  });

  it("counting spells (the default), counts a spell with two matching episodes once, on its dominant episode", async () => {
    const rows = await flagsFor([
      { key: "e1", spell: "s1", opertn: ["W851"], diag: ["M171"] },
      { key: "e2", spell: "s1", opertn: ["W852"], diag: ["M179"], epistart: "2019-05-03" },
    ]);
    expect(rows).toEqual([
      { record_key: "e1", spell_id: "s1", intervention_id: "ebi-list-1/knee-arthroscopy-osteoarthritis" },
    ]);
  });

  it("judges a spell on its dominant procedure (first episode with one) and its first episode's primary diagnosis", async () => {
    const rows = await flagsFor([
      // s1: the admitting episode records the diagnosis, the second the operation: one count, on e2.
      { key: "e1", spell: "s1", opertn: [], diag: ["M171"] },
      { key: "e2", spell: "s1", opertn: ["W851"], diag: ["Z988"], epistart: "2019-05-02" },
      // s2: the dominant procedure is the first episode's X-ray, not the later arthroscopy.
      { key: "e3", spell: "s2", opertn: ["U211"], diag: ["M171"] },
      { key: "e4", spell: "s2", opertn: ["W851"], diag: ["M171"], epistart: "2019-05-02" },
      // s3: the primary diagnosis is the admitting episode's, not the later one's.
      { key: "e5", spell: "s3", opertn: [], diag: ["R104"] },
      { key: "e6", spell: "s3", opertn: ["W851"], diag: ["M171"], epistart: "2019-05-02" },
    ]);
    expect(rows).toEqual([
      { record_key: "e2", spell_id: "s1", intervention_id: "ebi-list-1/knee-arthroscopy-osteoarthritis" },
    ]);
    // Counting episodes, e4 and e6 count on their own codes.
    const episodes = await flagsFor(
      [
        { key: "e3", spell: "s2", opertn: ["U211"], diag: ["M171"] },
        { key: "e4", spell: "s2", opertn: ["W851"], diag: ["M171"], epistart: "2019-05-02" },
        { key: "e5", spell: "s3", opertn: [], diag: ["R104"] },
        { key: "e6", spell: "s3", opertn: ["W851"], diag: ["M171"], epistart: "2019-05-02" },
      ],
      { unit: "episode" },
    );
    expect(episodes.map((r) => r.record_key)).toEqual(["e4", "e6"]);
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

  it("excludes emergency admissions everywhere, appendicectomy included as its published SQL does", async () => {
    const episodes = [
      { key: "e1", spell: "s1", opertn: ["W851"], diag: ["M171"], admimeth: "21" },
      { key: "e2", spell: "s2", opertn: ["H011"], diag: ["K358"], admimeth: "21" },
    ];
    expect(await flagsFor(episodes)).toEqual([]);
    // A local variant that reads the published count as all appendicectomies drops the exclusion.
    const dir = mkdtempSync(join(tmpdir(), "ebi-"));
    const variant = join(dir, "all-appendicectomies.json");
    writeFileSync(
      variant,
      JSON.stringify({
        id: "all-appendicectomies",
        version: "1",
        title: "List 2 with appendicectomies in emergency admissions",
        list: "List 2",
        extends: "ebi-list-2",
        override: { "appendicectomy-without-confirmation": { inherits: ["cancer"] } },
        interventions: [],
      }),
    );
    expect(await flagsFor(episodes, { sets: [variant] })).toEqual([
      {
        record_key: "e2",
        spell_id: "s2",
        intervention_id: "all-appendicectomies/appendicectomy-without-confirmation",
      },
    ]);
  });

  describe("in parts", () => {
    it("splits one statement per 25 million admitted episodes, one at a national year or less", () => {
      expect(classificationParts(0)).toBe(1);
      expect(classificationParts(22_579_519)).toBe(1);
      expect(classificationParts(25_000_000)).toBe(1);
      expect(classificationParts(25_000_001)).toBe(2);
      expect(classificationParts(180_636_152)).toBe(8);
    });

    // Twelve of each case, so the spells fall in every part: a multi-episode spell judged on its
    // dominant procedure, one excluded by cancer in a later episode, and a plain match.
    const episodes = Array.from({ length: 12 }, (_, i) => [
      { key: `a${i}-1`, spell: `a${i}`, opertn: [], diag: ["M171"] },
      { key: `a${i}-2`, spell: `a${i}`, opertn: ["W851"], diag: ["Z988"], epistart: "2019-05-02" },
      { key: `b${i}-1`, spell: `b${i}`, opertn: ["W851"], diag: ["M171"] },
      { key: `b${i}-2`, spell: `b${i}`, opertn: [], diag: ["D471"], epistart: "2019-05-02" },
      { key: `c${i}-1`, spell: `c${i}`, opertn: ["S062", "C122"], diag: ["D225", "H001"] },
    ]).flat();

    // Outpatients are classified once beside the parts: an attended chalazion removal counts, a
    // missed one does not.
    const appointments = Array.from({ length: 12 }, (_, i) => [
      { key: `o${i}-1`, attended: "5", opertn: ["C122"], diag: ["H001"] },
      { key: `o${i}-2`, attended: "3", opertn: ["C122"], diag: ["H001"] },
    ]).flat();

    it("gives the same flags in three parts as in one, spells never split between parts", async () => {
      const whole = await flagsFor(episodes, { apcRows: 1, appointments });
      const parts = await flagsFor(episodes, { apcRows: 75_000_000, appointments });
      expect(parts).toEqual(whole);
      expect(whole.filter((r) => r.record_key.startsWith("o")).map((r) => r.record_key)).toEqual(
        Array.from({ length: 12 }, (_, i) => `o${i}-1`).sort(),
      );
      // The dominant episode of each a-spell, nothing from a cancer spell, both interventions of c.
      expect(whole.filter((r) => r.spell_id.startsWith("a")).map((r) => r.record_key)).toEqual(
        Array.from({ length: 12 }, (_, i) => `a${i}-2`).sort(),
      );
      expect(whole.some((r) => r.spell_id.startsWith("b"))).toBe(false);
      expect(whole.filter((r) => r.spell_id.startsWith("c"))).toHaveLength(24);
      const episodeWise = await flagsFor(episodes, { unit: "episode", apcRows: 75_000_000, appointments });
      expect(episodeWise).toEqual(await flagsFor(episodes, { unit: "episode", apcRows: 1, appointments }));
      // Counting episodes: an a-spell's procedure episode alone lacks the spell's diagnosis, and
      // b's match is still excluded by the cancer in its other episode, which holds no candidate code.
      expect(episodeWise.filter((r) => r.spell_id.startsWith("c"))).toHaveLength(24);
      expect(episodeWise.some((r) => /^[ab]/.test(r.spell_id))).toBe(false);
      expect(episodeWise.filter((r) => r.record_key.startsWith("o"))).toHaveLength(12);
    });

    it("puts each spell in exactly one of the parts, and every part holds some", async () => {
      const db = await openStore(":memory:");
      const spells = [...new Set(episodes.map((e) => e.spell))];
      const [row] = await db.all<{ parts: number; spells: number }>(
        `SELECT count(DISTINCT hash(s) % 3) AS parts, count(*) AS spells FROM unnest(from_json($spells, '["VARCHAR"]')) t(s)`,
        { spells: JSON.stringify(spells) },
      );
      db.close();
      // Three parts are used by these spells, so the test above compares split work, not one part.
      expect(row).toEqual({ parts: 3, spells: spells.length });
    });
  });
});

describe("docs/rules.md", () => {
  it("holds the table of every shipped intervention as the rule files make it", async () => {
    const path = join(import.meta.dirname, "../../docs/rules.md");
    const document = readFileSync(path, "utf8");
    const table = interventionTableMarkdown(await loadRuleSets(shippedRuleSetIds()));
    // Regenerate with `ebi docs rules` when this fails.
    expect(replaceInterventionTable(document, table)).toBe(document);
    expect(table.split("\n").filter((l) => /^\| [^-i]|^\| {2}\|/.test(l))).toHaveLength(48);
  });
});

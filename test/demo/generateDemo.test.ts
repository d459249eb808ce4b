import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Database, quoteLiteral } from "../../src/db/index.ts";
import { type DemoManifest, generateDemo } from "../../src/demo/generateDemo.ts";
import { loadDemo } from "../../src/demo/loadDemo.ts";
import { quietEffects } from "../../src/effects/index.ts";
import { codeListRows, loadRuleSets, writeEpisodeFlags } from "../../src/rules/index.ts";
import { openStore } from "../../src/store/index.ts";

const tiny = { scale: 0.002, start: "2019-04-01", end: "2021-03-31", formats: ["parquet" as const] };
const dir = () => join(mkdtempSync(join(tmpdir(), "ebi-demo-")), "demo");

describe("generateDemo", () => {
  let out: string;
  let manifest: DemoManifest;
  let db: Database;
  beforeAll(async () => {
    out = dir();
    manifest = await generateDemo({ ...tiny, outDir: out }, quietEffects());
    db = await openStore(":memory:");
    await loadDemo(db, out, join(out, "..", "reports"), quietEffects());
  }, 120_000);

  it("says it is synthetic and lists every file with its hash", () => {
    expect(manifest.synthetic).toBe(true);
    expect(manifest.notice).toMatch(/synthetic/i);
    const datasets = manifest.files.filter((f) => f.role === "reference").map((f) => f.dataset);
    expect(new Set(datasets)).toEqual(
      new Set([
        "hierarchy",
        "lsoa_sub_icb",
        "ods_trusts",
        "ods_successors",
        "imd",
        "population",
        "tile_layout",
      ]),
    );
    for (const f of manifest.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("writes the same bytes for the same seed, and different bytes for another", async () => {
    const again = await generateDemo({ ...tiny, outDir: dir() }, quietEffects());
    const other = await generateDemo({ ...tiny, seed: 7, outDir: dir() }, quietEffects());
    const hashes = (m: DemoManifest) => m.files.map((f) => `${f.path}:${f.sha256}`);
    expect(hashes(again)).toEqual(hashes(manifest));
    const apc = (m: DemoManifest) => m.files.find((f) => f.kind === "apc")?.sha256;
    expect(apc(other)).not.toBe(apc(manifest));
  }, 120_000);

  it("shows the spring-2020 pandemic fall in admitted activity", async () => {
    const [row] = await db.all<{ before: number; during: number }>(
      `SELECT count(*) FILTER (WHERE epistart BETWEEN DATE '2019-04-01' AND DATE '2019-04-30') AS before,
              count(*) FILTER (WHERE epistart BETWEEN DATE '2020-04-01' AND DATE '2020-04-30') AS during FROM apc_episodes`,
    );
    expect((row?.during ?? 0) / (row?.before ?? 1)).toBeLessThan(0.4);
  });

  it("has a deprivation gradient that differs by intervention", async () => {
    await writeEpisodeFlags(db, await loadRuleSets(["ebi-list-1"]));
    // Spells per 100,000 in the most deprived half (deciles 1–5) ÷ the least deprived half.
    const ratio = async (slug: string) => {
      const [r] = await db.all<{ ratio: number }>(
        `WITH spells AS (
           SELECT DISTINCT f.spell_id, e.imd_decile FROM episode_flags f
           JOIN apc_episodes e ON e.load_id = f.load_id AND e.source_row = f.source_row
           WHERE f.intervention_id = $id AND e.imd_decile IS NOT NULL),
         pop AS (SELECT i.imd_decile, sum(p.population) AS people FROM ref_population p JOIN ref_imd i ON i.lsoa = p.lsoa WHERE p.year = 2019 GROUP BY 1)
         SELECT (count(*) FILTER (WHERE s.imd_decile <= 5) / (SELECT sum(people) FROM pop WHERE imd_decile <= 5))
              / (count(*) FILTER (WHERE s.imd_decile > 5) / (SELECT sum(people) FROM pop WHERE imd_decile > 5)) AS ratio
         FROM spells s`,
        { id: `ebi-list-1/${slug}` },
      );
      return r?.ratio ?? Number.NaN;
    };
    expect(await ratio("tonsillectomy")).toBeGreaterThan(1.1);
    expect(await ratio("varicose-vein-interventions")).toBeLessThan(0.9);
  });

  it("holds near-misses for every measurable intervention: episodes with its procedure codes that must not count", async () => {
    const sets = await loadRuleSets(["ebi-list-1", "ebi-list-2"]);
    await writeEpisodeFlags(db, sets);
    const missing: string[] = [];
    for (const set of sets) {
      const codes = codeListRows(set).filter((r) => r.role === "match" && r.field === "procedure");
      for (const intervention of set.interventions.filter((i) => i.measurable)) {
        const mine = codes
          .filter((c) => c.intervention_id === intervention.intervention_id)
          .map((c) => c.code);
        const [row] = await db.all<{ n: number }>(
          `SELECT count(*) AS n FROM apc_episodes e
           WHERE (list_has_any(e.opertn, from_json($codes, '["VARCHAR"]')) OR list_has_any(list_transform(e.opertn, x -> left(x, 3)), from_json($codes, '["VARCHAR"]')))
             AND NOT EXISTS (SELECT 1 FROM episode_flags f WHERE f.load_id = e.load_id AND f.source_row = e.source_row AND f.intervention_id = $id)`,
          { codes: JSON.stringify(mine), id: intervention.intervention_id },
        );
        if (!row?.n) missing.push(intervention.intervention_id);
      }
    }
    expect(missing).toEqual([]);
  });

  it("keeps rates per 100,000 steady across scales", async () => {
    const bigger = await generateDemo(
      { scale: 0.006, start: "2019-04-01", end: "2020-03-31", formats: ["parquet"], outDir: dir() },
      quietEffects(),
    );
    const rate = (m: DemoManifest, years: number) =>
      (m.files.find((f) => f.kind === "apc")?.rows ?? 0) / years / (57_000_000 * m.scale);
    const small = rate(manifest, 2);
    const large = rate(bigger, 1);
    // Two years with a pandemic against one ordinary year: the per-head rate still agrees within 25%.
    expect(large / small).toBeGreaterThan(1);
    expect(large / small).toBeLessThan(1.25);
  }, 120_000);

  it("merges two sub-ICB locations, with activity under the old codes before April 2022", async () => {
    const successors = await db.all<{ old_code: string; new_code: string }>(
      "SELECT old_code, new_code FROM ref_successors ORDER BY old_code",
    );
    expect(successors.map((s) => s.old_code)).toEqual(["98X", "99X"]);
    const [row] = await db.all<{ n: number }>(
      `SELECT count(*) AS n FROM apc_episodes WHERE sub_icb_original IN ('98X', '99X') AND sub_icb = $successor`,
      { successor: successors[0]?.new_code ?? "" },
    );
    expect(row?.n).toBeGreaterThan(0);
    const parquet = join(out, "activity", "apc.parquet");
    const reader = await Database.open(":memory:");
    const [dirty] = await reader.all<{ dotted: number; uk: number }>(
      `SELECT count(*) FILTER (WHERE diag_01 LIKE '%.%') AS dotted, count(*) FILTER (WHERE epistart LIKE '__/__/____') AS uk
       FROM read_parquet(${quoteLiteral(parquet)})`,
    );
    reader.close();
    expect(dirty?.dotted).toBeGreaterThan(0);
    expect(dirty?.uk).toBeGreaterThan(0);
  });
});

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../../src/demo/generateDemo.ts";
import { loadDemo } from "../../src/demo/loadDemo.ts";
import { quietEffects } from "../../src/effects/index.ts";
import { build } from "../../src/products/ebi/build.ts";
import { openStore } from "../../src/store/index.ts";
import { type ReleaseSnapshot, releaseSnapshot } from "../fixtures/release/releaseSnapshot.ts";

/**
 * The demo release, built from a small seeded country, compared table for table with the build
 * stored in test/golden/release/demo.json. A change to the build's shape must leave this passing;
 * a change to its figures must update the golden file on purpose (EBI_UPDATE_GOLDEN=1), never in CI.
 */
const golden = join(import.meta.dirname, "..", "golden", "release", "demo.json");

describe("build of the demo release", () => {
  let root: string;
  let snapshot: ReleaseSnapshot;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "ebi-golden-"));
    const demo = join(root, "demo");
    await generateDemo(
      { outDir: demo, scale: 0.0003, start: "2017-04-01", end: "2019-03-31", formats: ["parquet"] },
      quietEffects(),
    );
    const db = await openStore(join(root, "store.duckdb"));
    try {
      await loadDemo(db, demo, join(root, "reports"), quietEffects());
      const result = await build(db, { releasesDir: join(root, "releases") }, quietEffects());
      snapshot = await releaseSnapshot(result.dir, root);
    } finally {
      db.close();
    }
  }, 600_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("writes every table and file identical to the stored build", () => {
    if (process.env.EBI_UPDATE_GOLDEN === "1") {
      mkdirSync(dirname(golden), { recursive: true });
      writeFileSync(golden, `${JSON.stringify(snapshot, null, 2)}\n`);
    }
    expect(existsSync(golden), `${golden} is missing: write it with EBI_UPDATE_GOLDEN=1`).toBe(true);
    const stored = JSON.parse(readFileSync(golden, "utf8")) as ReleaseSnapshot;
    expect(Object.keys(snapshot.tables).sort()).toEqual(Object.keys(stored.tables).sort());
    for (const [table, expected] of Object.entries(stored.tables))
      expect(snapshot.tables[table], table).toEqual(expected);
    expect(Object.keys(snapshot.files).sort()).toEqual(Object.keys(stored.files).sort());
    for (const [file, expected] of Object.entries(stored.files))
      expect(snapshot.files[file], file).toEqual(expected);
  });

  it("has a public side in which every count table has rows", () => {
    for (const table of ["monthly", "baselines", "trajectory", "variation", "equity", "organisations"])
      expect(snapshot.tables[`public/${table}.parquet`]?.rows ?? 0, table).toBeGreaterThan(0);
  });
});

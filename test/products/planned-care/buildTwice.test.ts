import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ingestActivity } from "../../../src/activity/index.ts";
import { generateDemo } from "../../../src/demo/generateDemo.ts";
import { loadDemo } from "../../../src/demo/loadDemo.ts";
import { quietEffects } from "../../../src/effects/index.ts";
import { buildPlannedCare } from "../../../src/products/planned-care/buildPlannedCare.ts";
import { generatePlannedCare } from "../../../src/products/planned-care/demo/generatePlannedCare.ts";
import { openStore } from "../../../src/store/index.ts";

const root = mkdtempSync(join(tmpdir(), "ebi-pc-twice-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A side's file without the fields that name the build itself (its time and id). */
const figuresOf = (dir: string, side: "public" | "registered") => {
  const parsed = JSON.parse(readFileSync(join(dir, side, "planned-care.json"), "utf8"));
  const { built_at: _at, build_id: _id, disclosure, ...manifest } = parsed.manifest;
  const { lpSeconds: _s, waits, ...protection } = disclosure;
  return {
    ...parsed,
    manifest: { ...manifest, protection, waits: waits && { ...waits, lpSeconds: 0 } },
  };
};

describe("the planned-care build", () => {
  it("writes the same figures, suppression included, when run twice on the same store", async () => {
    const demoDir = join(root, "demo");
    await generateDemo(
      { outDir: demoDir, scale: 0.003, start: "2019-04-01", end: "2019-04-30", formats: ["parquet"] },
      quietEffects(),
    );
    const db = await openStore(join(root, "store.duckdb"));
    try {
      await loadDemo(db, demoDir, join(root, "reports"), quietEffects());
      const generated = await generatePlannedCare(db, join(demoDir, "planned-care"), quietEffects(), {
        start: "2022-04-01",
        end: "2024-03-31",
      });
      await ingestActivity(
        db,
        { kind: "apc", files: [generated.apc], reportsDir: join(root, "reports") },
        quietEffects(),
      );
      const build = (name: string) =>
        buildPlannedCare(
          db,
          {
            outDir: join(root, name),
            waitingList: generated.waitingList,
            ethnicPopulation: generated.ethnicPopulation,
            ethnicAgeSexPopulation: generated.ethnicAgeSexPopulation,
            synthetic: true,
            beside: false,
          },
          quietEffects(),
        );
      const first = await build("first");
      const second = await build("second");
      expect(first.manifest.disclosure.waits?.secondary).toBe(second.manifest.disclosure.waits?.secondary);
      expect(figuresOf(second.dir, "public")).toEqual(figuresOf(first.dir, "public"));
      expect(figuresOf(second.dir, "registered")).toEqual(figuresOf(first.dir, "registered"));
      expect(first.manifest.disclosure.waits?.primary ?? 0).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  }, 900_000);
});

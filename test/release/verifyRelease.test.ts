import { appendFileSync, cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRelease } from "../../src/products/ebi/release/readRelease.ts";
import { ebiReleaseTables } from "../../src/products/ebi/release/tables.ts";
import { currentReleaseId, listReleases, publishRelease } from "../../src/release/releaseFiles.ts";
import { fixture, writeReleaseFixture } from "../fixtures/release/releaseFixture.ts";

/** The fixture release copied under a second id, unpublished, to be broken one way or another. */
async function twoReleases() {
  const { releasesDir, dir } = await writeReleaseFixture();
  const copy = join(releasesDir, "second");
  cpSync(dir, copy, { recursive: true });
  return { releasesDir, dir, copy };
}

describe("release integrity", () => {
  it("serves an intact release and refuses one whose public table was rewritten", async () => {
    const { releasesDir, dir } = await writeReleaseFixture();
    expect((await readRelease(releasesDir)).id).toBe(fixture.id);
    appendFileSync(join(dir, "public", "monthly.parquet"), "x");
    await expect(readRelease(releasesDir)).rejects.toMatchObject({ code: "EBI_RELEASE_TAMPERED" });
  });

  it("refuses to publish a release with a missing table and keeps the current one", async () => {
    const { releasesDir, copy } = await twoReleases();
    rmSync(join(copy, "public", "equity.parquet"));
    expect(() => publishRelease(releasesDir, "second", ebiReleaseTables)).toThrow(
      expect.objectContaining({ code: "EBI_RELEASE_INCOMPLETE" }),
    );
    expect(currentReleaseId(releasesDir)).toBe(fixture.id);
  });

  it("refuses to publish a release whose hashes do not match", async () => {
    const { releasesDir, copy } = await twoReleases();
    appendFileSync(join(copy, "public", "baselines.parquet"), "x");
    expect(() => publishRelease(releasesDir, "second", ebiReleaseTables)).toThrow(
      expect.objectContaining({ code: "EBI_RELEASE_TAMPERED" }),
    );
    expect(currentReleaseId(releasesDir)).toBe(fixture.id);
  });

  it("lists a release whose manifest does not parse as broken, and refuses to publish it", async () => {
    const { releasesDir, copy } = await twoReleases();
    writeFileSync(join(copy, "manifest.json"), "{ not json");
    const listed = listReleases(releasesDir, ebiReleaseTables);
    const broken = listed.find((r) => r.id === "second");
    expect(broken?.manifest).toBeNull();
    expect(broken?.problems.join()).toContain("manifest.json does not parse");
    expect(listed.find((r) => r.id === fixture.id)?.problems).toEqual([]);
    expect(() => publishRelease(releasesDir, "second", ebiReleaseTables)).toThrow(
      expect.objectContaining({ code: "EBI_RELEASE_INCOMPLETE" }),
    );
  });

  it("refuses to publish a registered-only release", async () => {
    const { releasesDir, copy } = await twoReleases();
    const manifestPath = join(copy, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
      disclosure: Record<string, unknown>;
    };
    manifest.disclosure.registered_only = true;
    writeFileSync(manifestPath, JSON.stringify(manifest));
    rmSync(join(copy, "public"), { recursive: true });
    expect(listReleases(releasesDir, ebiReleaseTables).find((r) => r.id === "second")?.registeredOnly).toBe(
      true,
    );
    expect(() => publishRelease(releasesDir, "second", ebiReleaseTables)).toThrow(
      expect.objectContaining({ code: "EBI_RELEASE_INCOMPLETE" }),
    );
  });
});

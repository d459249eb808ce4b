import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isEbiError } from "../../../../src/errors/index.ts";
import { readRelease } from "../../../../src/products/ebi/release/readRelease.ts";
import { fixture, writeReleaseFixture } from "../../../fixtures/release/releaseFixture.ts";

let releasesDir: string;
let dir: string;

beforeAll(async () => {
  ({ releasesDir, dir } = await writeReleaseFixture());
  // The registered side holds files that cannot be read: reading them would fail the tests.
  mkdirSync(join(dir, "registered"), { recursive: true });
  for (const table of ["organisations", "monthly", "baselines", "trajectory", "variation", "equity"])
    writeFileSync(join(dir, "registered", `${table}.parquet`), "not parquet");
});

describe("readRelease", () => {
  it("reads the published release named by CURRENT, public side only", async () => {
    const release = await readRelease(releasesDir);
    expect(release.id).toBe(fixture.id);
    expect(release.manifest.release_id).toBe(fixture.id);
    expect(release.interventions).toHaveLength(3);
    expect(release.organisations).toHaveLength(8);
  });

  it("indexes monthly series by intervention × level × organisation, in month order, with redaction kept", async () => {
    const release = await readRelease(releasesDir, fixture.id);
    const england = release.monthlyOf.get(`${fixture.knee}|england|ENG`) ?? [];
    expect(england).toHaveLength(36);
    expect(england.slice(0, 2)).toEqual([
      {
        intervention_id: fixture.knee,
        level: "england",
        org_code: "ENG",
        month: "2018-04-01",
        spells: 90,
        suppressed: null,
      },
      {
        intervention_id: fixture.knee,
        level: "england",
        org_code: "ENG",
        month: "2018-05-01",
        spells: 93,
        suppressed: null,
      },
    ]);
    expect(england.at(-1)?.month).toBe("2021-03-01");
    // Month 35: 40+3 + 30+2 + 20+0 − 3×8 = 71
    expect(england.at(-1)?.spells).toBe(71);
    expect(release.monthlyOf.get(`${fixture.grommets}|sub_icb|S3`)?.[0]).toMatchObject({
      spells: null,
      suppressed: "redacted",
    });
    expect(release.monthlyOf.get("nothing|england|ENG")).toBeUndefined();
    expect(release.monthly).toHaveLength(36 * 8 * 2);
  });

  it("indexes equity rows by organisation, period and dimension in group order", async () => {
    const release = await readRelease(releasesDir);
    const sex = release.equityOf.get(`${fixture.knee}|sub_icb|S1|latest|sex`) ?? [];
    expect(sex.map((r) => [r.group_code, r.group_label, r.spells, r.suppressed])).toEqual([
      ["F", "Female", 50, null],
      ["M", "Male", null, "redacted"],
    ]);
    expect(sex[0]?.crude_rate).toBeCloseTo((50 / 175_000) * 100_000, 9);
    expect(
      release.equityOf.get(`${fixture.knee}|england|ENG|baseline|imd_quintile`)?.map((r) => r.spells),
    ).toEqual([30, 24, 20, 16, 12]);
    expect(release.equity).toHaveLength(2 * (5 + 2));
  });

  it("says which release is missing, as EBI_NOT_FOUND", async () => {
    for (const id of ["no-such-release", "../etc"]) {
      const error = await readRelease(releasesDir, id).catch((e: unknown) => e);
      expect(isEbiError(error) && error.code).toBe("EBI_NOT_FOUND");
    }
    const empty = await readRelease(join(releasesDir, "..", "nowhere")).catch((e: unknown) => e);
    expect(isEbiError(empty) && empty.code).toBe("EBI_NOT_FOUND");
  });
});

describe("readRelease on an incomplete release", () => {
  it("names the missing file with EBI_RELEASE_FILE_MISSING", async () => {
    const { releasesDir: dir2, dir: release } = await writeReleaseFixture();
    const { rmSync } = await import("node:fs");
    rmSync(join(release, "public", "equity.parquet"));
    const error = await readRelease(dir2).catch((e) => e);
    expect(error.code).toBe("EBI_RELEASE_FILE_MISSING");
    expect(error.message).toContain("equity.parquet");
  });

  it("reads a release written before quarters were published, but not one that lost its recorded quarters", async () => {
    const { rmSync, readFileSync } = await import("node:fs");
    const { releasesDir: older, dir: olderDir } = await writeReleaseFixture();
    const manifestPath = join(olderDir, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    delete manifest.tables.quarterly;
    writeFileSync(manifestPath, JSON.stringify(manifest));
    for (const side of ["public", "registered"]) rmSync(join(olderDir, side, "quarterly.parquet"));
    const read = await readRelease(older);
    expect(read.quarterly).toEqual([]);
    expect(read.monthlyOf.size).toBeGreaterThan(0);
    const { releasesDir: broken, dir: brokenDir } = await writeReleaseFixture();
    rmSync(join(brokenDir, "public", "quarterly.parquet"));
    const error = await readRelease(broken).catch((e) => e);
    expect(error.code).toBe("EBI_RELEASE_FILE_MISSING");
    expect(error.message).toContain("quarterly.parquet");
  });
});

import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ebiReleaseTables } from "../../../src/products/ebi/release/tables.ts";
import { currentReleaseId, listReleases } from "../../../src/release/releaseFiles.ts";
import { demoRelease } from "../../fixtures/release/demoRelease.ts";

const cli = fileURLToPath(new URL("../../../bin/ebi.js", import.meta.url));

describe("a build killed part-way", () => {
  it("publishes nothing and leaves the current release serving", async () => {
    const { root, releasesDir } = await demoRelease();
    const before = currentReleaseId(releasesDir);
    expect(before).not.toBeNull();
    const child = spawn(process.execPath, [cli, "--home", root, "build"], { stdio: "ignore" });
    // Kill it while it is writing its release: its temporary folder, made only when writing
    // starts, already holds a table file (classification and disclosure control are over).
    const writing = () =>
      readdirSync(releasesDir)
        .filter((name) => name.startsWith(".tmp-"))
        .some((name) => {
          const side = join(releasesDir, name, "registered");
          return existsSync(side) && readdirSync(side).length > 0;
        });
    let caught = false;
    for (let waited = 0; waited < 200_000 && !caught; waited += 10) {
      caught = writing();
      if (!caught) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill("SIGKILL");
    expect(caught).toBe(true);
    await new Promise((resolve) => child.once("exit", resolve));
    expect(currentReleaseId(releasesDir)).toBe(before);
    expect(listReleases(releasesDir, ebiReleaseTables).map((r) => r.id)).toEqual([before]);
    expect(existsSync(join(releasesDir, before ?? "", "public", "monthly.parquet"))).toBe(true);
  }, 600_000);
});

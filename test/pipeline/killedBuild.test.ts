import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { currentReleaseId, listReleases } from "../../src/release/releaseFiles.ts";
import { demoRelease } from "../fixtures/release/demoRelease.ts";

const cli = fileURLToPath(new URL("../../bin/ebi.js", import.meta.url));

describe("a build killed part-way", () => {
  it("publishes nothing and leaves the current release serving", async () => {
    const { root, releasesDir } = await demoRelease();
    const before = currentReleaseId(releasesDir);
    expect(before).not.toBeNull();
    const child = spawn(process.execPath, [cli, "--home", root, "build"], { stdio: "ignore" });
    // Kill it once it has started writing its release (its temporary folder exists).
    for (let waited = 0; waited < 60_000; waited += 20) {
      if (readdirSync(releasesDir).some((name) => name.startsWith(".tmp-"))) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    expect(currentReleaseId(releasesDir)).toBe(before);
    expect(listReleases(releasesDir).map((r) => r.id)).toEqual([before]);
    expect(existsSync(join(releasesDir, before ?? "", "public", "monthly.parquet"))).toBe(true);
  }, 180_000);
});

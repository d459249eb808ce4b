import { describe, expect, it } from "vitest";
import { startService } from "../../src/cli/commands/serve.ts";
import { fixture, writeReleaseFixture } from "../fixtures/release/releaseFixture.ts";

describe("startService (ebi serve)", () => {
  it("listens on the given port within 2 seconds of reading an existing release and answers over HTTP", async () => {
    const { releasesDir } = await writeReleaseFixture();
    const { app, address, release, seconds } = await startService({
      port: 0,
      host: "127.0.0.1",
      releasesDir,
    });
    try {
      expect(release.id).toBe(fixture.id);
      expect(seconds).toBeLessThan(2);
      const response = await fetch(`${address}/api/v1/release`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { release_id: string }).release_id).toBe(fixture.id);
    } finally {
      await app.close();
    }
  });

  it("serves a named release rather than the published one, and names a missing one", async () => {
    const { releasesDir } = await writeReleaseFixture();
    await expect(
      startService({ port: 0, host: "127.0.0.1", releasesDir, release: "no-such" }),
    ).rejects.toThrow(/no-such/);
    const { app, release } = await startService({
      port: 0,
      host: "127.0.0.1",
      releasesDir,
      release: fixture.id,
    });
    await app.close();
    expect(release.id).toBe(fixture.id);
  });
});

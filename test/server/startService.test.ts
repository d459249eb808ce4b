import { describe, expect, it } from "vitest";
import { startService } from "../../src/cli/commands/serve.ts";
import { fixture, writeReleaseFixture } from "../fixtures/release/releaseFixture.ts";

describe("startService (ebi serve)", () => {
  it("listens on the given port after reading an existing release, reports how long that took, and answers over HTTP", async () => {
    const { releasesDir } = await writeReleaseFixture();
    const { app, address, release, seconds } = await startService({
      port: 0,
      host: "127.0.0.1",
      releasesDir,
    });
    try {
      expect(release.id).toBe(fixture.id);
      // The start-up target is the benchmark's (`npm run bench`, "start"), not a timed unit test.
      expect(Number.isFinite(seconds) && seconds > 0).toBe(true);
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

  it("answers a client over its per-minute limit with 429 problem+json, and a limit of 0 never refuses", async () => {
    const { releasesDir } = await writeReleaseFixture();
    const limited = await startService({ port: 0, host: "127.0.0.1", releasesDir, rateLimit: 3 });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${limited.address}/api/v1/release`)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await fetch(`${limited.address}/api/v1/release`);
      expect(refused.headers.get("content-type")).toContain("application/problem+json");
      expect(await refused.json()).toMatchObject({ status: 429, title: "Too many requests" });
    } finally {
      await limited.app.close();
    }
    const open = await startService({ port: 0, host: "127.0.0.1", releasesDir, rateLimit: 0 });
    try {
      const statuses = new Set<number>();
      for (let i = 0; i < 20; i++) statuses.add((await fetch(`${open.address}/api/v1/release`)).status);
      expect([...statuses]).toEqual([200]);
    } finally {
      await open.app.close();
    }
  });

  it("names a port already in use, with its fix, rather than an internal error", async () => {
    const { releasesDir } = await writeReleaseFixture();
    const first = await startService({ port: 0, host: "127.0.0.1", releasesDir });
    try {
      const port = (first.app.server.address() as { port: number }).port;
      const error = await startService({ port, host: "127.0.0.1", releasesDir }).catch((e) => e);
      expect(error.code).toBe("EBI_PORT_IN_USE");
      expect(error.message).toContain(String(port));
    } finally {
      await first.app.close();
    }
  });
});

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEvents, verifyChain } from "../../src/audit/auditLog.ts";
import { openState, type StateDb } from "../../src/state/stateDb.ts";
import { registeredValues, writeRegisteredFixture } from "../fixtures/release/registeredFixture.ts";
import { fixture } from "../fixtures/release/releaseFixture.ts";
import { freshDatabase } from "../state/stateTargets.ts";
import { type Send, signIn } from "./signInFlow.ts";

const url = process.env.DATABASE_URL;
if (process.env.CI && !url)
  throw new Error("CI must export DATABASE_URL (see .ci/run) for the two-replica test.");

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Starts `ebi serve` as its own process; resolves with its base URL once it is listening. */
async function serve(
  home: string,
  databaseUrl: string,
  publicUrl: string,
): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const child = spawn(
    process.execPath,
    ["bin/ebi.js", "serve", "--port", String(port), "--public-url", publicUrl, "--rate-limit", "0"],
    {
      env: { ...process.env, EBI_HOME: home, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ebi serve did not start: ${output}`)), 90_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Registered access:")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.on("exit", (code) => reject(new Error(`ebi serve exited ${code}: ${output}`)));
  });
  return { base, child };
}

const sender =
  (base: string): Send =>
  async (method, path, headers, body) => {
    const response = await fetch(base + path, { method, headers, body, redirect: "manual" });
    return {
      status: response.status,
      location: response.headers.get("location"),
      setCookies: response.headers.getSetCookie(),
      body: await response.text(),
    };
  };

/** Sends SIGTERM and resolves once the process has exited. */
const stopped = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });

describe.skipIf(!url)("two ebi serve processes over one release and one PostgreSQL server", () => {
  let a: { base: string; child: ChildProcess };
  let b: { base: string; child: ChildProcess };
  let state: StateDb;
  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), "ebi-replicas-"));
    await writeRegisteredFixture(home);
    const databaseUrl = await freshDatabase(url as string);
    // Both behind one address, as behind a load balancer.
    const publicUrl = "http://localhost:4999";
    [a, b] = await Promise.all([serve(home, databaseUrl, publicUrl), serve(home, databaseUrl, publicUrl)]);
    state = await openState({ url: databaseUrl, dir: null });
  }, 180_000);
  afterAll(async () => {
    a?.child.kill("SIGTERM");
    b?.child.kill("SIGTERM");
    await state?.close();
  });

  it("shares sign-in and sessions (each step of the sign-in on the other replica, then reads on both) and commits every read of both into one chain, even when both stop at once", async () => {
    // Every step of the sign-in on the other replica from the step before: the built-in provider's
    // interaction, its session and the code are shared state, not one process's.
    let step = 0;
    const alternating: Send = (...args) => sender(step++ % 2 ? b.base : a.base)(...args);
    const { jar, final } = await signIn(alternating, "other-icb-analyst");
    expect(final.status).toBe(302);
    expect(step).toBeGreaterThanOrEqual(5);
    const path = `/api/v1/activity?intervention=${fixture.grommets}&org=S3`;
    const onB = await fetch(b.base + path, { headers: { cookie: jar.header() } });
    expect(onB.headers.get("cache-control")).toBe("private, no-store");
    const items = ((await onB.json()) as { items: { spells: number | null }[] }).items;
    expect(items.map((r) => r.spells)).toEqual(
      fixture.months.map((_, i) => registeredValues.grommets("S3", i)),
    );
    // Reads on both at once: each must be one event, in one unbroken chain.
    const reads = 40;
    const answers = await Promise.all(
      Array.from({ length: reads }, (_, i) =>
        fetch(`${i % 2 ? a.base : b.base}${path}&limit=${i + 1}`, { headers: { cookie: jar.header() } }),
      ),
    );
    expect(answers.every((r) => r.status === 200)).toBe(true);
    // Answers leave once their events are queued; stopping both at once must still commit every one.
    await Promise.all([stopped(a.child), stopped(b.child)]);
    const events = (await listEvents(state)).filter((e) => e.kind === "read");
    expect(events).toHaveLength(reads + 1);
    expect(new Set(events.map((e) => e.detail.route)).size).toBe(reads + 1);
    expect(await verifyChain(state)).toMatchObject({ intact: true });
    const signIns = (await listEvents(state)).filter((e) => e.kind === "sign-in");
    expect(signIns).toHaveLength(1);
  }, 120_000);
});

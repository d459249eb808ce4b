/**
 * `npm run bench:registered`: what authorisation and audit add to a request at 50 connections, and
 * whether the audit log keeps every event under that load, on embedded PostgreSQL and (when
 * DATABASE_URL is set) on a server.
 *
 *   npm run bench:registered                 10 s per run, writes docs/benchmarks-registered-access.md
 *   npm run bench:registered -- --quick      2 s per run, prints the table (CI runs this)
 *
 * The same route is loaded three ways on one `ebi serve` over the fixture release: with registered
 * access off (the baseline), anonymous with it on (session cookie absent), and signed in as an ICB
 * user (session lookup, scope, registered figures, one audit event committed before each answer).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { openState } from "../src/state/stateDb.ts";
import { writeRegisteredFixture } from "../test/fixtures/release/registeredFixture.ts";
import { fixture } from "../test/fixtures/release/releaseFixture.ts";
import { signIn } from "../test/server/signInFlow.ts";
import { freshDatabase } from "../test/state/stateTargets.ts";

const { values: flags } = parseArgs({
  options: { quick: { type: "boolean", default: false }, seconds: { type: "string" } },
});
const seconds = Number(flags.seconds ?? (flags.quick ? 2 : 10));
const connections = 50;
const route = `/api/v1/activity?intervention=${encodeURIComponent(fixture.grommets)}&org=S2`;
const log = (m: string) => process.stdout.write(`${m}\n`);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

async function serve(
  home: string,
  env: Record<string, string>,
  registered: boolean,
): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const args = ["bin/ebi.js", "serve", "--port", String(port), "--public-url", base, "--rate-limit", "0"];
  if (!registered) args.push("--no-registered");
  const child = spawn(process.execPath, args, {
    env: { ...process.env, EBI_HOME: home, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(registered ? "Registered access:" : "EBI Insight is serving")) resolve();
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.on("exit", (code) => reject(new Error(`ebi serve exited ${code}: ${output}`)));
  });
  return { base, child };
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });

interface Run {
  mean: number;
  p99: number;
  rps: number;
  ok: number;
  bad: number;
}

async function load(url: string, headers: Record<string, string> = {}): Promise<Run> {
  const result = await new Promise<autocannon.Result>((resolve, reject) =>
    autocannon({ url, connections, duration: seconds, headers }, (e, r) => (e ? reject(e) : resolve(r))),
  );
  return {
    mean: result.latency.average,
    p99: result.latency.p99,
    rps: result.requests.average,
    ok: result["2xx"],
    bad: result.non2xx + result.errors,
  };
}

const sender =
  (base: string) =>
  async (method: "GET" | "POST", path: string, headers: Record<string, string>, body?: string) => {
    const r = await fetch(base + path, { method, headers, body, redirect: "manual" });
    return {
      status: r.status,
      location: r.headers.get("location"),
      setCookies: r.headers.getSetCookie(),
      body: await r.text(),
    };
  };

async function measure(kind: "pglite" | "postgres"): Promise<string[]> {
  const home = mkdtempSync(join(tmpdir(), `ebi-bench-access-${kind}-`));
  await writeRegisteredFixture(home);
  const env: Record<string, string> = { DATABASE_URL: "" };
  if (kind === "postgres") env.DATABASE_URL = await freshDatabase(process.env.DATABASE_URL as string);
  const off = await serve(home, {}, false);
  await load(off.base + route); // warm up
  const baseline = await load(off.base + route);
  await stop(off.child);
  const on = await serve(home, env, true);
  try {
    await load(on.base + route); // warm up
    const anonymous = await load(on.base + route);
    const { jar } = await signIn(sender(on.base), "icb-analyst");
    const cookie = jar.header();
    await load(on.base + route, { cookie });
    const countReads = async () => {
      if (kind === "postgres") {
        const db = await openState({ url: env.DATABASE_URL, dir: null });
        try {
          const [row] = await db.query<{ n: string }>(
            "SELECT count(*) AS n FROM audit_events WHERE kind = 'read'",
          );
          return Number(row?.n);
        } finally {
          await db.close();
        }
      }
      const control = JSON.parse(readFileSync(join(home, "state", "server.json"), "utf8")) as {
        url: string;
        token: string;
      };
      const answer = await fetch(`${control.url}/_control/audit/list?format=json`, {
        headers: { authorization: `Bearer ${control.token}` },
      });
      return ((await answer.json()) as { kind: string }[]).filter((e) => e.kind === "read").length;
    };
    const before = await countReads();
    const signedIn = await load(on.base + route, { cookie });
    const after = await countReads();
    const verify = await fetch(`${on.base}/healthz`);
    if (!verify.ok) throw new Error("server did not survive the load");
    const overhead = signedIn.mean - baseline.mean;
    const row = (name: string, r: Run) =>
      `| ${kind} | ${name} | ${r.rps.toFixed(0)} | ${r.mean.toFixed(2)} | ${r.p99.toFixed(0)} | ${r.ok} | ${r.bad} |`;
    return [
      row("registered access off", baseline),
      row("anonymous, access on", anonymous),
      row("signed in (ICB), audited", signedIn),
      `| ${kind} | **added per request (signed in − off)** | | **${overhead.toFixed(2)} ms** | | audit events written: **${after - before}** of ${signedIn.ok} answers | |`,
    ];
  } finally {
    await stop(on.child);
  }
}

const rows: string[] = [];
for (const kind of ["pglite", ...(process.env.DATABASE_URL ? ["postgres" as const] : [])] as const) {
  log(`measuring ${kind} (${seconds} s per run, ${connections} connections)`);
  rows.push(...(await measure(kind)));
}
const table = [
  `| state | requests | req/s | mean ms | p99 ms | 2xx | errors |`,
  `| --- | --- | --- | --- | --- | --- | --- |`,
  ...rows,
].join("\n");
log(table);
if (!flags.quick)
  writeFileSync(
    "docs/benchmarks-registered-access.md",
    `# Registered access: authorisation and audit under load\n\nMeasured by \`npm run bench:registered\` (${seconds} s per run, ${connections} connections, autocannon, one \`ebi serve\` process, the fixture release; route \`${route}\`). "Added per request" is the mean latency signed in minus the mean with registered access off; every signed-in answer waits for its audit event to be committed, and the count of events written during the run must equal the answers.\n\n${table}\n`,
  );

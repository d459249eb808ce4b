/**
 * `npm run bench:registered`: what authorisation and audit add to a request at 50 connections, and
 * whether the audit log keeps every event under that load, on embedded PostgreSQL and (when
 * DATABASE_URL is set) on a server.
 *
 *   npm run bench:registered                 10 s per run, writes its section of docs/benchmarks.md
 *   npm run bench:registered -- --quick      2 s per run, prints the table (`npm run bench -- --quick` runs it)
 *
 * The same route is loaded three ways on one `ebi serve` over the fixture release: with registered
 * access off (the baseline), anonymous with it on (session cookie absent), and signed in as an ICB
 * user (session lookup, scope, registered figures, one audit event queued before each answer and
 * committed in a batch). It exits non-zero when the log holds fewer events than answers given.
 * The target is judged on the server's CPU time per answer (from /proc), which other work on a
 * shared machine disturbs far less than throughput. EBI_BENCH_PROFILE=DIR writes a CPU profile of
 * each `ebi serve` into DIR.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
  const child = spawn(
    process.execPath,
    [
      ...(process.env.EBI_BENCH_PROFILE
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.EBI_BENCH_PROFILE}`]
        : []),
      ...args,
    ],
    {
      env: { ...process.env, EBI_HOME: home, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
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
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });

interface Run {
  /** Server CPU ms per answer. */
  cpu: number;
  mean: number;
  p99: number;
  rps: number;
  ok: number;
  bad: number;
}

/**
 * CPU time (user + system) a process has used, in ms, from /proc (Linux; clock ticks of 10 ms).
 * Unlike throughput it barely moves when other work shares the machine, so it is the figure the
 * target is judged on.
 */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

async function load(url: string, headers: Record<string, string> = {}, pid?: number): Promise<Run> {
  const before = cpuMs(pid);
  const result = await new Promise<autocannon.Result>((resolve, reject) =>
    autocannon({ url, connections, duration: seconds, headers }, (e, r) => (e ? reject(e) : resolve(r))),
  );
  const answers = result["2xx"] + result.non2xx;
  return {
    cpu: (cpuMs(pid) - before) / answers,
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
  const baseline = await load(off.base + route, {}, off.child.pid);
  await stop(off.child);
  const on = await serve(home, env, true);
  try {
    await load(on.base + route); // warm up
    const anonymous = await load(on.base + route, {}, on.child.pid);
    const { jar } = await signIn(sender(on.base), "icb-analyst");
    const cookie = jar.header();
    await load(on.base + route, { cookie });
    // The measured run's requests carry a marker, so its events are counted apart from the warm-up's.
    const marker = "&audit-run=measured";
    const countReads = async () => {
      if (kind === "postgres") {
        const db = await openState({ url: env.DATABASE_URL, dir: null });
        try {
          const [row] = await db.query<{ n: string }>(
            "SELECT count(*) AS n FROM audit_events WHERE kind = 'read' AND detail->>'route' LIKE $1",
            [`%${marker}`],
          );
          return Number(row?.n);
        } finally {
          await db.close();
        }
      }
      // The server commits what it has queued before it answers a listing.
      const control = JSON.parse(readFileSync(join(home, "state", "server.json"), "utf8")) as {
        url: string;
        token: string;
      };
      const answer = await fetch(`${control.url}/_control/audit/list?format=json`, {
        headers: { authorization: `Bearer ${control.token}` },
      });
      return ((await answer.json()) as { kind: string; detail: { route?: string } }[]).filter(
        (e) => e.kind === "read" && e.detail.route?.endsWith(marker),
      ).length;
    };
    const signedIn = await load(on.base + route + marker, { cookie }, on.child.pid);
    const verify = await fetch(`${on.base}/healthz`);
    if (!verify.ok) throw new Error("server did not survive the load");
    // With a server, events still queued are committed when the process stops (as at any shutdown).
    if (kind === "postgres") await stop(on.child);
    const written = await countReads();
    if (written < signedIn.ok) lost = true;
    const overhead = signedIn.mean - baseline.mean;
    // The server is saturated at 50 connections, so 1/throughput is the time one request holds it.
    const service = (r: Run) => 1000 / r.rps;
    const row = (name: string, r: Run) =>
      `| ${kind} | ${name} | ${r.cpu.toFixed(3)} | ${r.rps.toFixed(0)} | ${service(r).toFixed(3)} | ${r.mean.toFixed(2)} | ${r.p99.toFixed(0)} | ${r.ok} | ${r.bad} |`;
    return [
      row("registered access off", baseline),
      row("anonymous, access on", anonymous),
      row("signed in (ICB), audited", signedIn),
      `| ${kind} | **added per request (signed in − off)** | **${(signedIn.cpu - baseline.cpu).toFixed(3)} ms** | | ${(service(signedIn) - service(baseline)).toFixed(3)} ms | ${overhead.toFixed(2)} ms | | audit events written: **${written}** of ${signedIn.ok} answers | |`,
    ];
  } finally {
    await stop(on.child);
  }
}

let lost = false;
const rows: string[] = [];
for (const kind of ["pglite", ...(process.env.DATABASE_URL ? ["postgres" as const] : [])] as const) {
  log(`measuring ${kind} (${seconds} s per run, ${connections} connections)`);
  rows.push(...(await measure(kind)));
}
const table = [
  `| state | requests | server CPU ms per answer | req/s | service ms | mean latency ms | p99 ms | 2xx | errors |`,
  `| --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
  ...rows,
].join("\n");
log(table);
if (lost) {
  log("FAILED: the audit log holds fewer read events than signed-in answers were given");
  process.exitCode = 1;
}
const start = "<!-- registered-bench:start (written by bench/registeredAccess.ts) -->";
const end = "<!-- registered-bench:end -->";
if (!flags.quick) {
  const section = [
    start,
    "## Registered access: authorisation and audit under load",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench:registered\` (${seconds} s per run, ${connections} connections, autocannon, one \`ebi serve\` process, the fixture release; route \`${route}\`). The same route is loaded with registered access off, anonymous with it on, and signed in as an ICB user whose scope covers S2 (session, scope, merged registered figures, one audit event per answer). "Server CPU ms per answer" is the CPU time (user and system, from /proc) the \`ebi serve\` process used during the run divided by the answers it gave; "added per request" is its difference signed in against access off, the figure the target is judged on, because it barely moves when other work shares the machine. With PostgreSQL as a server the database's own processes are not in it. "Service ms" (1 ÷ throughput, the time one request holds the saturated server) and mean latency are beside it, but on a shared machine they swing with its load. The events of the signed-in run are counted in the log once they are committed (on PostgreSQL after the process has stopped, which commits what it still holds; embedded, through the running server, which commits first) and must not be fewer than the answers.`,
    "",
    table,
    "",
    "Target: authorisation and audit add under 1 ms per request at 50 connections, and the log keeps every event.",
    end,
  ].join("\n");
  const doc = "docs/benchmarks.md";
  const text = existsSync(doc) ? readFileSync(doc, "utf8") : "# Benchmarks\n";
  const at = text.indexOf(start);
  const after = at < 0 ? -1 : text.indexOf(end, at);
  writeFileSync(
    doc,
    at < 0
      ? `${text.trimEnd()}\n\n${section}\n`
      : `${text.slice(0, at)}${section}${text.slice(after + end.length)}`,
  );
  log(`wrote its section of ${doc}`);
}

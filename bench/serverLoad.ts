import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import autocannon from "autocannon";

export interface LoadResult {
  route: string;
  connections: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

/** How `ebi` is run: from the TypeScript sources through tsx (a clone), or compiled by `npm run build`. */
export type StartKind = "source" | "compiled";

const entry: Record<StartKind, string[]> = {
  source: ["--import", "tsx", fileURLToPath(new URL("../src/cli/main.ts", import.meta.url))],
  compiled: [fileURLToPath(new URL("../dist/cli/main.js", import.meta.url))],
};

/** Starts `ebi serve` on `port` over the workspace `home`; resolves once it answers, with the start time (s). */
export async function startServer(
  home: string,
  port: number,
  kind: StartKind = "source",
): Promise<{ child: ChildProcess; seconds: number }> {
  const started = performance.now();
  // The limit stays on, as in service, but far above what one load generator on loopback can reach:
  // refusals would be counted as answers otherwise.
  const args = ["--home", home, "serve", "--port", String(port), "--rate-limit", "1000000000"];
  const child = spawn(process.execPath, [...entry[kind], ...args], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`ebi serve exited ${child.exitCode}: ${stderr.slice(-2000)}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return { child, seconds: (performance.now() - started) / 1000 };
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 60_000) throw new Error("ebi serve did not answer within 60 s");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts the server and stops it once it answers: the time (s) from spawning `node` to the first answer. */
export async function timeStart(home: string, port: number, kind: StartKind): Promise<number> {
  const { child, seconds } = await startServer(home, port, kind);
  await new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill();
  });
  return seconds;
}

/**
 * The load generator: wrk (Debian's package, `.ci/run` installs it) when it is on the PATH, else
 * autocannon. On two cores the generator shares the machine with the server; autocannon, in
 * JavaScript, cannot parse a 150 kB page faster than about 1,000 a second, so it measured itself.
 */
export const loadGenerator: { name: "wrk" | "autocannon"; version: string } = (() => {
  try {
    const banner = execFileSync("wrk", ["-v"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { name: "wrk", version: banner.match(/wrk\s+(?:\S+\/)?([\d.]+)/)?.[1] ?? "?" };
  } catch (error) {
    // wrk -v exits 1 after printing its banner.
    const out = String((error as { stdout?: string }).stdout ?? "");
    if (out.startsWith("wrk")) return { name: "wrk", version: out.match(/([\d]+\.[\d.]+)/)?.[1] ?? "?" };
    return { name: "autocannon", version: "" };
  }
})();

/**
 * The routes loaded: the main pages and every API route, each with a typical selection (one
 * measurable intervention `id`, one ICB `org`).
 */
export function benchRoutes(id: string, org: string): string[] {
  const i = encodeURIComponent(id);
  return [
    "/",
    `/interventions/${id}`,
    `/organisations/${org}`,
    "/api/v1/release",
    "/api/v1/interventions",
    `/api/v1/interventions/${id}`,
    "/api/v1/organisations?level=icb",
    `/api/v1/organisations/${org}`,
    `/api/v1/activity?intervention=${i}&org=ENG`,
    `/api/v1/activity?intervention=${i}&org=${org}&period=quarter`,
    "/api/v1/activity?level=england",
    `/api/v1/baselines?intervention=${i}`,
    `/api/v1/goals/trajectory?intervention=${i}&org=${org}`,
    `/api/v1/variation?intervention=${i}`,
    `/api/v1/funnel?intervention=${i}`,
    `/api/v1/spc?intervention=${i}&org=${org}`,
    `/api/v1/equity?intervention=${i}&org=${org}`,
    "/api/v1/tables/baselines",
  ];
}

/** Requests are made as a browser makes them: pages are then sent gzipped. */
const headers = { "accept-encoding": "gzip" };

/** Loads one URL for `seconds` at `connections`; latencies in ms, from every response. */
export function loadRoute(url: string, connections: number, seconds: number): Promise<LoadResult> {
  return loadGenerator.name === "wrk"
    ? loadWithWrk(url, connections, seconds)
    : loadWithAutocannon(url, connections, seconds);
}

const routeOf = (url: string) => {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
};

async function loadWithWrk(url: string, connections: number, seconds: number): Promise<LoadResult> {
  const script = fileURLToPath(new URL("./wrkSummary.lua", import.meta.url));
  const { stdout } = await promisify(execFile)("wrk", [
    "-t1",
    `-c${connections}`,
    `-d${seconds}s`,
    "--timeout",
    "10s",
    "-H",
    `Accept-Encoding: ${headers["accept-encoding"]}`,
    "-s",
    script,
    url,
  ]);
  const summary = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as {
    requests: number;
    seconds: number;
    errors: number;
    non2xx: number;
    p50: number;
    p95: number;
    p99: number;
  };
  return {
    route: routeOf(url),
    connections,
    requestsPerSecond: summary.requests / summary.seconds,
    p50: summary.p50,
    p95: summary.p95,
    p99: summary.p99,
    errors: summary.errors + summary.non2xx,
  };
}

async function loadWithAutocannon(url: string, connections: number, seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url, connections, duration: seconds, pipelining: 1, headers },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    // autocannon's summary has no p95, so percentiles are taken from every response's own time.
    instance.on("response", (_client, _status, _bytes, ms) => {
      latencies.push(ms);
    });
  });
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    route: routeOf(url),
    connections,
    requestsPerSecond: result.requests.average,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    errors: result.errors + result.non2xx,
  };
}

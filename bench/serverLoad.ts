import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
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

/** Loads one URL with autocannon for `seconds` at `connections`; latencies in ms, from every response. */
export async function loadRoute(url: string, connections: number, seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds, pipelining: 1 }, (error, done) =>
      error ? reject(error) : resolve(done),
    );
    // autocannon's summary has no p95, so percentiles are taken from every response's own time.
    instance.on("response", (_client, _status, _bytes, ms) => {
      latencies.push(ms);
    });
  });
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  const parsed = new URL(url);
  return {
    route: parsed.pathname + parsed.search,
    connections,
    requestsPerSecond: result.requests.average,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    errors: result.errors + result.non2xx,
  };
}

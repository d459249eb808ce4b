import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Measurement {
  seconds: number;
  /** Peak resident memory of the child process (VmHWM), in MB. */
  peakMb: number;
  /** CPU time of the child (user + system, every thread), in seconds, as last sampled. */
  cpuSeconds: number;
  stdout: string;
}

const cli = fileURLToPath(new URL("../bin/ebi.js", import.meta.url));

/** Peak resident set of a live process in MB, from /proc (Linux); 0 when it has gone. */
function peakResidentMb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) a live process has used, from /proc (Linux, 100 ticks a second); 0 when it has gone. */
function cpuSecondsOf(pid: number): number {
  try {
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * Runs `node …args` as a child, returning wall time (s), CPU time (s) and peak memory (MB); throws on failure
 * (an exit code not in `okExits`).
 */
export function measureNode(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  okExits: readonly number[] = [0],
): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let peakMb = 0;
    let cpuSeconds = 0;
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    // VmHWM is the high-water mark, so sampling it often enough to catch the last reading suffices.
    const timer = setInterval(() => {
      if (child.pid) {
        peakMb = Math.max(peakMb, peakResidentMb(child.pid));
        cpuSeconds = Math.max(cpuSeconds, cpuSecondsOf(child.pid));
      }
    }, 25);
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      if (code === null || !okExits.includes(code))
        reject(new Error(`node ${args.join(" ")} exited ${code}:\n${stderr.slice(-2000)}`));
      else resolve({ seconds, peakMb, cpuSeconds, stdout });
    });
  });
}

/** Runs an `ebi` command in a child process and measures it. */
export function measureEbi(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  okExits: readonly number[] = [0],
): Promise<Measurement> {
  return measureNode([cli, ...args], env, okExits);
}

/** Runs a TypeScript script of the bench in a child process and measures it. */
export function measureScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Measurement> {
  return measureNode(["--import", "tsx", fileURLToPath(new URL(script, import.meta.url)), ...args], env);
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Runs `fn` `runs` times; the run with the median time, and the largest peak memory seen. */
export async function medianOf(
  runs: number,
  fn: () => Promise<Measurement>,
): Promise<Measurement & { runs: number }> {
  const results: Measurement[] = [];
  for (let i = 0; i < runs; i++) results.push(await fn());
  const seconds = median(results.map((r) => r.seconds));
  const peakMb = Math.max(...results.map((r) => r.peakMb));
  const cpuSeconds = median(results.map((r) => r.cpuSeconds));
  return { seconds, peakMb, cpuSeconds, stdout: results.at(-1)?.stdout ?? "", runs };
}

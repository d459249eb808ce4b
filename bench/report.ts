import { readFileSync } from "node:fs";
import { cpus, totalmem, type } from "node:os";
import type { Measurement } from "./measure.ts";
import type { LoadResult } from "./serverLoad.ts";

export interface ScaleResult {
  scale: number;
  apcRows: number;
  generate?: Measurement;
  ingestCsv: Measurement;
  ingestParquet: Measurement;
  scan: Measurement;
  referenceQuery: Measurement;
  classify: Measurement;
  build: Measurement;
}

export interface ServerResult {
  scale: number;
  startSeconds: number;
  loads: LoadResult[];
}

const s = (seconds: number) => `${seconds.toFixed(1)} s`;
const mb = (value: number) => (value >= 1024 ? `${(value / 1024).toFixed(2)} GB` : `${Math.round(value)} MB`);
const n = (value: number) => value.toLocaleString("en-GB");

function version(pkg: string): string {
  try {
    const path = new URL(`../node_modules/${pkg}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

/** docs/benchmarks.md: the machine, the versions, the figures and the targets they are held to. */
export function benchmarkReport(input: {
  command: string;
  runs: number;
  loadSeconds: number;
  results: ScaleResult[];
  server?: ServerResult;
}): string {
  const { results, server } = input;
  const lines: string[] = [];
  const cpu = cpus();
  lines.push("# Benchmarks", "");
  lines.push(
    `Measured ${new Date().toISOString().slice(0, 10)} with \`${input.command}\` ` +
      `(median of ${input.runs} run(s) per figure; peak memory = the largest resident set of the process).`,
    "",
  );
  lines.push("## Machine", "");
  lines.push(
    `- ${type()} · ${cpu.length} cores (${cpu[0]?.model.trim() ?? "?"}) · ${mb(totalmem() / 2 ** 20)} memory`,
  );
  lines.push(
    `- Node.js ${process.versions.node} · DuckDB (@duckdb/node-api) ${version("@duckdb/node-api")} · ` +
      `Fastify ${version("fastify")} · autocannon ${version("autocannon")}`,
    "",
  );
  lines.push("## Data in and the build", "");
  lines.push(
    "Each scale is one year (April 2023 to March 2024) of the demo country; scale 1 is a national year.",
    "",
  );
  lines.push(
    "| scale | APC episodes | ingest CSV | ingest Parquet | bare scan | build | build ÷ scan | build peak memory |",
  );
  lines.push("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of results) {
    lines.push(
      `| ${r.scale} | ${n(r.apcRows)} | ${s(r.ingestCsv.seconds)} (${mb(r.ingestCsv.peakMb)}) | ` +
        `${s(r.ingestParquet.seconds)} (${mb(r.ingestParquet.peakMb)}) | ${s(r.scan.seconds)} | ${s(r.build.seconds)} | ` +
        `${(r.build.seconds / r.scan.seconds).toFixed(1)}× | ${mb(r.build.peakMb)} |`,
    );
  }
  lines.push("");
  lines.push("## Classification against a hand-written query", "");
  lines.push(
    "The reference is one DuckDB query over the same Parquet file that classifies knee arthroscopy (C) and " +
      "carpal tunnel release (M) with the global exclusions and counts spells by month and sub-ICB " +
      "(`bench/referenceQuery.ts`). The product's step is the compiled rules for the same two interventions " +
      "over the loaded store, then the same aggregation (`bench/classifyStep.ts`). Times exclude process start.",
    "",
  );
  lines.push("| scale | reference query | classification step | ratio |");
  lines.push("| ---: | ---: | ---: | ---: |");
  for (const r of results) {
    lines.push(
      `| ${r.scale} | ${r.referenceQuery.seconds.toFixed(2)} s | ${r.classify.seconds.toFixed(2)} s | ` +
        `${(r.classify.seconds / r.referenceQuery.seconds).toFixed(2)}× |`,
    );
  }
  lines.push("");
  if (server) {
    lines.push("## The server", "");
    lines.push(
      `On the scale ${server.scale} release, loopback, autocannon for ${input.loadSeconds} s per row. ` +
        `Start on an existing release: **${server.startSeconds.toFixed(2)} s** to the first answer.`,
      "",
    );
    lines.push("| route | connections | requests/s | p50 | p95 | p99 | errors |");
    lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const l of server.loads) {
      lines.push(
        `| \`${l.route}\` | ${l.connections} | ${n(Math.round(l.requestsPerSecond))} | ${l.p50.toFixed(1)} ms | ` +
          `${l.p95.toFixed(1)} ms | ${l.p99.toFixed(1)} ms | ${l.errors} |`,
      );
    }
    lines.push("");
  }
  lines.push(...targetLines(results, server), "");
  const generated = results.filter((r) => r.generate);
  if (generated.length > 0) {
    lines.push("## Generating the demo year", "");
    for (const r of generated)
      lines.push(`- scale ${r.scale}: ${s(r.generate?.seconds ?? 0)}, peak ${mb(r.generate?.peakMb ?? 0)}`);
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}

/** Each target of the product against the figures measured, met or missed, in words. */
function targetLines(results: ScaleResult[], server?: ServerResult): string[] {
  const national = results.find((r) => r.scale === 1) ?? results.at(-1);
  const lines = ["## Targets", "", "| target | measured | met |", "| --- | --- | :---: |"];
  const row = (target: string, measured: string, met: boolean) =>
    lines.push(`| ${target} | ${measured} | ${met ? "yes" : "**no**"} |`);
  if (national) {
    const ratio = national.build.seconds / national.scan.seconds;
    const label = `scale ${national.scale}`;
    row("build within 3× a bare scan", `${ratio.toFixed(1)}× (${label})`, ratio <= 3);
    row("build under 2 minutes", `${s(national.build.seconds)} (${label})`, national.build.seconds < 120);
    row(
      "build peak memory under 6 GB",
      `${mb(national.build.peakMb)} (${label})`,
      national.build.peakMb < 6144,
    );
    const classify = national.classify.seconds / national.referenceQuery.seconds;
    row(
      "classification within 1.5× the reference query",
      `${classify.toFixed(2)}× (${label})`,
      classify <= 1.5,
    );
  }
  const memory = results.map((r) => `${mb(r.build.peakMb)} at ${r.scale}`).join(", ");
  const first = results[0];
  const last = results.at(-1);
  if (first && last && results.length > 1) {
    // Bounded: memory grows more slowly than the data does (DuckDB spills beyond its limit).
    const dataGrowth = last.apcRows / first.apcRows;
    const memoryGrowth = last.build.peakMb / first.build.peakMb;
    row(
      "build memory grows less than the data",
      `${memory} (data ×${dataGrowth.toFixed(1)})`,
      memoryGrowth < dataGrowth,
    );
  }
  if (server) {
    const at50 = server.loads.filter((l) => l.connections === 50);
    const worst = Math.max(...at50.map((l) => l.p95));
    const slowest = Math.min(...at50.map((l) => l.requestsPerSecond));
    row("p95 under 50 ms at 50 connections", `worst ${worst.toFixed(1)} ms`, worst < 50);
    row("at least 1,000 requests/s at 50 connections", `lowest ${n(Math.round(slowest))}/s`, slowest >= 1000);
    row("server start under 2 s", `${server.startSeconds.toFixed(2)} s`, server.startSeconds < 2);
  }
  return lines;
}

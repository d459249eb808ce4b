/**
 * `npm run bench`: how fast and how big, on this machine, at national scale.
 *
 *   npm run bench                      scales 0.1, 0.3 and 1 (one national year), writes docs/benchmarks.md
 *   npm run bench -- --quick           scale 0.02, one run each, prints the table (CI runs this)
 *   npm run bench -- --scales 0.1,1 --runs 3 --seconds 10
 *
 * Demo files are generated once per scale and cached outside the repository
 * ($EBI_BENCH_CACHE, default ~/.cache/ebi-insight/bench).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type Measurement, measureEbi, measureScript, medianOf } from "./measure.ts";
import { benchmarkReport, type ScaleResult, type ServerResult } from "./report.ts";
import { loadRoute, startServer } from "./serverLoad.ts";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    scales: { type: "string" },
    runs: { type: "string" },
    seconds: { type: "string" },
    out: { type: "string" },
    port: { type: "string", default: "3917" },
  },
});

const quick = flags.quick ?? false;
const scales = (flags.scales ?? (quick ? "0.02" : "0.1,0.3,1")).split(",").map(Number);
const runs = Number(flags.runs ?? (quick ? 1 : 3));
const loadSeconds = Number(flags.seconds ?? (quick ? 2 : 10));
const out = flags.out ?? (quick ? undefined : "docs/benchmarks.md");
const cache = process.env.EBI_BENCH_CACHE ?? join(homedir(), ".cache", "ebi-insight", "bench");
const year = { start: "2023-04-01", end: "2024-03-31" };

const log = (message: string) => process.stdout.write(`${message}\n`);

/** Generates the demo year for `scale` unless it is cached. */
async function demoFor(scale: number): Promise<{ dir: string; generated?: Measurement }> {
  const dir = join(cache, `demo-scale-${scale}`);
  if (existsSync(join(dir, "manifest.json"))) return { dir };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`  generating scale ${scale} into ${dir}`);
  const generated = await measureEbi([
    "demo",
    "generate",
    "--scale",
    String(scale),
    "--start",
    year.start,
    "--end",
    year.end,
    "--format",
    "csv,parquet",
    "--out",
    dir,
  ]);
  return { dir, generated };
}

/** A fresh workspace holding only the reference data, copied from a prepared one. */
function freshHome(reference: string, name: string): string {
  const home = join(cache, "work", name);
  rmSync(home, { recursive: true, force: true });
  cpSync(reference, home, { recursive: true });
  return home;
}

async function benchScale(
  scale: number,
  serve: boolean,
): Promise<{ scale: ScaleResult; server?: ServerResult }> {
  log(`scale ${scale}`);
  const demo = await demoFor(scale);
  const manifest = JSON.parse(readFileSync(join(demo.dir, "manifest.json"), "utf8")) as {
    files: { role: string; kind?: string; format: string; path: string; rows: number }[];
  };
  const file = (kind: string, format: string) => {
    const entry = manifest.files.find((f) => f.role === "activity" && f.kind === kind && f.format === format);
    if (!entry) throw new Error(`the demo manifest lists no ${kind} ${format} file`);
    return { path: join(demo.dir, entry.path), rows: entry.rows };
  };
  const apcCsv = file("apc", "csv");
  const apcParquet = file("apc", "parquet");
  const opParquet = file("op", "parquet");

  const reference = join(cache, "work", `reference-${scale}`);
  rmSync(reference, { recursive: true, force: true });
  await measureEbi(["--home", reference, "demo", "load", "--dir", demo.dir, "--reference-only"]);

  log("  ingest CSV");
  const ingestCsv = await medianOf(runs, () =>
    measureEbi(["--home", freshHome(reference, `csv-${scale}`), "ingest", "apc", apcCsv.path]),
  );
  log("  ingest Parquet");
  let buildHome = "";
  const ingestParquet = await medianOf(runs, () => {
    buildHome = freshHome(reference, `parquet-${scale}`);
    return measureEbi(["--home", buildHome, "ingest", "apc", apcParquet.path]);
  });
  await measureEbi(["--home", buildHome, "ingest", "op", opParquet.path]);

  log("  bare scan and reference query");
  const scan = await medianOf(runs, () => measureScript("./runSql.ts", ["scan", apcParquet.path]));
  const referenceQuery = await medianOf(runs, () =>
    measureScript("./runSql.ts", ["reference", apcParquet.path]),
  );
  const classify = await medianOf(runs, () =>
    measureScript("./classifyStep.ts", [join(buildHome, "store.duckdb")]),
  );

  log("  build");
  const build = await medianOf(runs, () => measureEbi(["--home", buildHome, "build"]));

  const result: ScaleResult = {
    scale,
    apcRows: apcParquet.rows,
    generate: demo.generated,
    ingestCsv,
    ingestParquet,
    scan,
    referenceQuery: { ...referenceQuery, seconds: innerSeconds(referenceQuery) },
    classify: { ...classify, seconds: innerSeconds(classify) },
    build,
  };
  if (!serve) return { scale: result };

  log("  server");
  const port = Number(flags.port);
  const { child, seconds: startSeconds } = await startServer(buildHome, port);
  try {
    const base = `http://127.0.0.1:${port}`;
    const interventions = (await (await fetch(`${base}/api/v1/interventions`)).json()) as {
      items?: { intervention_id: string; measurable: boolean }[];
    };
    const measurable = (interventions.items ?? []).find((i) => i.measurable);
    const organisations = (await (await fetch(`${base}/api/v1/organisations?level=icb`)).json()) as {
      items?: { org_code: string }[];
    };
    const id = measurable?.intervention_id ?? "";
    const org = organisations.items?.[0]?.org_code ?? "ENG";
    const routes = [
      "/",
      `/interventions/${id}`,
      `/organisations/${org}`,
      "/api/v1/interventions",
      `/api/v1/activity?intervention=${encodeURIComponent(id)}&org=ENG`,
    ];
    const loads = [];
    for (const route of routes)
      for (const connections of [1, 50]) loads.push(await loadRoute(base + route, connections, loadSeconds));
    return { scale: result, server: { scale, startSeconds, loads } };
  } finally {
    child.kill();
  }
}

/** The time a child reported for its own work (`{"seconds": …}` on its last line), else its wall time. */
function innerSeconds(measurement: Measurement): number {
  const last = measurement.stdout.trim().split("\n").at(-1) ?? "";
  try {
    const parsed = JSON.parse(last) as { seconds?: number };
    return parsed.seconds ?? measurement.seconds;
  } catch {
    return measurement.seconds;
  }
}

const results: ScaleResult[] = [];
let server: ServerResult | undefined;
for (const [i, scale] of scales.entries()) {
  const outcome = await benchScale(scale, i === scales.length - 1);
  results.push(outcome.scale);
  server = outcome.server ?? server;
}
const command = `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim();
const report = benchmarkReport({ command, runs, loadSeconds, results, server });
if (out) {
  writeFileSync(out, report);
  log(`wrote ${out}`);
} else log(report);

/**
 * `npm run bench`: how fast and how big, on this machine, at national scale.
 *
 *   npm run bench                      scales 0.1, 0.3 and 1 (one national year), writes docs/benchmarks.md
 *   npm run bench -- --quick           scale 0.02, one run each, prints the table (CI runs this)
 *                                      (both also run bench/registeredAccess.ts, which needs no demo)
 *   npm run bench -- --scales 0.1,1 --runs 3 --national-runs 1 --seconds 10
 *   npm run bench -- --server-home ~/ebi --scales 0.02
 *                                      only the server, on a workspace whose release is built
 *   npm run bench -- --audit-only --scales 0.1,0.3,1 --out docs/benchmarks.md
 *                                      only ingest (Parquet), build and the disclosure audit
 *   npm run bench -- --national-outpatients --scales 0.01,0.1
 *                                      England's outpatient volume (125 million a year at scale 1)
 *   npm run bench -- --national-outpatients --years 8 --scales 0.01 --out /tmp/national.md
 *                                      eight years of both, outpatients from the demo generator
 *   npm run bench -- --national --scales 1 --audit-only --out /tmp/national.md
 *                                      the opt-in national benchmark: England's outpatient year
 *                                      (125 million at scale 1) streamed a month a file
 *                                      (`src/demo/outpatientYear.ts`) beside the admitted year,
 *                                      its generation timed on its own; with --years 8, eight
 *                                      years of both
 *
 * Each figure is logged as it is measured and the report is rewritten after every scale, so a long
 * run that is stopped still leaves what it measured. A step that fails is reported as failed, with
 * its reason, and the run goes on with the steps that do not need it.
 *
 * Demo files are generated once per scale and cached outside the repository
 * ($EBI_BENCH_CACHE, default ~/.cache/ebi-insight/bench).
 */

import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type Measurement, measureEbi, measureScript, median, medianOf } from "./measure.ts";
import { benchmarkReport, type Outcome, type ScaleResult, type ServerResult } from "./report.ts";
import { benchRoutes, loadRoute, startServer, timeStart } from "./serverLoad.ts";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    scales: { type: "string" },
    runs: { type: "string" },
    "national-runs": { type: "string" },
    seconds: { type: "string" },
    out: { type: "string" },
    port: { type: "string", default: "3917" },
    "audit-only": { type: "boolean", default: false },
    "national-outpatients": { type: "boolean", default: false },
    national: { type: "boolean", default: false },
    years: { type: "string", default: "1" },
    "server-home": { type: "string" },
  },
});

const quick = flags.quick ?? false;
const auditOnly = flags["audit-only"] ?? false;
const scales = (flags.scales ?? (quick ? "0.02" : "0.1,0.3,1")).split(",").map(Number);
const runs = Number(flags.runs ?? (quick ? 1 : 3));
// A national year takes minutes per step, so scale 1 defaults to one run of each.
const nationalRuns = Number(flags["national-runs"] ?? 1);
const loadSeconds = Number(flags.seconds ?? (quick ? 2 : 10));
const out = flags.out ?? (quick ? undefined : "docs/benchmarks.md");
const cache = process.env.EBI_BENCH_CACHE ?? join(homedir(), ".cache", "ebi-insight", "bench");
const nationalOutpatients = flags["national-outpatients"] ?? false;
// Never with --quick: a streamed national outpatient year is hours of work on this machine.
const national = (flags.national ?? false) && !quick;
const years = Number(flags.years ?? 1);
// The last year is always April 2023 to March 2024; more years reach back from it.
const year = { start: `${2024 - years}-04-01`, end: "2024-03-31" };
const demoName = (scale: number) =>
  `demo-scale-${scale}${nationalOutpatients ? "-op-national" : ""}${years > 1 ? `-years-${years}` : ""}`;

const log = (message: string) => process.stdout.write(`${message}\n`);

/** Generates the demo year for `scale` unless it is cached. */
async function demoFor(scale: number): Promise<{ dir: string; generated?: Measurement }> {
  const dir = join(cache, demoName(scale));
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
    ...(nationalOutpatients ? ["--national-outpatients"] : []),
  ]);
  return { dir, generated };
}

/**
 * England's outpatient appointments for the bench's years, streamed a month a file, generated
 * once per scale and years (the cache keeps them) and timed on their own.
 */
async function streamedOutpatients(
  scale: number,
  referenceDir: string,
): Promise<{ dir: string; files: string[]; rows: number; generated: Outcome }> {
  const dir = join(cache, `op-streamed-scale-${scale}${years > 1 ? `-years-${years}` : ""}`);
  const listing = join(dir, "files.json");
  if (existsSync(listing)) {
    const kept = JSON.parse(readFileSync(listing, "utf8")) as {
      files: string[];
      rows: number;
      seconds: number;
    };
    log(`  outpatient year (streamed): cached, ${kept.rows.toLocaleString("en-GB")} appointments`);
    return {
      dir,
      ...kept,
      generated: { seconds: kept.seconds, peakMb: Number.NaN, cpuSeconds: Number.NaN, stdout: "" },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  let made = { files: [] as string[], rows: 0 };
  const generated = await step("generate outpatients (streamed)", async () => {
    const measured = await measureScript("./outpatientYear.ts", [
      referenceDir,
      dir,
      String(scale),
      year.start,
      year.end,
    ]);
    made = JSON.parse(measured.stdout.trim().split("\n").at(-1) ?? "{}") as typeof made;
    return measured;
  });
  if (ok(generated)) writeFileSync(listing, JSON.stringify({ ...made, seconds: generated.seconds }));
  return { dir, ...made, generated };
}

/** A fresh workspace holding only the reference data, copied from a prepared one. */
function freshHome(reference: string, name: string): string {
  const home = join(cache, "work", name);
  rmSync(home, { recursive: true, force: true });
  cpSync(reference, home, { recursive: true });
  return home;
}

/** Runs one measured step, logging its figure at once; a failure becomes an outcome, not a crash. */
async function step(label: string, fn: () => Promise<Measurement>): Promise<Outcome> {
  const started = performance.now();
  try {
    const measured = await fn();
    log(`  ${label}: ${measured.seconds.toFixed(1)} s, peak ${Math.round(measured.peakMb)} MB`);
    return measured;
  } catch (error) {
    const reason = firstLine(error instanceof Error ? error.message : String(error));
    const seconds = (performance.now() - started) / 1000;
    log(`  ${label}: FAILED after ${seconds.toFixed(1)} s: ${reason}`);
    return { failed: reason, seconds };
  }
}

/** The most telling line of a child's error: DuckDB's or the CLI's own message, else the first. */
function firstLine(message: string): string {
  const lines = message
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const telling = lines.find((l) => /error|memory|killed|signal/i.test(l) && !l.startsWith("node "));
  return (telling ?? lines[0] ?? "unknown failure").slice(0, 300);
}

const ok = (outcome: Outcome): outcome is Measurement => !("failed" in outcome);

async function benchScale(scale: number): Promise<ScaleResult> {
  log(`scale ${scale}`);
  const times = scale >= 1 ? nationalRuns : runs;
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

  const reference = join(cache, "work", `reference-${demoName(scale)}`);
  rmSync(reference, { recursive: true, force: true });
  await measureEbi(["--home", reference, "demo", "load", "--dir", demo.dir, "--reference-only"]);

  const skipped = async (): Promise<Measurement> => {
    throw new Error("not run (--audit-only)");
  };
  const ingestCsv = await step("ingest CSV", () =>
    auditOnly
      ? skipped()
      : medianOf(times, () =>
          measureEbi([
            "--home",
            freshHome(reference, `csv-${demoName(scale)}`),
            "ingest",
            "apc",
            apcCsv.path,
          ]),
        ),
  );
  // The CSV workspace is not needed again; its store is as large as the Parquet one.
  rmSync(join(cache, "work", `csv-${demoName(scale)}`), { recursive: true, force: true });
  let buildHome = "";
  const ingestParquet = await step("ingest Parquet", () =>
    medianOf(times, () => {
      buildHome = freshHome(reference, `parquet-${demoName(scale)}`);
      return measureEbi(["--home", buildHome, "ingest", "apc", apcParquet.path]);
    }),
  );
  const streamed = national ? await streamedOutpatients(scale, join(demo.dir, "reference")) : undefined;
  const ingestOp = await step(
    national ? "ingest outpatients (streamed year)" : "ingest outpatients (Parquet)",
    () =>
      streamed
        ? ok(streamed.generated)
          ? measureEbi(["--home", buildHome, "ingest", "op", ...streamed.files])
          : Promise.reject(new Error("not measured: the outpatient year was not generated"))
        : measureEbi(["--home", buildHome, "ingest", "op", opParquet.path]),
  );
  const opScan = await step("bare scan of the outpatient columns kept", () =>
    measureScript("./runSql.ts", [
      "scan-kept-op",
      streamed ? join(streamed.dir, "op-*.parquet") : opParquet.path,
    ]).then(inner),
  );
  const scanKept = await step("bare scan of the admitted columns kept", () =>
    medianOf(times, () => measureScript("./runSql.ts", ["scan-kept-apc", apcParquet.path])).then(inner),
  );
  const csvRead = await step("DuckDB's own read of the admitted CSV", () =>
    auditOnly
      ? skipped()
      : medianOf(times, () => measureScript("./runSql.ts", ["csv-read-apc", apcCsv.path])).then(inner),
  );
  const scan = await step("bare scan", () =>
    auditOnly ? skipped() : medianOf(times, () => measureScript("./runSql.ts", ["scan", apcParquet.path])),
  );
  const referenceQuery = await step("reference query", () =>
    auditOnly
      ? skipped()
      : medianOf(times, () => measureScript("./runSql.ts", ["reference", apcParquet.path])).then(inner),
  );
  const stored = ok(ingestParquet);
  const notStored = async (): Promise<Measurement> => {
    throw new Error("not measured: the Parquet ingest failed");
  };
  const referenceStore = await step("reference query over the store", () =>
    auditOnly
      ? skipped()
      : stored
        ? medianOf(times, () =>
            measureScript("./runSql.ts", ["reference-store", join(buildHome, "store.duckdb")]),
          ).then(inner)
        : notStored(),
  );
  const classify = await step("classification step", () =>
    auditOnly
      ? skipped()
      : stored
        ? medianOf(times, () => measureScript("./classifyStep.ts", [join(buildHome, "store.duckdb")])).then(
            inner,
          )
        : notStored(),
  );
  const build = await step("build", () =>
    stored && ok(ingestOp) ? medianOf(times, () => measureEbi(["--home", buildHome, "build"])) : notStored(),
  );
  // The attacker audit of the public side just built, judged against its registered side, timed on
  // its own (the build runs it too, inside disclosure control).
  const audit = await step("disclosure audit", () =>
    ok(build) ? measureEbi(["--home", buildHome, "releases", "audit", "--no-insider-audit"]) : notStored(),
  );
  // The same with every registered scope's insider too; its figures are under `insider`. A build
  // without the insider audit leaves counts an insider can narrow: the audit then exits 65
  // (EBI_DISCLOSURE_UNSAFE) after printing them, and the report shows how many.
  // Not in --quick: at the CI scale it takes many minutes, which the CI run cannot spare.
  const insiderAudit = await step("insider audit", () =>
    quick
      ? Promise.reject(new Error("not run with --quick (minutes at any scale; `npm run bench` runs it)"))
      : national
        ? Promise.reject(new Error("not run with --national (it measures disclosure, not volume)"))
        : ok(build)
          ? measureEbi(["--home", buildHome, "releases", "audit", "--insider-audit"], {}, [0, 65])
          : notStored(),
  );
  return {
    scale,
    runs: times,
    apcRows: apcParquet.rows,
    // With --national the build reads the streamed year, not the demo's own outpatient file.
    opRows: streamed?.rows ?? opParquet.rows,
    home: buildHome,
    generate: demo.generated,
    ingestCsv,
    ingestParquet,
    ingestOp,
    scan,
    scanKept,
    csvRead,
    opScan,
    ...(streamed ? { streamedOutpatients: { generated: streamed.generated, rows: streamed.rows } } : {}),
    referenceQuery,
    referenceStore,
    classify,
    build,
    audit,
    insiderAudit,
  };
}

/** Starts the server on a built release and loads each route at 1 and 50 connections. */
async function benchServer(result: ScaleResult): Promise<ServerResult> {
  log(`server on the scale ${result.scale} release`);
  const port = Number(flags.port);
  // Start-up is timed both ways a user runs `ebi`: from a clone's sources and from the built package.
  const startRuns = quick ? 1 : 5;
  const startSeconds = { source: [] as number[], compiled: [] as number[] };
  for (let i = 0; i < startRuns; i++) startSeconds.source.push(await timeStart(result.home, port, "source"));
  execFileSync("npm", ["run", "--silent", "build"], { stdio: "ignore" });
  for (let i = 0; i < startRuns; i++)
    startSeconds.compiled.push(await timeStart(result.home, port, "compiled"));
  const start = {
    source: median(startSeconds.source),
    compiled: median(startSeconds.compiled),
    runs: startRuns,
  };
  log(`  start: ${start.source.toFixed(2)} s from source, ${start.compiled.toFixed(2)} s compiled`);
  const { child } = await startServer(result.home, port, "compiled");
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
    const routes = benchRoutes(id, org);
    const loads = [];
    for (const route of routes) {
      // Warmed first, unmeasured: the first answer renders the page and the code is not yet compiled.
      await loadRoute(base + route, 50, 1);
      for (const connections of [1, 50]) {
        const load = await loadRoute(base + route, connections, loadSeconds);
        log(
          `  ${route} × ${connections}: ${Math.round(load.requestsPerSecond)}/s, p95 ${load.p95.toFixed(1)} ms`,
        );
        loads.push(load);
      }
    }
    return { scale: result.scale, start, loads };
  } finally {
    child.kill();
  }
}

/** The time a child reported for its own work (`{"seconds": …}` on its last line), else its wall time. */
function inner(measurement: Measurement): Measurement {
  const last = measurement.stdout.trim().split("\n").at(-1) ?? "";
  try {
    const parsed = JSON.parse(last) as { seconds?: number };
    return { ...measurement, seconds: parsed.seconds ?? measurement.seconds };
  } catch {
    return measurement;
  }
}

const command = `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim();
const results: ScaleResult[] = [];
let server: ServerResult | undefined;

/** The hand-written reading of the figures at the end of the report, which a rerun keeps. */
const readingHeading = "\n## Reading the figures";
const reading = (() => {
  if (!out || !existsSync(out)) return "";
  const previous = readFileSync(out, "utf8");
  const at = previous.indexOf(readingHeading);
  return at < 0 ? "" : previous.slice(at);
})();

/** Writes (or prints) the report for what has been measured so far. */
function report(final: boolean): void {
  const period = { ...year, years };
  const text =
    benchmarkReport({ command, runs, nationalRuns, loadSeconds, period, results, server }) + reading;
  if (out) {
    writeFileSync(out, text);
    log(`${final ? "wrote" : "updated"} ${out}`);
  } else if (final) log(text);
}

// `--server-home DIR --scales S`: only the server, on the release already built in DIR (at scale S).
const serverHome = flags["server-home"];
if (!serverHome)
  for (const scale of scales) {
    results.push(await benchScale(scale));
    report(false);
  }
const built = serverHome
  ? ({ scale: scales[0] ?? 0, home: serverHome } as ScaleResult)
  : results.filter((r) => ok(r.build)).at(-1);
if (built && !auditOnly) {
  try {
    server = await benchServer(built);
    if (server.loads.some((l) => l.errors > 0)) {
      log("  server: some requests failed (see the errors column)");
      process.exitCode = 1;
    }
  } catch (error) {
    log(`  server: FAILED: ${firstLine(error instanceof Error ? error.message : String(error))}`);
    process.exitCode = 1;
  }
}
report(true);
// The talking-therapies national year: its own script, writing its own section of the report.
// Not with --national, which measures the EBI path's volumes alone.
if (!national)
  try {
    execFileSync(
      process.execPath,
      ["--import", "tsx", "bench/talkingTherapies.ts", "--copies", quick ? "1" : "28", "--out", out ?? ""],
      { stdio: "inherit" },
    );
  } catch {
    log("  talking therapies: FAILED (see above)");
    process.exitCode = 1;
  }
// Registered access runs on its own fixture release; after the report, so it rewrites only its section.
if (!auditOnly) {
  log("registered access: authorisation and audit at 50 connections");
  try {
    execFileSync(
      process.execPath,
      ["--import", "tsx", "bench/registeredAccess.ts", ...(quick ? ["--quick"] : [])],
      {
        stdio: "inherit",
      },
    );
  } catch {
    log("  registered access: FAILED (see above)");
    process.exitCode = 1;
  }
}
if (
  results.some((r) =>
    Object.values(r).some(
      (v) => typeof v === "object" && v !== null && "failed" in v && !String(v.failed).startsWith("not run"),
    ),
  )
)
  process.exitCode = 1;

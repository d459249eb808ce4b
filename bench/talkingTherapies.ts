/**
 * Talking-therapies benchmark: a generated national year (RMY-sized services side by side, about
 * 1.8 million referrals) measured straight from its folder, and loaded into a store.
 *
 *   node --import tsx bench/talkingTherapies.ts                 28 services (a national year); updates docs/benchmarks.md
 *   node --import tsx bench/talkingTherapies.ts --copies 1 --out ''   a quick look; prints only
 *
 * `npm run bench` runs it after its own steps (one service with `--quick`, printing only). It
 * writes only its own section of the report, between the `tt-bench` markers.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { measuresMemoryLimit } from "../src/products/talking-therapies/measureFolder.ts";
import { type Measurement, measureEbi } from "./measure.ts";

const { values: flags } = parseArgs({
  options: {
    copies: { type: "string", default: "28" },
    // Unset: the commands' own limit (`measuresMemoryLimit`), the one the target is judged on.
    memory: { type: "string" },
    out: { type: "string", default: "docs/benchmarks.md" },
  },
});
const copies = Number(flags.copies);
const cache = process.env.EBI_BENCH_CACHE ?? join(homedir(), ".cache", "ebi-insight", "bench");
const dir = join(cache, `tt-national-${copies}`);
const env: NodeJS.ProcessEnv = flags.memory ? { EBI_MEMORY_LIMIT: flags.memory } : {};
const limit = flags.memory ?? `${measuresMemoryLimit} (the commands' default)`;
const log = (m: string) => process.stdout.write(`${m}\n`);

/** Data rows of a CSV (lines less the header), counted in chunks: the files are too big to read whole. */
function lines(file: string): number {
  const fd = openSync(file, "r");
  const buffer = Buffer.alloc(1 << 20);
  let count = 0;
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer))
      for (let i = 0; i < read; i++) if (buffer[i] === 10) count++;
  } finally {
    closeSync(fd);
  }
  return count - 1;
}

/** "43.3 s wall, 90.1 s CPU, peak 3,608 MB". */
function figures(m: Measurement): string {
  return `${m.seconds.toFixed(1)} s wall, ${m.cpuSeconds.toFixed(1)} s CPU, peak ${m.peakMb.toFixed(0)} MB`;
}

/** One row of the report's table: wall and CPU seconds, peak MB. */
function row(step: string, m: Measurement): string {
  return `| ${step} | ${m.seconds.toFixed(1)} s | ${m.cpuSeconds.toFixed(1)} s | ${m.peakMb.toFixed(0)} MB |`;
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()
    .map((l) => l.toFixed(1))
    .join(", ");
  if (!existsSync(join(dir, "manifest.json"))) {
    log(`generating ${copies} services into ${dir}`);
    const generated = await measureEbi(["tt", "demo", "--out", dir, "--copies", String(copies)], env);
    log(`  generated in ${generated.seconds.toFixed(1)} s, peak ${generated.peakMb.toFixed(0)} MB`);
  }
  const referrals = lines(join(dir, "IDS101Referral.csv"));
  const contacts = lines(join(dir, "IDS201CareContact.csv"));
  const bytes = ["IDS101Referral", "IDS201CareContact", "IDS202CareActivity", "IDS607CodedScoreAssessmentAct"]
    .map((t) => statSync(join(dir, `${t}.csv`)).size)
    .reduce((a, b) => a + b, 0);
  log(`${referrals.toLocaleString("en-GB")} referrals, ${contacts.toLocaleString("en-GB")} contacts`);
  const out = join(cache, "tt-out");
  mkdirSync(out, { recursive: true });
  const measured = await measureEbi(
    [
      "tt",
      "measures",
      "--input",
      dir,
      "--from",
      "2024-04-01",
      "--to",
      "2025-03-31",
      "--output",
      join(out, "m.csv"),
      "--quiet",
    ],
    env,
  );
  log(`measures: ${figures(measured)}`);
  const home = join(cache, "tt-home");
  rmSync(home, { recursive: true, force: true });
  const ingested = await measureEbi(["tt", "ingest", dir], { ...env, EBI_HOME: home });
  log(`ingest: ${figures(ingested)}`);
  const fromStore = await measureEbi(
    [
      "tt",
      "measures",
      "--store",
      "--from",
      "2024-04-01",
      "--to",
      "2025-03-31",
      "--output",
      join(out, "s.csv"),
      "--quiet",
    ],
    { ...env, EBI_HOME: home },
  );
  log(`measures from the store: ${figures(fromStore)}`);
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(", ");
  log(`load average at the end: ${load}`);
  if (!flags.out) return;
  const section = [
    "<!-- tt-bench:start (written by bench/talkingTherapies.ts) -->",
    "## NHS Talking Therapies: a national year",
    "",
    `${copies} generated RMY-sized services (\`ebi tt demo --copies ${copies}\`): ${referrals.toLocaleString("en-GB")} referrals,`,
    `${contacts.toLocaleString("en-GB")} care contacts, ${(bytes / 1e9).toFixed(2)} GB of CSV; DuckDB memory limit ${limit}.`,
    "Every annual measure, breakdown and review measure for England, every provider and every commissioner.",
    "",
    "| step | wall | CPU (user + system) | peak resident memory |",
    "| --- | ---: | ---: | ---: |",
    row("`ebi tt measures --input` (read CSV, flag, measure, write)", measured),
    row("`ebi tt ingest` (load into the store)", ingested),
    row("`ebi tt measures --store`", fromStore),
    "",
    "Target: every measure for every provider and commissioner in under a minute, peak memory under 4 GB.",
    `Load average (1, 5, 15 min) at the start: ${loadAtStart}; at the end: ${load}. Other work on this`,
    "2-core machine stretches wall time and CPU time too (threads contend for the same cores and caches),",
    "so each figure is only as good as the load it was taken at.",
    "<!-- tt-bench:end -->",
  ].join("\n");
  const doc = flags.out;
  const text = readFileSync(doc, "utf8");
  const pattern = /<!-- tt-bench:start[\s\S]*?<!-- tt-bench:end -->/;
  writeFileSync(
    doc,
    pattern.test(text) ? text.replace(pattern, section) : `${text.trimEnd()}\n\n${section}\n`,
  );
  log(`updated ${doc}`);
}

await main();

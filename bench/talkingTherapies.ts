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
import { measureEbi } from "./measure.ts";

const { values: flags } = parseArgs({
  options: {
    copies: { type: "string", default: "28" },
    memory: { type: "string", default: "3GB" },
    out: { type: "string", default: "docs/benchmarks.md" },
  },
});
const copies = Number(flags.copies);
const cache = process.env.EBI_BENCH_CACHE ?? join(homedir(), ".cache", "ebi-insight", "bench");
const dir = join(cache, `tt-national-${copies}`);
const env = { EBI_MEMORY_LIMIT: flags.memory ?? "3GB" };
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

async function main(): Promise<void> {
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
  log(`measures: ${measured.seconds.toFixed(1)} s, peak ${measured.peakMb.toFixed(0)} MB`);
  const home = join(cache, "tt-home");
  rmSync(home, { recursive: true, force: true });
  const ingested = await measureEbi(["tt", "ingest", dir], { ...env, EBI_HOME: home });
  log(`ingest: ${ingested.seconds.toFixed(1)} s, peak ${ingested.peakMb.toFixed(0)} MB`);
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
  log(`measures from the store: ${fromStore.seconds.toFixed(1)} s, peak ${fromStore.peakMb.toFixed(0)} MB`);
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
    `${contacts.toLocaleString("en-GB")} care contacts, ${(bytes / 1e9).toFixed(2)} GB of CSV; DuckDB memory limit ${env.EBI_MEMORY_LIMIT}.`,
    "Every annual measure, breakdown and review measure for England, every provider and every commissioner.",
    "",
    "| step | time | peak memory |",
    "| --- | --- | --- |",
    `| \`ebi tt measures --input\` (read CSV, flag, measure, write) | ${measured.seconds.toFixed(1)} s | ${measured.peakMb.toFixed(0)} MB |`,
    `| \`ebi tt ingest\` (load into the store) | ${ingested.seconds.toFixed(1)} s | ${ingested.peakMb.toFixed(0)} MB |`,
    `| \`ebi tt measures --store\` | ${fromStore.seconds.toFixed(1)} s | ${fromStore.peakMb.toFixed(0)} MB |`,
    "",
    "Target: every measure for every provider and commissioner in under a minute, peak memory under 4 GB.",
    `Load average (1, 5, 15 min) when the run ended: ${load}; on this shared 2-core machine a high load`,
    "stretches wall times well beyond the work itself.",
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

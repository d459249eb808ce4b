import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { allOn, Database } from "../../../db/index.ts";
import type { Effects } from "../../../effects/index.ts";
import { EbiError } from "../../../errors/index.ts";
import { generateService, serviceNotice } from "../demo/generateService.ts";
import { rmy202425, type ServiceTargets } from "../demo/publishedTargets.ts";
import { methodVersion } from "../measureFolder.ts";
import { readPublished } from "../publishedMeasures.ts";
import { reconcileOnConnection } from "../reconcileService.ts";
import {
  atRiskRows,
  longGapDays,
  peerMinimum,
  practitionerRows,
  type RegisteredReview,
} from "../registered/practitionerDashboards.ts";
import { defaultThresholds } from "../thresholds.ts";
import { protectCount, protectedPercent } from "./protectCount.ts";
import { type Cell, type PublicTable, protectTable, reviewTables } from "./reviewTables.ts";

/** Version of the public review build (tables and disclosure rule), written into its provenance. */
export const publicReviewVersion = "tt-public-review 1.0";

export interface PublicReview {
  version: string;
  method: string;
  thresholds: { id: string; version: string };
  provider: string;
  period: { from: string; to: string };
  seed: number;
  synthetic: boolean;
  notice: string;
  disclosure: string;
  createdAt: string;
  tables: PublicTable[];
}

export interface BuildPublicReviewOptions {
  /** Folder to write `review.json` and one CSV per table into (replaced whole). */
  outDir: string;
  seed?: number;
  targets?: ServiceTargets;
  /** The national annual measures (Parquet or NHS England's CSV), for England and the provider. */
  published: string;
  /** Folder for the registered (practitioner-level) review; default `registered` beside `outDir`. */
  registeredDir?: string;
}

export const disclosureRule =
  "Counts below 5 suppressed and others rounded to the nearest 5 (NHS England's rule for these statistics); " +
  "in addition no figure of 1 to 5 is shown, so true counts of 5 to 7 are suppressed too. Suppressed figures are shown as [c]. " +
  "Percentages are worked out from the rounded counts; averages are shown only for groups whose count is shown.";

const csvCell = (v: Cell): string => {
  if (v === null) return "[c]";
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** A public table as CSV: one header row of labels, [c] for suppressed figures. */
export function tableCsv(table: PublicTable): string {
  const lines = [table.columns.map((c) => csvCell(c.label)).join(",")];
  for (const row of table.rows)
    lines.push(
      table.columns.map((c) => csvCell(row[c.key] === undefined ? "" : (row[c.key] as Cell))).join(","),
    );
  return `${lines.join("\n")}\n`;
}

const standards: { measure: string; key: string; standard: number | null; england: string | null }[] = [
  { measure: "Recovery", key: "recovery_rate", standard: 50, england: "recovery" },
  { measure: "Reliable recovery", key: "reliable_recovery_rate", standard: 48, england: "reliable_recovery" },
  { measure: "Reliable improvement", key: "improvement_rate", standard: 67, england: "improvement" },
  {
    measure: "First treatment within 6 weeks of referral",
    key: "waited_6_rate",
    standard: 75,
    england: null,
  },
  {
    measure: "First treatment within 18 weeks of referral",
    key: "waited_18_rate",
    standard: 95,
    england: null,
  },
];

/**
 * Generates the demo service from its seed, measures it with the measures engine and writes the
 * public review tables (aggregate, protected) with their CSVs. A failed build leaves the folder
 * as it was: everything is written beside it and renamed into place at the end.
 */
export async function buildPublicReview(
  options: BuildPublicReviewOptions,
  effects: Effects,
): Promise<PublicReview> {
  const seed = options.seed ?? 20240401;
  // Checked before the minute of generating and measuring that would otherwise come first.
  if (!existsSync(options.published))
    throw new EbiError(
      "EBI_TT_PUBLISHED",
      `The published measures file ${options.published} does not exist.`,
      {
        file: options.published,
      },
    );
  const targets = options.targets ?? rmy202425;
  const scratch = mkdtempSync(join(tmpdir(), "tt-public-"));
  const partial = `${options.outDir}.partial`;
  try {
    const service = join(scratch, "service");
    await generateService({ outDir: service, seed, targets }, effects);
    const db = await Database.open(":memory:", { memoryLimit: process.env.EBI_MEMORY_LIMIT });
    let tables: PublicTable[];
    let registered: RegisteredReview | undefined;
    try {
      tables = await db.withConnection(async (c) => {
        const period = { from: targets.from, to: targets.to };
        const reconciled = await reconcileOnConnection(
          c,
          { input: service, ...period, provider: targets.provider, published: options.published },
          effects,
        );
        effects.progress.start("public review tables");
        const out: PublicTable[] = [];
        for (const spec of reviewTables)
          out.push(protectTable(spec, await allOn<Record<string, unknown>>(c, spec.sql, undefined, spec.id)));
        const england = await readPublished(c, { file: options.published, orgCode: "All", ...period });
        const whole = out.find((t) => t.id === "headline")?.rows[0] ?? {};
        out.splice(1, 0, {
          id: "standards",
          page: "overview",
          title: "The service against the national standards and England",
          method:
            "The whole service's percentages from the headline table, beside the national standard (NHS England operational planning guidance: recovery 50%, reliable recovery 48%, reliable improvement 67%; waiting-time standards 75% within 6 weeks and 95% within 18 weeks) and England's published figure for the same year (NHS England, NHS Talking Therapies annual report; waits are not in the national file used here).",
          columns: [
            { key: "measure", label: "Measure", kind: "label" },
            { key: "service", label: "This service (%)", kind: "percent" },
            { key: "standard", label: "National standard (%)", kind: "percent" },
            { key: "england", label: "England, published (%)", kind: "percent" },
            { key: "meets", label: "Meets the standard", kind: "text" },
          ],
          rows: standards.map((s) => {
            const service = whole[s.key] ?? null;
            const e = s.england
              ? england.find((p) => p.measureName === s.england && p.statistic === "percentage")
              : undefined;
            return {
              measure: s.measure,
              service,
              standard: s.standard,
              england: e?.value ?? "–",
              meets:
                typeof service === "number" && s.standard !== null
                  ? service >= s.standard
                    ? "Yes"
                    : "No"
                  : "–",
            };
          }),
        });
        out.push(reconciliationTable(reconciled));
        registered = {
          provider: targets.provider,
          period,
          attribution: "most-treatment",
          peerMinimum,
          longGapDays,
          createdAt: effects.clock.now().toISOString(),
          practitioners: await practitionerRows(c, targets.provider),
          atRisk: await atRiskRows(c, targets.provider),
        };
        effects.progress.finish();
        return out;
      });
    } finally {
      db.close();
    }
    const review: PublicReview = {
      version: publicReviewVersion,
      method: methodVersion,
      thresholds: { id: defaultThresholds.id, version: defaultThresholds.version },
      provider: targets.provider,
      period: { from: targets.from, to: targets.to },
      seed,
      synthetic: true,
      notice: serviceNotice,
      disclosure: disclosureRule,
      createdAt: effects.clock.now().toISOString(),
      tables,
    };
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    writeFileSync(join(partial, "review.json"), `${JSON.stringify(review, null, 2)}\n`);
    for (const t of tables) writeFileSync(join(partial, `${t.id}.csv`), tableCsv(t));
    rmSync(options.outDir, { recursive: true, force: true });
    renameSync(partial, options.outDir);
    // Practitioner- and pathway-level: written apart from the public folder, read only through
    // the scope-checked, audited registered routes.
    if (registered) {
      const registeredDir = options.registeredDir ?? registeredReviewDir(options.outDir);
      mkdirSync(registeredDir, { recursive: true });
      const file = join(registeredDir, "practitioners.json");
      writeFileSync(`${file}.partial`, `${JSON.stringify(registered)}\n`);
      renameSync(`${file}.partial`, file);
    }
    return review;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(partial, { recursive: true, force: true });
  }
}

type Reconciled = Awaited<ReturnType<typeof reconcileOnConnection>>;

/**
 * The local extract beside the published figures, with local counts protected and local
 * percentages worked out from protected counts (numerator and denominator as the national
 * definitions give them). Differences are from the protected local figure.
 */
function reconciliationTable(rows: Reconciled): PublicTable {
  const local = new Map<string, number | null>();
  for (const r of rows)
    if (r.measure_statistic === "count" && r.local !== null) local.set(r.measure_name, protectCount(r.local));
  const finished = local.get("finished_course_treatment") ?? null;
  const notCaseness = local.get("not_at_caseness") ?? null;
  const atCaseness = finished === null || notCaseness === null ? null : finished - notCaseness;
  const denominator: Record<string, number | null> = {
    recovery: atCaseness,
    reliable_recovery: atCaseness,
    improvement: finished,
    deterioration: finished,
    no_reliable_change: finished,
  };
  return {
    id: "reconciliation",
    page: "reconciliation",
    title: `Local extract against NHS England's published figures`,
    method:
      "Each annual measure worked out from the local extract by the measures engine, beside NHS England's published figure for the provider and year. Published counts are rounded to the nearest 5, so a count agrees when within 2.5 of the local one; a percentage when within the published precision. A difference is flagged with the likely cause the extract shows (months with few referrals, pathways under another provider code, missing scores). Local counts here are rounded as every public count is.",
    columns: [
      { key: "measure", label: "Measure", kind: "label" },
      { key: "statistic", label: "Statistic", kind: "text" },
      { key: "local", label: "Local extract", kind: "text" },
      { key: "published", label: "Published", kind: "text" },
      { key: "difference", label: "Difference", kind: "text" },
      { key: "status", label: "Status", kind: "text" },
      { key: "cause", label: "Likely cause", kind: "text" },
    ],
    rows: rows.map((r) => {
      const value: Cell =
        r.measure_statistic === "count"
          ? (local.get(r.measure_name) ?? null)
          : protectedPercent(local.get(r.measure_name) ?? null, denominator[r.measure_name] ?? null);
      const published = r.published === null ? null : Number(r.published);
      const difference =
        typeof value === "number" && published !== null && Number.isFinite(published)
          ? Math.round(10 * (value - published)) / 10
          : null;
      return {
        measure: r.measure_name.replaceAll("_", " "),
        statistic: r.measure_statistic,
        local: value,
        published: r.published ?? "–",
        difference: difference === null ? "–" : String(difference),
        status: r.status,
        // The cause text quotes counts from the extract; numbers in it are not protected, so
        // only the kind of cause is kept.
        cause: r.cause.replace(/\s*\([^)]*\)/g, ""),
      };
    }),
  };
}

/** Where the public review tables live: `EBI_TT_PUBLIC_DIR`, else `<workspace>/talking-therapies/public`. */
export function publicReviewDir(): string {
  return (
    process.env.EBI_TT_PUBLIC_DIR ??
    join(resolve(process.env.EBI_HOME ?? "workspace"), "talking-therapies", "public")
  );
}

/** Where the registered review lives: `EBI_TT_REGISTERED_DIR`, else `registered` beside the public folder. */
export function registeredReviewDir(publicDir = publicReviewDir()): string {
  return process.env.EBI_TT_REGISTERED_DIR ?? join(dirname(resolve(publicDir)), "registered");
}

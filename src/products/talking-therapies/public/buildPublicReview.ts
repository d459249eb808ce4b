import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { allOn, Database } from "../../../db/index.ts";
import type { Effects } from "../../../effects/index.ts";
import { EbiError } from "../../../errors/index.ts";
import { generateService, serviceNotice } from "../demo/generateService.ts";
import { rmy202425, type ServiceTargets } from "../demo/publishedTargets.ts";
import { methodVersion } from "../measureFolder.ts";
import { readEnglandBreakdowns, readPublished } from "../publishedMeasures.ts";
import { reconcileOnConnection } from "../reconcileService.ts";
import {
  atRiskRows,
  longGapDays,
  peerMinimum,
  practitionerRows,
  type RegisteredReview,
} from "../registered/practitionerDashboards.ts";
import { defaultThresholds } from "../thresholds.ts";
import { monthlyReconciliation } from "./monthlyReconciliation.ts";
import { protectCount, protectedPercent } from "./protectCount.ts";
import { type Finding, findingsTable, reviewFindings } from "./reviewFindings.ts";
import { type Cell, type PublicTable, protectTable, reviewTables } from "./reviewTables.ts";
import {
  appointmentsByStepSql,
  clearanceTable,
  equitySql,
  sectionTables,
  survivalSql,
} from "./sectionTables.ts";
import {
  demoServiceConfigurationFile,
  readServiceConfiguration,
  type ServiceConfiguration,
} from "./serviceConfiguration.ts";
import { accessTable, type Delivered, staffingTable, workforceTable } from "./staffing.ts";
import { type SurvivalRawRow, survivalTable } from "./survival.ts";

/** Version of the public review build (tables and disclosure rule), written into its provenance. */
export const publicReviewVersion = "tt-public-review 2.0";

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
  /** The review's checks against their thresholds (executive summary and good practice). */
  findings: Finding[];
  /** The service configuration the staffing tables and the calculator use. */
  configuration: ServiceConfiguration;
  /** What the service delivered in the year (protected counts), for the calculator. */
  delivered: Delivered;
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
  /** The service-configuration file (investment, prevalence, workforce); default the demo's. */
  configuration?: string;
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

/**
 * England's 2024-25 waits among finished courses, which the national measures file here does not
 * hold: NHS England, NHS Talking Therapies for anxiety and depression Annual report 2024-25.
 */
export const englandWaits = { within6: 91.6, within18: 98.7 };

const standards: {
  measure: string;
  key: string;
  standard: number | null;
  england: string | number | null;
}[] = [
  { measure: "Recovery", key: "recovery_rate", standard: 50, england: "recovery" },
  { measure: "Reliable recovery", key: "reliable_recovery_rate", standard: 48, england: "reliable_recovery" },
  { measure: "Reliable improvement", key: "improvement_rate", standard: 67, england: "improvement" },
  {
    measure: "First treatment within 6 weeks of referral",
    key: "waited_6_rate",
    standard: 75,
    england: englandWaits.within6,
  },
  {
    measure: "First treatment within 18 weeks of referral",
    key: "waited_18_rate",
    standard: 95,
    england: englandWaits.within18,
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
  const configuration = readServiceConfiguration(options.configuration ?? demoServiceConfigurationFile);
  const scratch = mkdtempSync(join(tmpdir(), "tt-public-"));
  const partial = `${options.outDir}.partial`;
  try {
    const service = join(scratch, "service");
    await generateService({ outDir: service, seed, targets }, effects);
    const db = await Database.open(":memory:", { memoryLimit: process.env.EBI_MEMORY_LIMIT });
    let tables: PublicTable[];
    let registered: RegisteredReview | undefined;
    let delivered: Delivered = {
      appointments: { "Low intensity": 0, "High intensity": 0 },
      referrals: 0,
      entered: 0,
      waitingFirst: 0,
    };
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
            "The whole service's percentages from the headline table, beside the national standard (NHS England operational planning guidance: recovery 50%, reliable recovery 48%, reliable improvement 67%; waiting-time standards 75% within 6 weeks and 95% within 18 weeks) and England's published figure for the same year (NHS England, NHS Talking Therapies annual report; England's waits, which are not in the national measures file, are from the report's text).",
          columns: [
            { key: "measure", label: "Measure", kind: "label" },
            { key: "service", label: "This service (%)", kind: "percent" },
            { key: "standard", label: "National standard (%)", kind: "percent" },
            { key: "england", label: "England, published (%)", kind: "percent" },
            { key: "meets", label: "Meets the standard", kind: "text" },
          ],
          rows: standards.map((s) => {
            const service = whole[s.key] ?? null;
            const e =
              typeof s.england === "number"
                ? { value: s.england }
                : s.england
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
        const recon = reconciliationTable(reconciled);
        out.push(recon);
        const query = (sql: string, step: string) => allOn<Record<string, unknown>>(c, sql, undefined, step);
        for (const spec of [...sectionTables, clearanceTable])
          out.push(protectTable(spec, await query(spec.sql, spec.id)));
        out.push(survivalTable((await query(survivalSql, "survival")) as unknown as SurvivalRawRow[]));
        out.push(equityTable(await query(equitySql, "equity"), configuration));
        await addEnglandFigures(c, out, options.published, period);
        const englandCount = (name: string) =>
          england.find((p) => p.measureName === name && p.statistic === "count")?.value ?? null;
        const englandFinished = englandCount("finished_course_treatment");
        const englandCaseness = englandCount("at_caseness");
        for (const r of out.find((t) => t.id === "caseness")?.rows ?? [])
          r.england =
            englandFinished && englandCaseness !== null
              ? Math.round((1000 * englandCaseness) / englandFinished) / 10
              : "–";
        const byStep = new Map(
          (await query(appointmentsByStepSql, "appointments by step")).map((r) => [
            String(r.step),
            protectCount(Number(r.appointments)) ?? 0,
          ]),
        );
        const headlineWhole = out.find((t) => t.id === "headline")?.rows[0] ?? {};
        const waitingWhole = out.find((t) => t.id === "clearance")?.rows[0] ?? {};
        delivered = {
          appointments: {
            "Low intensity": byStep.get("Low intensity") ?? 0,
            "High intensity": byStep.get("High intensity") ?? 0,
          },
          referrals: Number(headlineWhole.referrals ?? 0),
          entered: Number(headlineWhole.entered ?? 0),
          waitingFirst: Number(waitingWhole.waiting ?? 0),
        };
        out.push(
          accessTable(configuration, delivered),
          staffingTable(configuration, delivered),
          workforceTable(configuration),
        );
        const monthly = out.find((t) => t.id === "monthly");
        if (monthly) {
          const causeOf = (name: string) =>
            recon.rows.find((r) => r.measure === name && r.statistic === "count" && r.status === "differs")
              ?.cause as string | undefined;
          const publishedCount = (name: string) => {
            const v = Number(
              reconciled.find((r) => r.measure_name === name && r.measure_statistic === "count")?.published,
            );
            return Number.isFinite(v) ? v : null;
          };
          out.push(
            monthlyReconciliation(
              monthly,
              {
                referrals: publishedCount("referrals_received"),
                finished: publishedCount("finished_course_treatment"),
              },
              {
                ...(causeOf("referrals received")
                  ? { referrals: causeOf("referrals received") as string }
                  : {}),
                ...(causeOf("finished course treatment")
                  ? { finished: causeOf("finished course treatment") as string }
                  : {}),
              },
            ),
          );
        }
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
      tables: [...tables],
      findings: [],
      configuration,
      delivered,
    };
    review.findings = reviewFindings(new Map(tables.map((t) => [t.id, t])));
    review.tables.push(findingsTable(review.findings));
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    writeFileSync(join(partial, "review.json"), `${JSON.stringify(review, null, 2)}\n`);
    for (const t of review.tables) writeFileSync(join(partial, `${t.id}.csv`), tableCsv(t));
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

/**
 * Referrals and entries by group beside the population served: referral share = the group's
 * referrals ÷ referrals of every stated group (rounded counts); population share from the service
 * configuration; ratio = referral share ÷ population share (below 0.8: referred less than expected).
 */
function equityTable(raw: Record<string, unknown>[], configuration: ServiceConfiguration): PublicTable {
  const protectedRows = raw.map((r) => ({
    dimension: String(r.dimension),
    grp: String(r.grp),
    referrals: protectCount(Number(r.referrals)),
    entered: protectCount(Number(r.entered)),
  }));
  const stated = (d: string) =>
    protectedRows
      .filter((r) => r.dimension === d && !r.grp.startsWith("Not stated"))
      .reduce((s, r) => s + (r.referrals ?? 0), 0);
  const rows = protectedRows.map((r) => {
    const population = configuration.populationServed.groups[r.dimension]?.[r.grp];
    const share = r.grp.startsWith("Not stated") ? "–" : protectedPercent(r.referrals, stated(r.dimension));
    const ratio =
      typeof share === "number" && population !== undefined && population > 0
        ? Math.round((100 * share) / population) / 100
        : "–";
    return {
      ...r,
      referral_share: share,
      entered_rate: protectedPercent(r.entered, r.referrals),
      population_share: population ?? "–",
      referral_ratio: ratio,
      flag: typeof ratio === "number" && ratio < 0.8 ? "Referred less than expected" : "",
    };
  });
  return {
    id: "equity",
    page: "equity",
    title: "Referrals and entries by age, ethnic group and deprivation, against the population served",
    method: `Referrals received and people entering treatment in the period by age band (at the period's end), ethnic group and IMD decile (01 least deprived, as NHS England labels it). Referral share = the group's referrals ÷ referrals of all stated groups; population share from the service configuration (${configuration.populationServed.source}); ratio = referral share ÷ population share, flagged below 0.8. Entered (%) = entries ÷ referrals of the group (entries may come from earlier referrals). From the rounded counts.`,
    columns: [
      { key: "dimension", label: "By", kind: "label" },
      { key: "grp", label: "Group", kind: "label" },
      { key: "referrals", label: "Referrals received", kind: "count" },
      { key: "entered", label: "Entered treatment", kind: "count" },
      { key: "referral_share", label: "Share of referrals (%)", kind: "percent" },
      { key: "population_share", label: "Share of population (%)", kind: "percent" },
      { key: "referral_ratio", label: "Ratio to population", kind: "text" },
      { key: "entered_rate", label: "Entered ÷ referred (%)", kind: "percent" },
      { key: "flag", label: "Flag", kind: "text" },
    ],
    rows,
    chart: { value: "referral_share", label: "Share of referrals (%)" },
  };
}

/**
 * England's figures beside the service's, where the national long file has them: recovery by
 * breakdown on the outcomes table, and the share of referrals with a group not stated on the
 * recording table. Left as "–" for a file without breakdowns (a CSV without VariableType/VariableA).
 */
async function addEnglandFigures(
  c: Parameters<typeof allOn>[0],
  tables: PublicTable[],
  file: string,
  period: { from: string; to: string },
): Promise<void> {
  const outcomes = tables.find((t) => t.id === "outcomes-by-group");
  const recording = tables.find((t) => t.id === "recording");
  for (const r of outcomes?.rows ?? []) r.england_recovery = "–";
  for (const r of recording?.rows ?? []) r.england = "–";
  const rows = await readEnglandBreakdowns(c, file, period);
  const find = (type: string, value: string | null, measure: string) =>
    rows.find(
      (r) =>
        r.variable_type === type && (value === null || r.variable_a === value) && r.measure_name === measure,
    )?.value;
  for (const r of outcomes?.rows ?? []) {
    const v = Number(find(String(r.dimension), String(r.grp), "recovery"));
    if (Number.isFinite(v) && find(String(r.dimension), String(r.grp), "recovery") !== undefined)
      r.england_recovery = Math.round(10 * v) / 10;
  }
  const total = Number(find("Total", null, "referrals_received"));
  for (const r of recording?.rows ?? []) {
    const type =
      r.item === "Ethnic category not known"
        ? "Ethnic Group"
        : r.item === "IMD decile not known"
          ? "Indices of Deprivation Decile"
          : null;
    if (!type) continue;
    const n = Number(find(type, "Not stated/Not known/Invalid", "referrals_received"));
    if (Number.isFinite(n) && Number.isFinite(total) && total > 0)
      r.england = Math.round((1000 * n) / total) / 10;
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

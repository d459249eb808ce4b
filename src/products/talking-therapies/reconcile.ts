import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn } from "../../db/index.ts";
import type { PublishedFigure } from "./publishedMeasures.ts";

export type ReconcileStatus = "agrees" | "differs" | "suppressed" | "not published";

export interface ReconciledFigure {
  measure_name: string;
  measure_statistic: string;
  local: number | null;
  published: string | null;
  difference: number | null;
  status: ReconcileStatus;
  cause: string;
}

/** What the extract shows that could explain a difference. */
export interface ExtractDiagnostics {
  /** Months of the period (YYYY-MM) with far fewer referrals than the others: records likely missing. */
  thinMonths: string[];
  /** Finished pathways with paired PHQ-9 and anxiety scores ÷ finished (0–1). */
  pairedShare: number | null;
  /** Pathways in the extract recorded under another provider's code. */
  otherProviders: { code: string; pathways: number }[];
}

/**
 * How far a local figure may be from a published one and still agree: published counts are
 * rounded to the nearest 5 (so the true count is within 2.5), percentages to the precision shown.
 */
export function tolerance(statistic: string, published: string): number {
  if (statistic === "count") return 2.5;
  const decimals = published.includes(".") ? (published.split(".")[1] ?? "").length : 0;
  return 0.5 * 10 ** -decimals + 1e-9;
}

const outcomeMeasures = new Set([
  "at_caseness",
  "not_at_caseness",
  "recovery",
  "reliable_recovery",
  "improvement",
  "deterioration",
  "no_reliable_change",
]);

/** The likely causes of a difference that the extract can show, or a plain statement that none shows. */
export function likelyCause(
  measure: string,
  difference: number,
  d: ExtractDiagnostics,
  statistic: string = "count",
): string {
  const causes: string[] = [];
  if (measure === "referrals_received" && d.thinMonths.length > 0)
    causes.push(`records missing for some months (few referrals received in ${d.thinMonths.join(", ")})`);
  // Pathways under another code explain a shortfall in a count only when there are enough of them.
  const elsewhere = d.otherProviders.reduce((n, o) => n + o.pathways, 0);
  if (statistic === "count" && difference < 0 && elsewhere >= 0.5 * Math.abs(difference))
    causes.push(
      `pathways counted in another provider (${d.otherProviders.map((o) => `${o.code}: ${o.pathways}`).join(", ")} pathways in this extract)`,
    );
  if (outcomeMeasures.has(measure) && d.pairedShare !== null && d.pairedShare < 0.95)
    causes.push(
      `scores missing (paired scores for ${(100 * d.pairedShare).toFixed(1)}% of finished courses)`,
    );
  return causes.length ? causes.join("; ") : "differs beyond rounding; no cause visible in the extract";
}

/** Sets local figures beside published ones: difference, agrees / differs (with likely cause) / suppressed. */
export function reconcileFigures(
  local: { measure_name: string; measure_statistic: string; value: number | null }[],
  published: PublishedFigure[],
  diagnostics: ExtractDiagnostics,
): ReconciledFigure[] {
  return local.map((l) => {
    const p = published.find((x) => x.measureName === l.measure_name && x.statistic === l.measure_statistic);
    const base = { measure_name: l.measure_name, measure_statistic: l.measure_statistic, local: l.value };
    if (p === undefined)
      return { ...base, published: null, difference: null, status: "not published", cause: "" };
    if (p.suppressed || p.value === null)
      return {
        ...base,
        published: p.raw,
        difference: null,
        status: "suppressed",
        cause: "published value suppressed",
      };
    if (l.value === null)
      return { ...base, published: p.raw, difference: null, status: "differs", cause: "no local figure" };
    const difference = l.value - p.value;
    const agrees = Math.abs(difference) <= tolerance(l.measure_statistic, p.raw ?? "");
    return {
      ...base,
      published: p.raw,
      difference,
      status: agrees ? "agrees" : "differs",
      cause: agrees
        ? "within rounding"
        : likelyCause(l.measure_name, difference, diagnostics, l.measure_statistic),
    };
  });
}

/** Reads the diagnostics for `provider` from `tt_period` (the measured extract). */
export async function extractDiagnostics(
  connection: DuckDBConnection,
  provider: string,
): Promise<ExtractDiagnostics> {
  const months = await allOn<{ month: string; n: number }>(
    connection,
    `WITH m AS (SELECT DISTINCT strftime(d, '%Y-%m') AS month FROM (SELECT unnest(generate_series(min(period_start), max(period_end), INTERVAL 1 MONTH))::DATE AS d FROM tt_period))
     SELECT m.month, count(p.PathwayID) AS n FROM m
     LEFT JOIN tt_period p ON strftime(p.referral_date, '%Y-%m') = m.month AND p.received AND p.provider = $provider
     GROUP BY m.month ORDER BY m.month`,
    { provider },
  );
  const counts = months.map((m) => m.n).sort((a, b) => a - b);
  const median = counts.length ? (counts[Math.floor((counts.length - 1) / 2)] ?? 0) : 0;
  const thinMonths = months.filter((m) => median > 0 && m.n < 0.5 * median).map((m) => m.month);
  const [paired] = await allOn<{ share: number | null }>(
    connection,
    `SELECT count(*) FILTER (WHERE phq9_last IS NOT NULL AND anxiety_last IS NOT NULL) / nullif(count(*), 0) AS share
     FROM tt_period WHERE finished AND provider = $provider`,
    { provider },
  );
  const otherProviders = await allOn<{ code: string; pathways: number }>(
    connection,
    `SELECT provider AS code, count(*) AS pathways FROM tt_period WHERE provider <> $provider AND (received OR finished)
     GROUP BY provider ORDER BY pathways DESC`,
    { provider },
  );
  return { thinMonths, pairedShare: paired?.share ?? null, otherProviders };
}

/** CSV text of reconciled figures (organisation, period, local, published, difference, status, cause). */
export function reconciledCsv(orgCode: string, from: string, to: string, rows: ReconciledFigure[]): string {
  const cell = (v: unknown) => {
    const text = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const header =
    "org_code,period_start,period_end,measure_name,measure_statistic,local,published,difference,status,cause";
  const lines = rows.map((r) =>
    [
      orgCode,
      from,
      to,
      r.measure_name,
      r.measure_statistic,
      r.local,
      r.published,
      r.difference,
      r.status,
      r.cause,
    ]
      .map(cell)
      .join(","),
  );
  return `${[header, ...lines].join("\n")}\n`;
}

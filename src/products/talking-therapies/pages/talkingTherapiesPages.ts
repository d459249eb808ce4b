import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { EbiError } from "../../../errors/index.ts";
import { createRenderer } from "../../../web/renderer.ts";
import { ttTableSchema } from "../api/talkingTherapiesSchemas.ts";
import { reviewBarChart } from "../charts/reviewBarChart.ts";
import { reviewTrendCharts } from "../charts/reviewTrendChart.ts";
import { survivalCharts } from "../charts/survivalChart.ts";
import { type PublicReview, publicReviewDir, tableCsv } from "../public/buildPublicReview.ts";
import type { PublicTable, ReviewPage } from "../public/reviewTables.ts";
import { capacityFor } from "../public/staffing.ts";
import { tableXlsx } from "../public/tableXlsx.ts";
import { talkingTherapiesRegisteredPages } from "./talkingTherapiesRegisteredPages.ts";

const pages: { id: ReviewPage; href: string; title: string; intro: string }[] = [
  {
    id: "overview",
    href: "/talking-therapies",
    title: "Service overview",
    intro: "The headline measures by area, and the service against the national standards and England.",
  },
  {
    id: "access",
    href: "/talking-therapies/access",
    title: "Referrals, access and waits",
    intro:
      "Where referrals come from, who is never treated or treated once, every wait between treatment appointments as a distribution, and who is waiting now.",
  },
  {
    id: "severity",
    href: "/talking-therapies/severity",
    title: "Severity and complexity",
    intro:
      "How unwell people are when they start (first PHQ-9 and GAD-7 scores in severity bands, and the share at caseness beside England's) and the problem descriptors recorded.",
  },
  {
    id: "treatment",
    href: "/talking-therapies/treatment",
    title: "Treatment",
    intro:
      "Treatment appointments per finished course by step, and did-not-attend rates by appointment type, medium and group or individual therapy.",
  },
  {
    id: "outcomes",
    href: "/talking-therapies/outcomes",
    title: "Outcomes",
    intro:
      "Recovery, reliable recovery, reliable improvement and deterioration by area, step, therapy mode, problem descriptor, age band, ethnic group and deprivation, with 95% intervals and England's figure; outcomes by number of appointments; and who deteriorates.",
  },
  {
    id: "equity",
    href: "/talking-therapies/equity",
    title: "Equity of access",
    intro:
      "Referrals and entries by age, ethnic group and deprivation against the population served; a group referred at under 0.8 times its population share is flagged.",
  },
  {
    id: "staffing",
    href: "/talking-therapies/staffing",
    title: "Staffing and value for money",
    intro:
      "Investment, workforce and clinical hours from the service configuration against the review's guides, the qualification mix of treatment appointments, and a capacity and demand calculator.",
  },
  {
    id: "data-quality",
    href: "/talking-therapies/data-quality",
    title: "Data quality",
    intro:
      "Paired-score completeness and problem descriptors left as other, by area; demographics, practitioners and dates recorded, against England where the national figures give it.",
  },
  {
    id: "reconciliation",
    href: "/talking-therapies/reconciliation",
    title: "Reconciliation",
    intro:
      "The service's local extract against NHS England's published figures, year by year and month by month, with each difference flagged and its likely cause.",
  },
  {
    id: "report",
    href: "/talking-therapies/report",
    title: "The review report",
    intro:
      "The review in one printable page: context, good practice, an executive summary of the findings that cross their thresholds, each section's charts, and the recommendations tied to the findings.",
  },
];

/** The tables' charts: bars, Making Data Count trends or survival curves, each with its caption. */
function chartsOf(t: PublicTable): { svg: string; caption: string; words?: string; icons?: string }[] {
  if (!t.chart) return [];
  if (t.chart.type === "spc")
    return reviewTrendCharts(t).map((c) => ({
      svg: c.svg,
      caption: `${c.label} month by month: points coloured by Making Data Count's rules, grey line the mean, dashed the process limits, green the national standard.`,
      words: `${c.variation}. ${c.assurance}.`,
      icons: c.icons,
    }));
  if (t.chart.type === "survival")
    return survivalCharts(t).map((c) => ({
      svg: c.svg,
      caption: `${c.gap}: the share still waiting for the next appointment by weeks since the last, a line per area (Kaplan–Meier, open pathways censored).`,
    }));
  const svg = reviewBarChart(t, `${t.title}: ${t.chart.label}`);
  return svg
    ? [
        {
          svg,
          caption: `${t.chart.label}${t.chart.referenceLabel ? `; dashed line: ${t.chart.referenceLabel}` : ""}.`,
        },
      ]
    : [];
}

/** Reads a pounds or number query value, else the default. */
function queryNumber(value: unknown, fallback: number, max: number): number {
  const n =
    typeof value === "string" && value.trim() !== "" ? Number(value.replace(/[£,\s]/g, "")) : Number.NaN;
  if (!Number.isFinite(n)) return fallback;
  if (n < 0 || n > max)
    throw new EbiError("EBI_INVALID_ARGUMENT", `A calculator value must be from 0 to ${max}, not ${value}.`, {
      field: "calculator",
      value: String(value),
      expected: `0 to ${max}`,
    });
  return n;
}

/** Reads the built public review, or null when it has not been built. */
function readReview(dir: string): PublicReview | null {
  const file = join(dir, "review.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as PublicReview) : null;
}

/**
 * The public NHS Talking Therapies service-review pages under /talking-therapies/, their CSVs and
 * a JSON API, over the protected aggregate tables `ebi tt public-review` writes (folder:
 * `EBI_TT_PUBLIC_DIR`, else `<workspace>/talking-therapies/public`). Read once at start-up.
 */
export async function talkingTherapiesPages(app: FastifyInstance): Promise<void> {
  const dir = publicReviewDir();
  const review = readReview(dir);
  const env = createRenderer(app.siteFrame);
  const tableOf = new Map((review?.tables ?? []).map((t) => [t.id, t]));
  const rendered = new Map<string, string>();
  const findTable = (id: string) => {
    const table = tableOf.get(id);
    if (!table) throw new EbiError("EBI_NOT_FOUND", `No talking-therapies table ${id}.`);
    return table;
  };
  const charted = (review?.tables ?? []).map((t) => ({ ...t, charts: chartsOf(t) }));
  const calculator = (query: Record<string, unknown>) => {
    if (!review?.configuration) return null;
    const config = review.configuration;
    const middle = (config.guides.clinicalHoursPerWte[0] + config.guides.clinicalHoursPerWte[1]) / 2;
    const input = {
      investment: queryNumber(query.investment, config.investment.pounds, 1e10),
      hours: queryNumber(query.hours, middle, 40),
      demand: queryNumber(query.demand, review.delivered.entered, 1e8),
    };
    return {
      input,
      result: capacityFor(input.investment, input.hours, config.prevalence.people, config.assumptions, {
        entriesPerYear: input.demand,
        waiting: review.delivered.waitingFirst,
      }),
      config,
      waiting: review.delivered.waitingFirst,
    };
  };
  for (const p of pages)
    app.get<{ Querystring: Record<string, string> }>(p.href, (request, reply) => {
      const dynamic = p.id === "staffing" && Object.keys(request.query ?? {}).length > 0;
      let html = dynamic ? undefined : rendered.get(p.id);
      if (html === undefined) {
        const findings = review?.findings ?? [];
        html = env.render(p.id === "report" ? "talking-therapies-report.njk" : "talking-therapies.njk", {
          calculator: p.id === "staffing" ? calculator(request.query ?? {}) : null,
          findings,
          summary: findings.filter((f) => f.crosses),
          goodPractice: findings.filter((f) => !f.crosses),
          sections: pages
            .filter((s) => s.id !== "report")
            .map((s) => ({
              ...s,
              findings: findings.filter((f) => f.page === s.id),
              tables: charted.filter(
                (t) => t.page === s.id && findings.some((f) => f.page === s.id && f.table === t.id),
              ),
            })),
          release: { manifest: { synthetic: review?.synthetic ?? false } },
          title: `${p.title} – NHS Talking Therapies`,
          heading: p.title,
          active: "talking-therapies",
          intro: p.intro,
          dir,
          review,
          pages,
          pageId: p.id,
          tables: charted.filter((t) => t.page === p.id),
        });
        if (!dynamic) rendered.set(p.id, html);
      }
      return reply.type("text/html; charset=utf-8").header("cache-control", "public, max-age=300").send(html);
    });
  app.get("/talking-therapies/", (_request, reply) => reply.redirect("/talking-therapies", 301));
  app.get<{ Params: { file: string } }>("/talking-therapies/tables/:file", async (request, reply) => {
    const match = /^([a-z0-9-]+)\.(csv|xlsx)$/.exec(request.params.file);
    if (!match?.[1])
      throw new EbiError("EBI_NOT_FOUND", `No talking-therapies download ${request.params.file}.`);
    const table = findTable(match[1]);
    if (match[2] === "xlsx")
      return reply
        .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .header("content-disposition", `attachment; filename="talking-therapies-${table.id}.xlsx"`)
        .send(
          await tableXlsx(table.rows as Record<string, unknown>[], table.columns, [
            ["Table", table.title],
            ["Provider", review?.provider ?? ""],
            ["Period", `${review?.period.from} to ${review?.period.to}`],
            ["Method", table.method],
            ["Disclosure", review?.disclosure ?? ""],
            ["Built", `${review?.createdAt} by ${review?.version} (${review?.method})`],
            ...(review?.synthetic ? ([["Synthetic", review.notice]] as [string, string][]) : []),
          ]),
        );
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="talking-therapies-${table.id}.csv"`)
      .send(tableCsv(table));
  });
  app.get<{ Params: { id: string } }>(
    "/api/v1/talking-therapies/tables/:id",
    { schema: ttTableSchema },
    (request) => {
      const table = findTable(request.params.id);
      return { provider: review?.provider, period: review?.period, disclosure: review?.disclosure, table };
    },
  );
  await talkingTherapiesRegisteredPages(app);
}

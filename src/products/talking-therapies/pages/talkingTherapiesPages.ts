import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { EbiError } from "../../../errors/index.ts";
import { createRenderer } from "../../../web/renderer.ts";
import { ttTableSchema } from "../api/talkingTherapiesSchemas.ts";
import { reviewBarChart } from "../charts/reviewBarChart.ts";
import { type PublicReview, publicReviewDir, tableCsv } from "../public/buildPublicReview.ts";
import type { ReviewPage } from "../public/reviewTables.ts";
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
    id: "treatment",
    href: "/talking-therapies/treatment",
    title: "Treatment",
    intro:
      "Treatment appointments per finished course by step, and did-not-attend rates by appointment type, medium and group or individual therapy.",
  },
  {
    id: "data-quality",
    href: "/talking-therapies/data-quality",
    title: "Data quality",
    intro: "Paired-score completeness and problem descriptors left as other, by area.",
  },
  {
    id: "reconciliation",
    href: "/talking-therapies/reconciliation",
    title: "Reconciliation",
    intro:
      "The service's local extract against NHS England's published figures for the year, with each difference flagged and its likely cause.",
  },
];

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
  for (const p of pages)
    app.get(p.href, (_request, reply) => {
      let html = rendered.get(p.id);
      if (html === undefined) {
        html = env.render("talking-therapies.njk", {
          release: { manifest: { synthetic: review?.synthetic ?? false } },
          title: `${p.title} – NHS Talking Therapies`,
          heading: p.title,
          active: "talking-therapies",
          intro: p.intro,
          dir,
          review,
          pages,
          pageId: p.id,
          tables: (review?.tables ?? [])
            .filter((t) => t.page === p.id)
            .map((t) => ({ ...t, svg: reviewBarChart(t, `${t.title}: ${t.chart?.label ?? ""}`) })),
        });
        rendered.set(p.id, html);
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

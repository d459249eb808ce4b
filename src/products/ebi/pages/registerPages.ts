import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { EbiError } from "../../../errors/index.ts";
import { grainText, type PeriodGrain, parsePeriodGrain } from "../../../periods/period.ts";
import { readProviderCommissioners } from "../../../release/providerCommissioners.ts";
import type { OrganisationRow } from "../../../release/tables.ts";
import { encodeBytes, sendEncoded } from "../../../server/encodedBytes.ts";
import { apiDocsPage } from "../../../server/pages/apiDocsPage.ts";
import { cacheControl } from "../../../server/plugins/requestSide.ts";
import { etagMatches } from "../../../server/tableResponse.ts";
import { equityChart } from "../../../web/charts/equityChart.ts";
import { createRenderer, nhsukScript, nhsukStylesheet, staticDir } from "../../../web/renderer.ts";
import { type EquityDimension, equityDimensions, equitySummary } from "../queries/equity.ts";
import { commissionerFunnel } from "../queries/funnel.ts";
import { latestPeriodsOf } from "../queries/latestPeriods.ts";
import { ancestry, findOrganisation, searchOrganisations } from "../queries/organisations.ts";
import { interventionSummaries } from "../queries/overview.ts";
import { providerActivity } from "../queries/providers.ts";
import { grainAdjective, seriesAt, spcSeries } from "../queries/spc.ts";
import { variationSummary } from "../queries/variation.ts";
import type { LoadedRelease } from "../release/readRelease.ts";
import { chartRoutes } from "./chartRoutes.ts";
import { funnelPicture, highlightedOf } from "./funnelPicture.ts";
import {
  markFunnelPoints,
  markLatestPeriods,
  markPeriodSpells,
  markPeriodTable,
  notAsPublished,
} from "./publiclyHidden.ts";
import { perGrain, spcView } from "./spcView.ts";
import { dataQualityPage, downloadsPage, methodsPage } from "./staticPages.ts";

const dimensionText: Record<EquityDimension, string> = {
  imd_quintile: "Deprivation (IMD quintile)",
  imd_decile: "Deprivation (IMD decile)",
  ethnic_group: "Ethnic group",
  age_band: "Age band",
  sex: "Sex",
};

/** True when an Accept-Encoding header takes gzip (and does not refuse it with q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  return (header ?? "").split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return (coding === "gzip" || coding === "*") && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/**
 * Sends a rendered page, gzipped when the client takes it. Public anonymous pages are kept per URL
 * as bytes, plain and gzipped: encoding a 150 kB page of charts to UTF-8 on every answer was most of
 * what an organisation page cost under load, and its SVG compresses about tenfold. Pages with
 * registered figures are rendered per request, so each read is seen by the audit log, and never kept.
 */
export function htmlPageSender(): (
  request: FastifyRequest,
  reply: FastifyReply,
  render: () => string,
) => FastifyReply {
  const cache = new Map<string, { plain: Buffer; gzip: Buffer }>();
  return (request, reply, render) => {
    const cacheable = request.side === "public" && !request.principal;
    let bytes = cacheable ? cache.get(request.url) : undefined;
    if (bytes === undefined) {
      const plain = Buffer.from(render(), "utf8");
      bytes = { plain, gzip: gzipSync(plain) };
      if (cacheable && cache.size < 5000) cache.set(request.url, bytes);
    }
    reply
      .type("text/html; charset=utf-8")
      .header("cache-control", cacheControl(request))
      .header("vary", "accept-encoding");
    return acceptsGzip(request.headers["accept-encoding"])
      ? reply.header("content-encoding", "gzip").send(bytes.gzip)
      : reply.send(bytes.plain);
  };
}

/**
 * The dashboard's pages, server-rendered from the release each request may read; each public page
 * is kept per URL (a release never changes). Pages with registered figures are rendered per request,
 * so each read is seen by the audit log, and never kept.
 */
export function registerPages(app: FastifyInstance): void {
  chartRoutes(app);
  const env = createRenderer(app.siteFrame);
  const css = readFileSync(join(staticDir, "ebi.css"), "utf8");
  // The design system's CSS fetches its typeface from an NHS host; a self-hosted service must not
  // depend on it (or tell it who reads what), so the font rules are dropped and Arial, the design
  // system's own fallback, is used.
  const nhsukCss = readFileSync(nhsukStylesheet, "utf8")
    .replace(/@font-face\{[^}]*\}/g, "")
    .replaceAll("url(/assets/images/", "url(/assets/nhsuk/assets/images/");
  const page = htmlPageSender();
  const view = (request: FastifyRequest, template: string, context: Record<string, unknown>) =>
    env.render(template, {
      release: request.release,
      principal: request.principal,
      registeredAccess: app.registeredAccess,
      returnTo: request.url,
      ...context,
    });
  // A release never changes, so the trusts' commissioners are read once per release served.
  const servedByRelease = new WeakMap<LoadedRelease, ReturnType<typeof readProviderCommissioners>>();
  const servedOf = (release: LoadedRelease) => {
    let served = servedByRelease.get(release);
    if (!served) {
      served = readProviderCommissioners(release.dir);
      servedByRelease.set(release, served);
    }
    return served;
  };
  const crumbsFor = (release: LoadedRelease, org: ReturnType<typeof findOrganisation>) =>
    ancestry(release, org).map((o) => ({
      href: o.level === "england" ? "/" : `/areas/${o.org_code}`,
      text: o.name,
    }));

  // Stylesheets and scripts, compressed once (Brotli and gzip) and cached by browsers for a day,
  // revalidated by ETag after that.
  const assets: [string, string, string | Buffer][] = [
    ["/static/ebi.css", "text/css; charset=utf-8", css],
    ["/static/nhsuk-frontend.css", "text/css; charset=utf-8", nhsukCss],
    ["/static/ebi.js", "text/javascript; charset=utf-8", readFileSync(join(staticDir, "ebi.js"))],
    ["/static/nhsuk-frontend.js", "text/javascript; charset=utf-8", readFileSync(nhsukScript)],
  ];
  for (const [path, type, body] of assets) {
    const bytes = encodeBytes(body, true);
    const etag = `"${createHash("sha256").update(bytes.plain).digest("hex").slice(0, 16)}"`;
    app.get(path, (request, reply) => {
      reply.type(type).header("cache-control", "public, max-age=86400").header("etag", etag);
      if (etagMatches(request.headers["if-none-match"], etag)) return reply.code(304).send();
      return sendEncoded(request, reply, bytes);
    });
  }

  // A registered page marks each figure the public side hides, worked out against the public release.
  const latestPeriodsMarked = (request: FastifyRequest, org: OrganisationRow, grain: PeriodGrain) => {
    const periods = latestPeriodsOf(request.release, org, grain);
    if (request.side !== "registered") return periods;
    return markLatestPeriods(periods, latestPeriodsOf(request.publicRelease, org, grain));
  };
  const periodTableMarked = (request: FastifyRequest, key: string, grain: PeriodGrain) => {
    const { totals } = seriesAt(request.release, key, grain);
    return request.side === "registered"
      ? markPeriodTable(totals, request.publicRelease, key, grain)
      : totals;
  };

  // A trust's activity totals, worked out from its months, are marked against the public side's totals.
  const summariesMarked = (request: FastifyRequest, org: OrganisationRow) => {
    const rows = interventionSummaries(request.release, org.level, org.org_code);
    if (request.side !== "registered" || org.level !== "provider") return rows;
    return rows.map((r) => {
      if (!r.provider) return r;
      const pub = providerActivity(request.publicRelease, r.intervention, org.org_code);
      return {
        ...r,
        provider: {
          baseline: markPeriodSpells(r.provider.baseline, pub?.baseline),
          latest: markPeriodSpells(r.provider.latest, pub?.latest) as typeof r.provider.latest,
        },
      };
    });
  };

  app.get<{ Querystring: { period?: string } }>("/", (request, reply) =>
    page(request, reply, () => {
      const { release } = request;
      const org = findOrganisation(release, "ENG");
      const periodAsked = request.query.period ? parsePeriodGrain(request.query.period) : null;
      const grain = periodAsked ?? "rolling_12";
      return view(request, "overview.njk", {
        period: periodAsked,
        grain,
        grainText: grainText[grain],
        formAction: "/",
        latestPeriods: latestPeriodsMarked(request, org, grain),
        title: "England overview",
        heading: "Evidence-Based Interventions: England",
        active: "overview",
        org,
        children: release.childrenOf.get("ENG") ?? [],
        rows: interventionSummaries(release, "england", "ENG"),
      });
    }),
  );

  app.get<{ Params: { code: string }; Querystring: { period?: string } }>(
    "/organisations/:code",
    (request, reply) =>
      page(request, reply, () => {
        const { release } = request;
        const org = findOrganisation(release, request.params.code);
        const periodAsked = request.query.period ? parsePeriodGrain(request.query.period) : null;
        const grain = periodAsked ?? "rolling_12";
        const chartGrain = periodAsked ?? "auto";
        const parent =
          org.parent_code && org.level !== "provider" ? findOrganisation(release, org.parent_code) : null;
        return view(request, "overview.njk", {
          title: org.name,
          heading: org.name,
          org,
          parent,
          children: release.childrenOf.get(org.org_code)?.filter((c) => c.level !== "provider") ?? [],
          crumbs: crumbsFor(release, org).slice(0, -1),
          rows: summariesMarked(request, org),
          served:
            org.level === "provider"
              ? (() => {
                  const entry = servedOf(release).get(org.org_code);
                  return entry
                    ? {
                        period: entry.period,
                        commissioners: entry.commissioners.map(
                          (code) =>
                            release.organisationOf.get(`sub_icb|${code}`) ?? { org_code: code, name: code },
                        ),
                      }
                    : null;
                })()
              : null,
          period: periodAsked,
          formAction: `/organisations/${org.org_code}`,
          latestPeriods: latestPeriodsMarked(request, org, grain),
          grain,
          grainText: grainText[grain],
          charts: release.interventions
            .filter((i) => i.measurable)
            .map((i) => ({
              i,
              spc: spcSeries(release, i.intervention_id, org.level, org.org_code, chartGrain),
            }))
            .filter(({ spc }) => spc.chart !== null)
            .map(({ i, spc }) => {
              const view = spcView(
                spc,
                `${i.name}, ${org.name}: spells ${perGrain[spc.grain]} with control limits`,
                {
                  compact: true,
                  height: 180,
                },
              );
              return {
                id: i.intervention_id,
                name: i.name,
                svg: view.svg,
                grain: spc.grain,
                variation: spc.chart?.variation ?? null,
                assurance: spc.chart?.assurance ?? null,
                fallback: spc.fallback,
                grainNote:
                  spc.grain === "month"
                    ? null
                    : `${grainAdjective[spc.grain]} figures${spc.fallback ? " (some months hidden)" : ""}`,
              };
            }),
          measurableCount: release.interventions.filter((i) => i.measurable).length,
        });
      }),
  );

  app.get<{ Params: { set: string; slug: string }; Querystring: { org?: string; period?: string } }>(
    "/interventions/:set/:slug",
    (request, reply) =>
      page(request, reply, () => {
        const { release } = request;
        const id = `${request.params.set}/${request.params.slug}`;
        const intervention = release.interventionOf.get(id);
        if (!intervention) throw new EbiError("EBI_NOT_FOUND", `No intervention ${id}.`);
        const org = findOrganisation(release, request.query.org || "ENG");
        const periodAsked = request.query.period ? parsePeriodGrain(request.query.period) : null;
        const spc = spcSeries(release, id, org.level, org.org_code, periodAsked ?? "auto");
        const funnel = commissionerFunnel(release, id);
        if (request.side === "registered")
          funnel.points = markFunnelPoints(
            funnel.points,
            commissionerFunnel(request.publicRelease, id).points,
          );
        const spcPicture = spcView(
          spc,
          `${intervention.name}, ${org.name}: spells ${perGrain[spc.grain]} with control limits`,
        );
        const england = funnel.target;
        const chosen = funnel.points.find((p) => p.org_code === org.org_code);
        const selection = `intervention=${encodeURIComponent(id)}&org=${encodeURIComponent(org.org_code)}${periodAsked ? `&period=${periodAsked}` : ""}`;
        return view(request, "intervention.njk", {
          title: intervention.name,
          intervention,
          org,
          crumbs: [...crumbsFor(release, org)],
          baseline: release.baselineOf.get(`${id}|${org.level}|${org.org_code}`) ?? {},
          spc,
          period: periodAsked,
          periodTable: periodTableMarked(
            request,
            `${id}|${org.level}|${org.org_code}`,
            periodAsked ?? spc.grain,
          ),
          tableGrain: grainText[periodAsked ?? spc.grain],
          spcSvg: spcPicture.svg,
          spcSummary: spcPicture.summary,
          spcLinks: [
            { href: `/api/v1/spc.csv?${selection}`, text: "data (CSV)" },
            { href: `/api/v1/spc.xlsx?${selection}`, text: "data (Excel)" },
            { href: `/charts/spc.svg?${selection}`, text: "image (SVG)" },
            { href: `/charts/spc.png?${selection}`, text: "image (PNG)" },
          ],
          funnel,
          chosen,
          ringed: [...highlightedOf(release, org.org_code)],
          funnelSvg: funnel.points.length ? funnelPicture(release, id, org.org_code) : "",
          funnelLinks: [
            { href: `/api/v1/funnel.csv?${selection}`, text: "data (CSV)" },
            { href: `/api/v1/funnel.xlsx?${selection}`, text: "data (Excel)" },
            { href: `/charts/funnel.svg?${selection}`, text: "image (SVG)" },
            { href: `/charts/funnel.png?${selection}`, text: "image (PNG)" },
          ],
          englandRate: england,
          csvLinks: [
            {
              href: `/api/v1/activity.csv?${selection}&breakdown=${periodAsked && periodAsked !== "month" ? periodAsked : "month"}`,
              text: "Spells by period for this organisation (CSV)",
            },
            {
              href: `/api/v1/activity.csv?intervention=${encodeURIComponent(id)}&level=sub_icb`,
              text: "Monthly spells of every sub-ICB location (CSV)",
            },
            {
              href: `/api/v1/baselines.csv?intervention=${encodeURIComponent(id)}`,
              text: "Baselines and goals of every organisation (CSV)",
            },
          ],
          spread: variationSummary(release, id, "sub_icb"),
        });
      }),
  );

  app.get<{ Querystring: { intervention?: string; org?: string; dimension?: string; period?: string } }>(
    "/equity",
    (request, reply) =>
      page(request, reply, () => {
        const { release } = request;
        const measurable = release.interventions.filter((i) => i.measurable);
        const intervention = release.interventionOf.get(request.query.intervention ?? "") ?? measurable[0];
        if (!intervention) throw new EbiError("EBI_NOT_FOUND", "No measurable intervention in this release.");
        const org = findOrganisation(release, request.query.org || "ENG");
        const dimension = (equityDimensions as readonly string[]).includes(request.query.dimension ?? "")
          ? (request.query.dimension as EquityDimension)
          : "imd_quintile";
        const period = request.query.period === "baseline" ? "baseline" : "latest";
        const summary = equitySummary(
          release,
          intervention.intervention_id,
          org.level,
          org.org_code,
          period,
          dimension,
        );
        const args = [intervention.intervention_id, org.level, org.org_code, period, dimension] as const;
        const published =
          request.side === "registered" ? equitySummary(request.publicRelease, ...args) : null;
        return view(request, "equity.njk", {
          // The gap and slope, worked out from the groups' rates, are marked where the public side's differ.
          gapHidden:
            published !== null && notAsPublished(summary.gap?.difference ?? null, published.gap?.difference),
          siiHidden: published !== null && notAsPublished(summary.sii?.sii ?? null, published.sii?.sii),
          title: `Equity: ${intervention.name}`,
          active: "equity",
          crumbs: crumbsFor(release, org),
          intervention,
          interventions: measurable,
          org,
          dimension,
          period,
          dimensions: equityDimensions.map((d) => ({ value: d, text: dimensionText[d] })),
          dimensionText: dimensionText[dimension],
          summary,
          baselineByCode: Object.fromEntries(summary.baselineRows.map((r) => [r.group_code, r])),
          svg: equityChart(
            summary.rows,
            `${dimensionText[dimension]}: rates of ${intervention.name}, ${org.name}`,
          ),
        });
      }),
  );

  app.get<{ Querystring: { q?: string } }>("/search", (request, reply) =>
    page(request, reply, () => {
      const { release } = request;
      const q = (request.query.q ?? "").slice(0, 100);
      const results = searchOrganisations(release, q);
      return view(request, "search.njk", { title: "Find an organisation", q, results });
    }),
  );

  app.get("/methods", (request, reply) =>
    page(request, reply, () =>
      view(request, "page.njk", { title: "Methods", active: "methods", body: methodsPage(request.release) }),
    ),
  );
  app.get("/data-quality", (request, reply) =>
    page(request, reply, () =>
      view(request, "page.njk", {
        title: "Data quality",
        active: "data-quality",
        body: dataQualityPage(request.release),
      }),
    ),
  );
  app.get("/api/docs", { schema: { hide: true } }, (request, reply) =>
    page(request, reply, () =>
      view(request, "page.njk", {
        title: "API reference",
        body: apiDocsPage(app.swagger() as never),
      }),
    ),
  );
  app.get("/downloads", (request, reply) =>
    page(request, reply, () =>
      view(request, "page.njk", {
        title: "Downloads",
        active: "downloads",
        body: downloadsPage(request.release),
      }),
    ),
  );
}

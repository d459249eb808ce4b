import type { FastifyInstance, FastifyRequest } from "fastify";
import { EbiError } from "../../../errors/index.ts";
import type { OrganisationRow, OrgLevel } from "../../../release/tables.ts";
import { type ReleaseTileLayout, readTileLayout } from "../../../release/tileLayout.ts";
import { comparisonFill, comparisonText } from "../../../web/charts/comparisonColours.ts";
import { spineChart } from "../../../web/charts/spineChart.ts";
import { tileMap } from "../../../web/charts/tileMap.ts";
import { trendChart } from "../../../web/charts/trendChart.ts";
import { createRenderer } from "../../../web/renderer.ts";
import { areaGlance } from "../queries/areaGlance.ts";
import {
  type BenchmarkKind,
  benchmarksFor,
  benchmarkText,
  type CompareLevel,
  compareAreas,
  compareLevels,
  confidenceLevels,
  confidenceText,
  type SortKey,
  sortKeys,
} from "../queries/compareAreas.ts";
import { findOrganisation } from "../queries/organisations.ts";
import { peerGroupOf, peerLevels } from "../queries/peerGroups.ts";
import {
  type ComparisonPeriod,
  comparisonPeriods,
  comparisonPeriodText,
  periodRateMethod,
  releaseAtPeriod,
} from "../queries/periodRates.ts";
import { commissionerProviders, providerView } from "../queries/providerView.ts";
import { rateTrend } from "../queries/rateTrends.ts";
import type { LoadedRelease } from "../release/readRelease.ts";
import { markAreaRate, markGlanceRow, markPeriodSpells, notAsPublished } from "./publiclyHidden.ts";
import { htmlPageSender } from "./registerPages.ts";

const levelPlural: Record<OrgLevel, string> = {
  england: "England",
  region: "NHS regions",
  icb: "Integrated care boards (ICBs)",
  sub_icb: "Sub-ICB locations",
  provider: "Providers (trusts and independent hospitals)",
};
const listLevels: OrgLevel[] = ["region", "icb", "sub_icb", "provider"];

const layoutByRelease = new WeakMap<LoadedRelease, ReleaseTileLayout | null>();
function layoutOf(release: LoadedRelease): ReleaseTileLayout | null {
  if (!layoutByRelease.has(release)) layoutByRelease.set(release, readTileLayout(release.dir));
  return layoutByRelease.get(release) ?? null;
}

/** The query of a compare or map page, each value checked against what the release has. */
function compareQuery(
  release: LoadedRelease,
  query: Record<string, string | undefined>,
  levels: readonly CompareLevel[] = compareLevels,
) {
  const measurable = release.interventions.filter((i) => i.measurable);
  // By default the intervention with the most areas whose rate has a published interval.
  const shown = (id: string) =>
    release.baselines.filter((b) => b.intervention_id === id && b.level !== "england" && b.dsr_lower !== null)
      .length;
  const intervention =
    query.intervention ||
    [...measurable].sort((a, b) => shown(b.intervention_id) - shown(a.intervention_id))[0]?.intervention_id;
  if (!intervention) throw new EbiError("EBI_NOT_FOUND", "No measurable intervention in this release.");
  const level = (levels as readonly string[]).includes(query.level ?? "")
    ? (query.level as CompareLevel)
    : "icb";
  const benchmark = (benchmarksFor(level) as string[]).includes(query.benchmark ?? "")
    ? (query.benchmark as BenchmarkKind)
    : "england";
  const confidence = query.confidence === "0.998" ? 0.998 : 0.95;
  const sort = (sortKeys as readonly string[]).includes(query.sort ?? "") ? (query.sort as SortKey) : "rate";
  const order: "asc" | "desc" | undefined =
    query.order === "asc" ? "asc" : query.order === "desc" ? "desc" : undefined;
  return { intervention, level, benchmark, confidence, sort, order, measurable, period: periodOf(query) };
}

/** The comparison period a page asks for (`?period=`), the baseline year unless it names another. */
function periodOf(query: Record<string, string | undefined>): ComparisonPeriod {
  return (comparisonPeriods as readonly string[]).includes(query.period ?? "")
    ? (query.period as ComparisonPeriod)
    : "baseline";
}

/** What a page says about the period compared, and the choices of period. */
function periodContext(period: ComparisonPeriod, window: { start: string; end: string } | null) {
  return {
    period,
    periodText: comparisonPeriodText[period],
    periodWindow: window,
    periodMethod: period === "baseline" ? "" : periodRateMethod,
    periods: comparisonPeriods.map((p) => ({ value: p, text: comparisonPeriodText[p] })),
  };
}

/** A comparison as a registered page shows it: each row's and England's figures marked where the public side's own comparison does not show them. */
function markComparison(
  request: FastifyRequest,
  result: ReturnType<typeof compareAreas>,
  q: Parameters<typeof compareAreas>[1] & { period: ComparisonPeriod },
): ReturnType<typeof compareAreas> {
  if (request.side !== "registered") return result;
  const published = compareAreas(releaseAtPeriod(request.publicRelease, q.period), q);
  const byCode = new Map(published.rows.map((r) => [r.org.org_code, r]));
  return {
    ...result,
    england: markAreaRate(result.england, published.england),
    rows: result.rows.map((r) => {
      const pub = byCode.get(r.org.org_code);
      const benchmark = {
        ...r.benchmark,
        public_hidden: notAsPublished(r.benchmark.value, pub?.benchmark.value),
      };
      return { ...markAreaRate(r, pub), benchmark };
    }),
  };
}

/**
 * The pages that compare areas: compare areas, an area at a glance, trends, the map, the lists of
 * organisations and the provider view. Public pages are kept per URL as the other pages are.
 */
export async function areaPages(app: FastifyInstance): Promise<void> {
  const env = createRenderer(app.siteFrame);
  env.addFilter("comparisonText", (v: string | null) => comparisonText[v ?? "none"]);
  env.addFilter("comparisonFill", (v: string | null) => comparisonFill[v ?? "none"]);
  env.addFilter("confidenceText", (v: number) => confidenceText(v));
  env.addFilter("interventionOptions", (list: { intervention_id: string; name: string }[]) =>
    list.map((i) => ({ value: i.intervention_id, text: i.name })),
  );
  const page = htmlPageSender();
  const view = (request: FastifyRequest, template: string, context: Record<string, unknown>) =>
    env.render(template, {
      release: request.release,
      principal: request.principal,
      registeredAccess: app.registeredAccess,
      returnTo: request.url,
      active: "areas",
      ...context,
    });
  const href = (path: string, params: Record<string, string | number | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
    return `${path}?${q.toString()}`;
  };
  const rateFigure = (r: { status: string; rate: number | null }) =>
    r.status === "suppressed"
      ? "suppressed"
      : r.rate === null
        ? "no rate"
        : `${r.rate.toLocaleString("en-GB", { maximumFractionDigits: 1, minimumFractionDigits: 1 })} per 100,000`;

  app.get<{ Querystring: Record<string, string | undefined> }>("/compare", (request, reply) =>
    page(request, reply, () => {
      const { release } = request;
      const q = compareQuery(release, request.query);
      const result = markComparison(request, compareAreas(releaseAtPeriod(release, q.period), q), q);
      const base = {
        intervention: q.intervention,
        level: q.level,
        benchmark: q.benchmark,
        confidence: q.confidence,
        period: q.period === "baseline" ? undefined : q.period,
      };
      const sortHref = (key: SortKey) =>
        href("/compare", {
          ...base,
          sort: key,
          order:
            q.sort === key
              ? (q.order ?? (key === "name" ? "asc" : "desc")) === "asc"
                ? "desc"
                : "asc"
              : undefined,
        });
      const activeOrder = q.order ?? (q.sort === "name" ? "asc" : "desc");
      return view(request, "compare.njk", {
        title: `Compare areas: ${result.intervention.name}`,
        ...periodContext(q.period, result.period),
        benchmarkName: benchmarkText[q.benchmark],
        result,
        q,
        levels: compareLevels.map((l) => ({ value: l, text: levelPlural[l] })),
        benchmarks: benchmarksFor(q.level).map((b) => ({ value: b, text: benchmarkText[b] })),
        confidences: confidenceLevels.map((c) => ({ value: String(c), text: confidenceText(c) })),
        sortHrefs: Object.fromEntries(sortKeys.map((k) => [k, sortHref(k)])),
        ariaSort: Object.fromEntries(
          sortKeys.map((k) => [
            k,
            q.sort === k ? (activeOrder === "asc" ? "ascending" : "descending") : "none",
          ]),
        ),
        mapHref: href("/map", { ...base, level: q.level === "region" ? "icb" : q.level }),
        crumbs: [
          { href: "/", text: "England" },
          { href: "/organisations", text: "Areas" },
        ],
      });
    }),
  );

  app.get<{ Querystring: Record<string, string | undefined> }>("/map", (request, reply) =>
    page(request, reply, () => {
      const { release } = request;
      const q = compareQuery(release, request.query, ["icb", "sub_icb"]);
      const mapQuery = { ...q, sort: "name" as const, order: "asc" as const };
      const result = markComparison(
        request,
        compareAreas(releaseAtPeriod(release, q.period), mapQuery),
        mapQuery,
      );
      const layout = layoutOf(release);
      const byCode = new Map(result.rows.map((r) => [r.org.org_code, r]));
      const tiles = (layout?.tiles ?? [])
        .filter((t) => t.level === q.level && byCode.has(t.org_code))
        .map((t) => {
          const row = byCode.get(t.org_code) as (typeof result.rows)[number];
          return {
            org_code: t.org_code,
            name: row.org.name,
            q: t.q,
            r: t.r,
            comparison: row.comparison,
            href: `/areas/${t.org_code}`,
            figure: rateFigure(row),
          };
        });
      const svg = tileMap(
        tiles,
        layout?.layout ?? "odd-r",
        `Map of ${levelPlural[q.level]}: ${result.intervention.name} compared with ${benchmarkText[q.benchmark]}`,
      );
      return view(request, "map.njk", {
        title: `Map: ${result.intervention.name}`,
        ...periodContext(q.period, result.period),
        benchmarkName: benchmarkText[q.benchmark],
        result,
        q,
        svg,
        layout,
        placed: tiles.length,
        levels: (["icb", "sub_icb"] as const).map((l) => ({ value: l, text: levelPlural[l] })),
        benchmarks: benchmarksFor(q.level).map((b) => ({ value: b, text: benchmarkText[b] })),
        confidences: confidenceLevels.map((c) => ({ value: String(c), text: confidenceText(c) })),
        classes: ["higher", "similar", "lower", "none"].map((c) => ({
          value: c,
          text: comparisonText[c],
          fill: comparisonFill[c],
        })),
        compareHref: href("/compare", {
          intervention: q.intervention,
          level: q.level,
          benchmark: q.benchmark,
          confidence: q.confidence,
          period: q.period === "baseline" ? undefined : q.period,
        }),
        crumbs: [
          { href: "/", text: "England" },
          { href: "/organisations", text: "Areas" },
        ],
      });
    }),
  );

  app.get<{ Params: { code: string }; Querystring: { confidence?: string; period?: string } }>(
    "/areas/:code",
    (request, reply) => {
      const found = findOrganisation(request.release, request.params.code);
      if (found.level === "provider") return reply.redirect(`/providers/${found.org_code}`);
      if (found.level === "england") return reply.redirect("/");
      return page(request, reply, () => {
        const { release } = request;
        const org = found;
        const confidence = request.query.confidence === "0.998" ? 0.998 : 0.95;
        const period = periodOf(request.query);
        const atPeriod = releaseAtPeriod(release, period);
        const glance = areaGlance(atPeriod, org.org_code, confidence);
        if (request.side === "registered") {
          // Each figure the public side's own glance does not show is marked.
          const published = areaGlance(
            releaseAtPeriod(request.publicRelease, period),
            org.org_code,
            confidence,
          );
          glance.rows = glance.rows.map((r, i) => markGlanceRow(r, published.rows[i]));
        }
        const first = glance.rows[0]?.intervention.intervention_id;
        const england = first ? atPeriod.baselineOf.get(`${first}|england|ENG`) : undefined;
        const window = england ? { start: england.baseline_start, end: england.baseline_end } : null;
        const peers = peerLevels.includes(org.level) ? peerGroupOf(release, org) : null;
        const parent = org.parent_code
          ? (release.organisationOf.get(`${org.level === "sub_icb" ? "icb" : "region"}|${org.parent_code}`) ??
            null)
          : null;
        return view(request, "area.njk", {
          title: `${org.name} at a glance`,
          ...periodContext(period, window),
          confidences: confidenceLevels.map((c) => ({ value: String(c), text: confidenceText(c) })),
          org,
          parent,
          glance,
          flagged: glance.rows.filter((r) => r.flagged),
          rows: glance.rows.map((r) => ({
            ...r,
            spine: spineChart({
              rate: r.rate.rate,
              england: r.england,
              peerMedian: r.peerMedian,
              range: r.range,
              comparison: r.vsEngland,
            }),
          })),
          peers,
          providers: commissionerProviders(release, org),
          children: (release.childrenOf.get(org.org_code) ?? []).filter((c) => c.level !== "provider"),
          levelOf: org.level === "sub_icb" ? "sub_icb" : org.level,
          crumbs: [
            { href: "/", text: "England" },
            { href: `/organisations?level=${org.level}`, text: levelPlural[org.level] },
            ...(parent ? [{ href: `/areas/${parent.org_code}`, text: parent.name }] : []),
          ],
        });
      });
    },
  );

  app.get<{ Querystring: { org?: string; intervention?: string; confidence?: string } }>(
    "/trends",
    (request, reply) =>
      page(request, reply, () => {
        const { release } = request;
        const org = findOrganisation(release, request.query.org || "ENG");
        const measurable = release.interventions.filter((i) => i.measurable);
        const id = request.query.intervention || measurable[0]?.intervention_id;
        if (!id) throw new EbiError("EBI_NOT_FOUND", "No measurable intervention in this release.");
        const confidence = request.query.confidence === "0.998" ? 0.998 : 0.95;
        const trend = rateTrend(release, id, org.org_code, confidence);
        if (request.side === "registered") {
          const published = rateTrend(request.publicRelease, id, org.org_code, confidence);
          trend.rows = trend.rows.map((r, i) => ({
            ...r,
            area: markAreaRate(r.area, published.rows[i]?.area),
            england: markAreaRate(r.england, published.rows[i]?.england),
          }));
        }
        return view(request, "trend.njk", {
          title: `Trend: ${trend.intervention.name}, ${org.name}`,
          trend,
          org,
          interventions: measurable,
          svg: trend.rows.some((r) => r.area.rate !== null || r.england.rate !== null)
            ? trendChart(
                trend,
                `Standardised rates of ${trend.intervention.name} by financial year: ${org.name} against England`,
              )
            : "",
          crumbs: [
            { href: "/", text: "England" },
            ...(org.level === "england" ? [] : [{ href: `/areas/${org.org_code}`, text: org.name }]),
          ],
        });
      }),
  );

  app.get<{ Querystring: { level?: string } }>("/organisations", (request, reply) =>
    page(request, reply, () => {
      const { release } = request;
      const level = (listLevels as string[]).includes(request.query.level ?? "")
        ? (request.query.level as OrgLevel)
        : null;
      const groups = (level ? [level] : listLevels).map((l) => ({
        level: l,
        title: levelPlural[l],
        orgs: release.organisations
          .filter((o) => o.level === l)
          .map((o) => ({
            ...o,
            href: l === "provider" ? `/providers/${o.org_code}` : `/areas/${o.org_code}`,
            parent:
              o.parent_code && l !== "provider"
                ? (release.organisationOf.get(`${l === "sub_icb" ? "icb" : "region"}|${o.parent_code}`) ??
                  null)
                : null,
          }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      }));
      return view(request, "organisationList.njk", {
        title: level ? levelPlural[level] : "Areas and organisations",
        level,
        groups,
        levels: listLevels.map((l) => ({ value: l, text: levelPlural[l] })),
        crumbs: [{ href: "/", text: "England" }],
      });
    }),
  );

  app.get<{ Params: { code: string } }>("/providers/:code", (request, reply) =>
    page(request, reply, () => {
      const { release } = request;
      const provider = providerView(release, request.params.code);
      if (request.side === "registered") {
        const published = providerView(request.publicRelease, request.params.code);
        provider.activity = provider.activity.map((a, i) => ({
          ...a,
          baseline: markPeriodSpells(a.baseline, published.activity[i]?.baseline),
          latest: markPeriodSpells(a.latest, published.activity[i]?.latest) as typeof a.latest,
        }));
      }
      return view(request, "provider.njk", {
        title: provider.org.name,
        provider,
        parentOf: (o: OrganisationRow) =>
          o.parent_code ? (release.organisationOf.get(`icb|${o.parent_code}`) ?? null) : null,
        crumbs: [
          { href: "/", text: "England" },
          { href: "/organisations?level=provider", text: levelPlural.provider },
        ],
      });
    }),
  );
}

import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { EbiError } from "../../../errors/index.ts";
import { type ReleaseTileLayout, readTileLayout } from "../../../release/tileLayout.ts";
import {
  nullableNumber,
  nullableString,
  OrganisationSchema,
  OrgCode,
  Problem,
} from "../../../server/schemas.ts";
import { notModified } from "../../../server/tableResponse.ts";
import { areaGlance } from "../queries/areaGlance.ts";
import {
  type AreaRate,
  benchmarkKinds,
  compareAreas,
  compareLevels,
  sortKeys,
} from "../queries/compareAreas.ts";
import { findOrganisation } from "../queries/organisations.ts";
import { peerGroupOf } from "../queries/peerGroups.ts";
import {
  type ComparisonPeriod,
  comparisonPeriods,
  periodRateMethod,
  releaseAtPeriod,
} from "../queries/periodRates.ts";
import { commissionerProviders, providerView } from "../queries/providerView.ts";
import { rateTrend } from "../queries/rateTrends.ts";
import type { LoadedRelease } from "../release/readRelease.ts";
import { InterventionId } from "./schemas.ts";

const literals = <T extends string>(values: readonly T[], options: Record<string, unknown> = {}) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  );
const Confidence = Type.Optional(
  Type.Union([Type.Literal(0.95), Type.Literal(0.998)], {
    description: "confidence level of the intervals (default 0.95)",
  }),
);
const Status = Type.String({
  description:
    "shown | no-interval (none published) | suppressed (hidden by the disclosure rule) | not-calculated (under 10 spells) | no-data",
});
const Comparison = Type.Union(
  [Type.Literal("higher"), Type.Literal("similar"), Type.Literal("lower"), Type.Null()],
  {
    description:
      "against the benchmark: interval wholly above, overlapping or wholly below it; null when not compared",
  },
);
const RateFields = {
  spells: nullableNumber,
  population: nullableNumber,
  rate: nullableNumber,
  lower: nullableNumber,
  upper: nullableNumber,
  status: Status,
};
const errors = { 400: Problem, 404: Problem };
const rateOf = (r: AreaRate) => ({
  spells: r.spells,
  population: r.population,
  rate: r.rate,
  lower: r.lower,
  upper: r.upper,
  status: r.status,
});

const ComparisonPeriodParam = Type.Optional(
  literals(comparisonPeriods, {
    default: "baseline",
    description:
      "baseline (the baseline year's published standardised rates) or the latest complete financial_year, quarter or rolling_12 months (rates scaled from the baseline; see the method)",
  }),
);

const CompareQuery = Type.Object({
  intervention: InterventionId,
  level: literals(compareLevels, { default: "icb", description: "organisations compared" }),
  benchmark: literals(benchmarkKinds, {
    default: "england",
    description:
      "england; region (for ICBs and sub-ICB locations); icb (the parent, for sub-ICB locations); peers (the median of each area's peers)",
  }),
  confidence: Confidence,
  sort: Type.Optional(literals(sortKeys, { description: "default rate" })),
  order: Type.Optional(literals(["asc", "desc"] as const)),
  period: ComparisonPeriodParam,
});

const layouts = new WeakMap<LoadedRelease, ReleaseTileLayout | null>();

/** `/api/v1/compare`, `/api/v1/areas/:code`, `/api/v1/peers/:code`, `/api/v1/trends`, providers and the map layout. */
export function areaRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: Static<typeof CompareQuery> }>(
    "/api/v1/compare",
    {
      schema: {
        description:
          "Every organisation at one level for one intervention: baseline standardised rate, interval and comparison with a benchmark",
        tags: ["areas"],
        querystring: CompareQuery,
        response: {
          200: Type.Object({
            release: Type.String(),
            intervention_id: Type.String(),
            level: Type.String(),
            benchmark: Type.String(),
            confidence: Type.Number(),
            period: Type.Union([Type.Object({ start: Type.String(), end: Type.String() }), Type.Null()]),
            method: Type.String(),
            england: Type.Object(RateFields),
            counts: Type.Object({
              higher: Type.Integer(),
              similar: Type.Integer(),
              lower: Type.Integer(),
              "not-compared": Type.Integer(),
            }),
            items: Type.Array(
              Type.Object({
                org_code: Type.String(),
                name: Type.String(),
                parent_code: nullableString,
                ...RateFields,
                benchmark_code: nullableString,
                benchmark_name: Type.String(),
                benchmark_rate: nullableNumber,
                comparison: Comparison,
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { release } = request;
      const period = request.query.period ?? "baseline";
      const result = compareAreas(releaseAtPeriod(release, period), request.query);
      if (notModified(request, reply, release)) return reply.code(304).send();
      return {
        release: release.id,
        intervention_id: result.intervention.intervention_id,
        level: result.level,
        benchmark: result.benchmark,
        confidence: result.confidence,
        period: result.period,
        method: period === "baseline" ? result.method : `${result.method} ${periodRateMethod}`,
        england: rateOf(result.england),
        counts: result.counts,
        items: result.rows.map((r) => ({
          org_code: r.org.org_code,
          name: r.org.name,
          parent_code: r.org.parent_code,
          ...rateOf(r),
          benchmark_code: r.benchmark.org_code,
          benchmark_name: r.benchmark.name,
          benchmark_rate: r.benchmark.value,
          comparison: r.comparison,
        })),
      };
    },
  );

  app.get<{
    Params: { code: string };
    Querystring: { confidence?: 0.95 | 0.998; period?: ComparisonPeriod };
  }>(
    "/api/v1/areas/:code",
    {
      schema: {
        description:
          "An area at a glance: every measurable intervention's baseline standardised rate against England and the area's peers, the level's range, and the opportunity at the peers' median and lower quartile",
        tags: ["areas"],
        params: Type.Object({ code: OrgCode }),
        querystring: Type.Object({ confidence: Confidence, period: ComparisonPeriodParam }),
        response: {
          200: Type.Object({
            release: Type.String(),
            org: OrganisationSchema,
            confidence: Type.Number(),
            method: Type.String(),
            items: Type.Array(
              Type.Object({
                intervention_id: Type.String(),
                name: Type.String(),
                ...RateFields,
                england_rate: nullableNumber,
                vs_england: Comparison,
                peer_median: nullableNumber,
                peer_lower_quartile: nullableNumber,
                vs_peers: Comparison,
                opportunity_at_peer_median: nullableNumber,
                opportunity_at_peer_lower_quartile: nullableNumber,
                level_min: nullableNumber,
                level_p25: nullableNumber,
                level_p75: nullableNumber,
                level_max: nullableNumber,
                flagged: Type.Boolean({
                  description: "significantly higher than England and than the peers' median",
                }),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { release } = request;
      const period = request.query.period ?? "baseline";
      const glance = areaGlance(
        releaseAtPeriod(release, period),
        request.params.code,
        request.query.confidence ?? 0.95,
      );
      if (notModified(request, reply, release)) return reply.code(304).send();
      return {
        release: release.id,
        org: glance.org,
        confidence: glance.confidence,
        method: period === "baseline" ? glance.method : `${glance.method} ${periodRateMethod}`,
        items: glance.rows.map((r) => ({
          intervention_id: r.intervention.intervention_id,
          name: r.intervention.name,
          ...rateOf(r.rate),
          england_rate: r.england,
          vs_england: r.vsEngland,
          peer_median: r.peerMedian,
          peer_lower_quartile: r.peerLowerQuartile,
          vs_peers: r.vsPeers,
          opportunity_at_peer_median: r.opportunityAtMedian,
          opportunity_at_peer_lower_quartile: r.opportunityAtLowerQuartile,
          level_min: r.range?.min ?? null,
          level_p25: r.range?.p25 ?? null,
          level_p75: r.range?.p75 ?? null,
          level_max: r.range?.max ?? null,
          flagged: r.flagged,
        })),
      };
    },
  );

  const Profile = {
    population: Type.Number(),
    aged_65_plus: Type.Number({ description: "share, 0–1" }),
    most_deprived: Type.Number({ description: "share in IMD quintile 1, 0–1" }),
  };
  app.get<{ Params: { code: string } }>(
    "/api/v1/peers/:code",
    {
      schema: {
        description:
          "A region's, ICB's or sub-ICB location's peer group: its nearest neighbours on population size, age and deprivation",
        tags: ["areas"],
        params: Type.Object({ code: OrgCode }),
        response: {
          200: Type.Object({
            release: Type.String(),
            org_code: Type.String(),
            level: Type.String(),
            method: Type.String(),
            profile: Type.Object(Profile),
            items: Type.Array(
              Type.Object({
                org_code: Type.String(),
                name: Type.String(),
                distance: Type.Number({ description: "in standard deviations" }),
                ...Profile,
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { release } = request;
      const group = peerGroupOf(release, findOrganisation(release, request.params.code));
      if (notModified(request, reply, release)) return reply.code(304).send();
      return {
        release: release.id,
        org_code: group.org.org_code,
        level: group.org.level,
        method: group.method,
        profile: group.profile,
        items: group.peers.map((p) => ({
          org_code: p.code,
          name: p.org.name,
          distance: p.distance,
          population: p.profile.population,
          aged_65_plus: p.profile.aged_65_plus,
          most_deprived: p.profile.most_deprived,
        })),
      };
    },
  );

  app.get<{ Querystring: { intervention: string; org?: string; confidence?: 0.95 | 0.998 } }>(
    "/api/v1/trends",
    {
      schema: {
        description: "An area's standardised rate by financial year against England's",
        tags: ["areas"],
        querystring: Type.Object({
          intervention: InterventionId,
          org: Type.Optional(OrgCode),
          confidence: Confidence,
        }),
        response: {
          200: Type.Object({
            release: Type.String(),
            intervention_id: Type.String(),
            org_code: Type.String(),
            confidence: Type.Number(),
            method: Type.String(),
            latest: Type.Object({
              start: Type.String(),
              end: Type.String(),
              rate: nullableNumber,
              england_rate: nullableNumber,
            }),
            items: Type.Array(
              Type.Object({
                year: Type.String(),
                start: Type.String(),
                end: Type.String(),
                spells: nullableNumber,
                rate: nullableNumber,
                lower: nullableNumber,
                upper: nullableNumber,
                status: Type.String(),
                england_rate: nullableNumber,
                comparison: Comparison,
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { release } = request;
      const trend = rateTrend(
        release,
        request.query.intervention,
        request.query.org ?? "ENG",
        request.query.confidence ?? 0.95,
      );
      if (notModified(request, reply, release)) return reply.code(304).send();
      return {
        release: release.id,
        intervention_id: trend.intervention.intervention_id,
        org_code: trend.org.org_code,
        confidence: trend.confidence,
        method: trend.method,
        latest: {
          start: trend.latest.start,
          end: trend.latest.end,
          rate: trend.latest.area,
          england_rate: trend.latest.england,
        },
        items: trend.rows.map((r) => ({
          year: r.year,
          start: r.area.start,
          end: r.area.end,
          spells: r.area.spells,
          rate: r.area.rate,
          lower: r.area.lower,
          upper: r.area.upper,
          status: r.area.status,
          england_rate: r.england.rate,
          comparison: r.comparison,
        })),
      };
    },
  );

  const Spells = Type.Union([
    Type.Object({
      start: Type.String(),
      end: Type.String(),
      spells: nullableNumber,
      suppressed: nullableString,
    }),
    Type.Null(),
  ]);
  app.get<{ Params: { code: string } }>(
    "/api/v1/providers/:code",
    {
      schema: {
        description: "A trust's spells of every measurable intervention and the sub-ICB locations it serves",
        tags: ["areas"],
        params: Type.Object({ code: OrgCode }),
        response: {
          200: Type.Object({
            release: Type.String(),
            org: OrganisationSchema,
            period: Type.Union([Type.Object({ start: Type.String(), end: Type.String() }), Type.Null()]),
            commissioners: Type.Array(OrganisationSchema),
            items: Type.Array(
              Type.Object({
                intervention_id: Type.String(),
                name: Type.String(),
                baseline: Spells,
                latest: Spells,
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { release } = request;
      const view = providerView(release, request.params.code);
      if (notModified(request, reply, release)) return reply.code(304).send();
      return {
        release: release.id,
        org: view.org,
        period: view.period,
        commissioners: view.commissioners,
        items: view.activity.map((a) => ({
          intervention_id: a.intervention.intervention_id,
          name: a.intervention.name,
          baseline: a.baseline,
          latest: a.latest,
        })),
      };
    },
  );

  app.get<{ Params: { code: string } }>(
    "/api/v1/organisations/:code/providers",
    {
      schema: {
        description:
          "The trusts treating more than the disclosure threshold of a commissioner's residents' spells (no counts)",
        tags: ["areas"],
        params: Type.Object({ code: OrgCode }),
        response: {
          200: Type.Object({
            release: Type.String(),
            org_code: Type.String(),
            items: Type.Array(
              Type.Object({ ...OrganisationSchema.properties, sub_icbs: Type.Array(Type.String()) }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { release } = request;
      const org = findOrganisation(release, request.params.code);
      const providers = commissionerProviders(release, org);
      if (notModified(request, reply, release)) return reply.code(304).send();
      return {
        release: release.id,
        org_code: org.org_code,
        items: providers.map((p) => ({ ...p.provider, sub_icbs: p.subIcbs })),
      };
    },
  );

  app.get<{ Querystring: Record<string, never> }>(
    "/api/v1/tile-layout",
    {
      schema: {
        description:
          "The hex cartogram layout of the release (HexJSON positions by organisation code), loaded as reference data",
        tags: ["areas"],
        response: {
          200: Type.Object({
            release: Type.String(),
            layout: Type.String(),
            vintage: Type.String(),
            items: Type.Array(
              Type.Object({
                level: Type.String(),
                org_code: Type.String(),
                q: Type.Integer(),
                r: Type.Integer(),
              }),
            ),
          }),
          404: Problem,
        },
      },
    },
    async (request, reply) => {
      const { release } = request;
      if (!layouts.has(release)) layouts.set(release, readTileLayout(release.dir));
      const layout = layouts.get(release);
      if (!layout)
        throw new EbiError(
          "EBI_NOT_FOUND",
          `Release ${release.id} has no map layout: load one with \`ebi reference tile_layout\`.`,
        );
      if (notModified(request, reply, release)) return reply.code(304).send();
      return { release: release.id, layout: layout.layout, vintage: layout.vintage, items: layout.tiles };
    },
  );
}

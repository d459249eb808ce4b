import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { EbiError } from "../errors/index.ts";
import type { LoadedRelease } from "../release/readRelease.ts";
import { tableColumns } from "../release/tableColumns.ts";
import type { OrgLevel } from "../release/tables.ts";
import { equityDimensions, equitySummary } from "./queries/equity.ts";
import { findOrganisation } from "./queries/organisations.ts";
import { spcSeries } from "./queries/spc.ts";
import { sendTable } from "./tableResponse.ts";

const levels = ["england", "region", "icb", "sub_icb", "provider"] as const;
const Level = Type.Union(levels.map((l) => Type.Literal(l)));
const Month = Type.String({ pattern: "^\\d{4}-\\d{2}$", description: "YYYY-MM" });
const InterventionId = Type.String({ pattern: "^[a-z0-9-]+/[a-z0-9-]+$", description: "<rule set>/<slug>" });
const OrgCode = Type.String({ pattern: "^[A-Za-z0-9]{1,10}$" });

/** Registers `path`, `path.csv` and `path.xlsx` with one handler and one schema. */
function tableRoute<Q extends Record<string, unknown>>(
  app: FastifyInstance,
  path: string,
  schema: { querystring?: ReturnType<typeof Type.Object>; description: string; tags: string[] },
  handler: (request: FastifyRequest<{ Querystring: Q }>, reply: FastifyReply) => Promise<unknown>,
): void {
  for (const suffix of ["", ".csv", ".xlsx"]) {
    app.get(
      `${path}${suffix}`,
      {
        schema: { ...schema, hide: suffix !== "", produces: ["application/json", "text/csv"] },
      },
      handler as never,
    );
  }
}

const interventionOf = (release: LoadedRelease, id: string) => {
  const intervention = release.interventionOf.get(id);
  if (!intervention)
    throw new EbiError("EBI_NOT_FOUND", `No intervention ${JSON.stringify(id)} in release ${release.id}.`);
  return intervention;
};

/** The JSON/CSV/XLSX API over the published release's public tables: `/api/v1/…`. */
export function registerApiRoutes(app: FastifyInstance, release: LoadedRelease): void {
  app.get(
    "/api/v1/release",
    {
      schema: { description: "The published release: id, period, rule sets, disclosure", tags: ["release"] },
    },
    async () => {
      const { inputs: _inputs, ...manifest } = release.manifest;
      return { ...manifest, inputs: release.manifest.inputs.length };
    },
  );

  tableRoute(
    app,
    "/api/v1/interventions",
    { description: "Every intervention of every rule set, measurable or not", tags: ["interventions"] },
    (request, reply) =>
      sendTable(request, reply, release, {
        name: "interventions",
        columns: [
          "intervention_id",
          "official_id",
          "name",
          "list",
          "category",
          "confidence",
          "measurable",
          "setting",
          "description",
          "provenance",
        ],
        rows: release.interventions,
      }),
  );

  const OrganisationsQuery = Type.Object({
    level: Type.Optional(Level),
    parent: Type.Optional(OrgCode),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  });
  tableRoute<Static<typeof OrganisationsQuery>>(
    app,
    "/api/v1/organisations",
    {
      querystring: OrganisationsQuery,
      description:
        "Organisations with their parent (hierarchy); filter by level, parent or a name/code search",
      tags: ["organisations"],
    },
    (request, reply) => {
      const { level, parent, q, limit, offset } = request.query;
      const needle = q?.toLowerCase();
      const all = release.organisations.filter(
        (o) =>
          (!level || o.level === level) &&
          (!parent || o.parent_code === parent) &&
          (!needle || o.name.toLowerCase().includes(needle) || o.org_code.toLowerCase() === needle),
      );
      const page = all.slice(offset, offset + limit);
      const link = (o: number) =>
        `/api/v1/organisations?${new URLSearchParams({ ...(level ? { level } : {}), ...(parent ? { parent } : {}), ...(q ? { q } : {}), limit: String(limit), offset: String(o) })}`;
      return sendTable(request, reply, release, {
        name: "organisations",
        columns: Object.keys(tableColumns.organisations),
        rows: page,
        body: {
          total: all.length,
          limit,
          offset,
          links: {
            next: offset + limit < all.length ? link(offset + limit) : null,
            prev: offset > 0 ? link(Math.max(0, offset - limit)) : null,
          },
        },
      });
    },
  );

  app.get<{ Params: { code: string } }>(
    "/api/v1/organisations/:code",
    {
      schema: {
        params: Type.Object({ code: OrgCode }),
        description: "One organisation with its parent and children",
        tags: ["organisations"],
      },
    },
    async (request) => {
      const org = findOrganisation(release, request.params.code);
      const parent = org.parent_code ? findOrganisation(release, org.parent_code) : null;
      return { release: release.id, ...org, parent, children: release.childrenOf.get(org.org_code) ?? [] };
    },
  );

  const ActivityQuery = Type.Object({
    intervention: InterventionId,
    org: Type.Optional(OrgCode),
    level: Type.Optional(Level),
    from: Type.Optional(Month),
    to: Type.Optional(Month),
  });
  tableRoute<Static<typeof ActivityQuery>>(
    app,
    "/api/v1/activity",
    {
      querystring: ActivityQuery,
      description: "Monthly spells of an intervention for one organisation, or every organisation of a level",
      tags: ["activity"],
    },
    (request, reply) => {
      const { intervention, org, level, from, to } = request.query;
      interventionOf(release, intervention);
      const orgs = org
        ? [findOrganisation(release, org, level as OrgLevel | undefined)]
        : release.organisations.filter((o) => o.level === (level ?? "england"));
      const rows = orgs
        .flatMap((o) => release.monthlyOf.get(`${intervention}|${o.level}|${o.org_code}`) ?? [])
        .filter((r) => (!from || r.month >= `${from}-01`) && (!to || r.month <= `${to}-01`));
      return sendTable(request, reply, release, {
        name: "activity",
        columns: Object.keys(tableColumns.monthly),
        rows,
      });
    },
  );

  const BaselineQuery = Type.Object({
    intervention: Type.Optional(InterventionId),
    level: Type.Optional(Level),
    org: Type.Optional(OrgCode),
  });
  tableRoute<Static<typeof BaselineQuery>>(
    app,
    "/api/v1/baselines",
    {
      querystring: BaselineQuery,
      description: "Baselines, goals, opportunity, latest 12 months, progress and money",
      tags: ["goals"],
    },
    (request, reply) => {
      const { intervention, level, org } = request.query;
      if (intervention) interventionOf(release, intervention);
      const rows = release.baselines.filter(
        (b) =>
          (!intervention || b.intervention_id === intervention) &&
          (!level || b.level === level) &&
          (!org || b.org_code === org.toUpperCase() || b.org_code === org),
      );
      return sendTable(request, reply, release, {
        name: "baselines",
        columns: Object.keys(tableColumns.baselines),
        rows,
      });
    },
  );

  const OneQuery = Type.Object({
    intervention: InterventionId,
    org: Type.Optional(OrgCode),
    level: Type.Optional(Level),
  });
  tableRoute<Static<typeof OneQuery>>(
    app,
    "/api/v1/trajectory",
    {
      querystring: OneQuery,
      description: "The goal spread over the months of the goal year",
      tags: ["goals"],
    },
    (request, reply) => {
      const { intervention, org, level } = request.query;
      interventionOf(release, intervention);
      const o = findOrganisation(release, org ?? "ENG", level as OrgLevel | undefined);
      const rows = release.trajectoryOf.get(`${intervention}|${o.level}|${o.org_code}`) ?? [];
      return sendTable(request, reply, release, {
        name: "trajectory",
        columns: Object.keys(tableColumns.trajectory),
        rows,
      });
    },
  );

  tableRoute<Static<typeof OneQuery>>(
    app,
    "/api/v1/spc",
    {
      querystring: OneQuery,
      description: "XmR chart (Making Data Count) of monthly spells: limits, signals and icons",
      tags: ["activity"],
    },
    (request, reply) => {
      const { intervention, org, level } = request.query;
      interventionOf(release, intervention);
      const o = findOrganisation(release, org ?? "ENG", level as OrgLevel | undefined);
      const series = spcSeries(release, intervention, o.level, o.org_code);
      const rows = series.chart
        ? series.chart.points.map((p) => ({
            month: p.date,
            spells: p.value,
            mean: p.mean,
            lower: p.lower,
            upper: p.upper,
            special: p.special,
            trial: p.trial,
          }))
        : series.months.map((m) => ({
            month: m.month,
            spells: m.spells,
            mean: null,
            lower: null,
            upper: null,
            special: null,
            trial: null,
          }));
      return sendTable(request, reply, release, {
        name: "spc",
        columns: ["month", "spells", "mean", "lower", "upper", "special", "trial"],
        rows,
        body: {
          variation: series.chart?.variation ?? null,
          assurance: series.chart?.assurance ?? null,
          reason: series.reason,
          target: series.target,
        },
      });
    },
  );

  const VariationQuery = Type.Object({ intervention: Type.Optional(InterventionId) });
  tableRoute<Static<typeof VariationQuery>>(
    app,
    "/api/v1/variation",
    {
      querystring: VariationQuery,
      description: "Spread of sub-ICB baseline standardised rates: percentiles and N-fold",
      tags: ["goals"],
    },
    (request, reply) => {
      const { intervention } = request.query;
      const rows = release.variation.filter((v) => !intervention || v.intervention_id === intervention);
      return sendTable(request, reply, release, {
        name: "variation",
        columns: Object.keys(tableColumns.variation),
        rows,
      });
    },
  );

  const EquityQuery = Type.Object({
    intervention: InterventionId,
    org: Type.Optional(OrgCode),
    level: Type.Optional(Level),
    period: Type.Union([Type.Literal("baseline"), Type.Literal("latest")], { default: "latest" }),
    dimension: Type.Union(
      equityDimensions.map((d) => Type.Literal(d)),
      { default: "imd_quintile" },
    ),
  });
  tableRoute<Static<typeof EquityQuery>>(
    app,
    "/api/v1/equity",
    {
      querystring: EquityQuery,
      description: "Rates by IMD, ethnic group, age band or sex, with the deprivation gap, SII and RII",
      tags: ["equity"],
    },
    (request, reply) => {
      const { intervention, org, level, period, dimension } = request.query;
      interventionOf(release, intervention);
      const o = findOrganisation(release, org ?? "ENG", level as OrgLevel | undefined);
      const summary = equitySummary(release, intervention, o.level, o.org_code, period, dimension);
      return sendTable(request, reply, release, {
        name: "equity",
        columns: Object.keys(tableColumns.equity),
        rows: summary.rows,
        body: { gap: summary.gap, sii: summary.sii, note: summary.note },
      });
    },
  );
}

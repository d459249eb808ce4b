import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import formbody from "@fastify/formbody";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { EbiError } from "../../../errors/index.ts";
import { findUserByUsername } from "../../../identity/users.ts";
import { ethnicGroups } from "../../../reference/ethnicGroups.ts";
import { checkSessionForm, sessionCsrf } from "../../../server/pages/signInPages.ts";
import type { RegisteredAccess } from "../../../server/registeredAccess.ts";
import { registeredMarking, requestedFormat, toCsv } from "../../../server/tableResponse.ts";
import { createRenderer } from "../../../web/renderer.ts";
import type { PlannedCarePublic, PlannedCareRegistered } from "../buildPlannedCare.ts";
import { demoStrategyGroups, demoStrategyId, demoStrategyStart } from "../demo/generatePlannedCare.ts";
import { plannedCareXlsx } from "../exportTable.ts";
import { strategyCatalogue } from "../strategies/catalogue.ts";
import {
  checkStrategyInput,
  listStrategies,
  recordStrategy,
  strategyPopulations,
} from "../strategies/strategyRecords.ts";
import { trackStrategy } from "../strategies/trackerFigures.ts";

/** The planned-care folder the server reads: `EBI_PLANNED_CARE_DIR`, else `<EBI_HOME or ./workspace>/planned-care`. */
export function plannedCareServeDir(): string {
  return (
    process.env.EBI_PLANNED_CARE_DIR ?? join(resolve(process.env.EBI_HOME ?? "workspace"), "planned-care")
  );
}

/** How a cell's rate was made, in words, for the downloads. */
export const rateMethod = (kind: string): string =>
  kind === "dsr" ? "age-sex standardised (ESP 2013)" : kind === "crude" ? "crude" : "";

const readJson = <T>(file: string): T | null =>
  existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : null;

const cellColumns = [
  "group_id",
  "fyear",
  "level",
  "org_code",
  "dimension",
  "group_code",
  "group_label",
  "spells",
  "population",
  "rate_kind",
  "rate_method",
  "rate",
  "lower",
  "upper",
  "suppressed",
];
const inequalityColumns = [
  "group_id",
  "kind",
  "fyear",
  "level",
  "org_code",
  "sii",
  "sii_lower",
  "sii_upper",
  "rii",
  "rii_lower",
  "rii_upper",
  "gap",
  "gap_lower",
  "gap_upper",
  "ratio",
  "ratio_lower",
  "ratio_upper",
  "gap_change",
  "gap_change_lower",
  "gap_change_upper",
];
const waitColumns = [
  "group_id",
  "fyear",
  "level",
  "org_code",
  "dimension",
  "group_code",
  "pathways",
  "median_weeks",
  "p92_weeks",
  "over_18_share",
  "suppressed",
];
const trackerColumns = [
  "strategy_id",
  "org_code",
  "group_id",
  "quarter",
  "post",
  "gap",
  "comparator_gap",
  "difference",
];

const Query = Type.Object({
  group: Type.Optional(Type.String({ pattern: "^[a-z0-9/-]{1,120}$" })),
  org: Type.Optional(Type.String({ pattern: "^[A-Z0-9]{1,10}$" })),
  year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
});
type QueryT = { group?: string; org?: string; year?: number };

const nullableNumber = Type.Union([Type.Number(), Type.Null()]);
const CellSchema = Type.Object({
  group_id: Type.String(),
  fyear: Type.Integer(),
  level: Type.String(),
  org_code: Type.String(),
  dimension: Type.String(),
  group_code: Type.String(),
  group_label: Type.String(),
  spells: nullableNumber,
  population: nullableNumber,
  rate_kind: Type.String(),
  rate_method: Type.String(),
  rate: nullableNumber,
  lower: nullableNumber,
  upper: nullableNumber,
  suppressed: Type.Boolean(),
});
const InequalitySchema = Type.Object(
  Object.fromEntries(
    inequalityColumns.map((c) => [
      c,
      ["group_id", "kind", "level", "org_code"].includes(c)
        ? Type.String()
        : c === "fyear"
          ? Type.Integer()
          : nullableNumber,
    ]),
  ),
);
const WaitSchema = Type.Object({
  group_id: Type.String(),
  fyear: Type.Integer(),
  level: Type.String(),
  org_code: Type.String(),
  dimension: Type.String(),
  group_code: Type.String(),
  pathways: nullableNumber,
  median_weeks: nullableNumber,
  p92_weeks: nullableNumber,
  over_18_share: nullableNumber,
  suppressed: Type.Boolean(),
});
const answerOf = (rows: ReturnType<typeof Type.Object>) =>
  Type.Object({
    build: Type.String(),
    synthetic: Type.Boolean(),
    disclosure: Type.String(),
    rows: Type.Array(rows),
  });

/**
 * Planned-care equity: `/planned-care` (public: by procedure group and commissioner, protected
 * figures only), `/api/v1/planned-care/{equity,inequality,waits}` in JSON, CSV and Excel, and with
 * registered access the strategies tracker `/planned-care/strategies` and its API (signed-in users,
 * their ICBs' strategies, every read audited). Reads the planned-care build once at start-up.
 */
export async function plannedCarePages(
  app: FastifyInstance,
  options: { access?: RegisteredAccess },
): Promise<void> {
  const dir = plannedCareServeDir();
  const pub = readJson<PlannedCarePublic>(join(dir, "public", "planned-care.json"));
  const access = options.access;
  const reg = access ? readJson<PlannedCareRegistered>(join(dir, "registered", "planned-care.json")) : null;
  const env = createRenderer(app.siteFrame);
  const planned = (pub?.groups ?? []).filter((g) => g.kind === "planned");
  const groupName = new Map((pub?.groups ?? []).map((g) => [g.group_id, g.name]));
  const orgName = new Map((pub?.organisations ?? []).map((o) => [o.org_code, o.name]));
  const icbs = (pub?.organisations ?? []).filter((o) => o.level === "icb").map((o) => o.org_code);
  const latestYear = pub?.manifest.years.at(-1) ?? null;
  const disclosure = pub
    ? `[c] = hidden (${pub.manifest.disclosure.policy}: ${pub.manifest.disclosure.statement})`
    : "";

  const selection = (q: QueryT) => {
    if (!pub)
      throw new EbiError(
        "EBI_NOT_FOUND",
        "Planned-care figures have not been built: run `ebi planned-care build`.",
      );
    const group = q.group ?? planned[0]?.group_id ?? "";
    if (!groupName.has(group))
      throw new EbiError("EBI_NOT_FOUND", `No procedure group ${group}.`, { parameter: "group" });
    const org = q.org ?? "ENG";
    if (!orgName.has(org))
      throw new EbiError(
        "EBI_NOT_FOUND",
        `No commissioner ${org} (England ENG, a region, an ICB or a sub-ICB location).`,
        {
          parameter: "org",
        },
      );
    const year = q.year ?? (latestYear as number);
    if (!pub.manifest.years.includes(year))
      throw new EbiError(
        "EBI_NOT_FOUND",
        `No financial year ${year}: the years are ${pub.manifest.years.join(", ")}.`,
        { parameter: "year" },
      );
    return { group, org, year };
  };
  const send = async (
    request: FastifyRequest,
    reply: FastifyReply,
    title: string,
    rows: object[],
    columns: string[],
    marking?: string,
  ) => {
    const format = requestedFormat(request);
    if (format === "csv")
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="${title}.csv"`)
        .send(`${marking ? `${marking}\r\n` : ""}${toCsv(rows, columns)}`);
    if (format === "xlsx" && pub)
      return reply
        .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .header("content-disposition", `attachment; filename="${title}.xlsx"`)
        .send(await plannedCareXlsx(rows, columns, pub.manifest, title, marking));
    return {
      build: pub?.manifest.build_id ?? "",
      synthetic: pub?.manifest.synthetic ?? false,
      disclosure,
      rows,
    };
  };
  const publicHeaders = (reply: FastifyReply) => reply.header("cache-control", "public, max-age=300");

  type Selection = ReturnType<typeof selection>;
  const cellRows = (s: Selection) =>
    (pub?.cells ?? [])
      .filter((c) => c.group_id === s.group && c.org_code === s.org && c.fyear === s.year)
      .map((c) => ({ ...c, rate_method: rateMethod(c.rate_kind) }));
  const waitRowsOf = (s: Selection) =>
    (pub?.waits ?? []).filter((c) => c.group_id === s.group && c.org_code === s.org && c.fyear === s.year);
  const tables = [
    { path: "equity", schema: CellSchema, columns: cellColumns, rows: cellRows },
    {
      path: "inequality",
      schema: InequalitySchema,
      columns: inequalityColumns,
      rows: (s: ReturnType<typeof selection>) =>
        (pub?.inequality ?? []).filter(
          (c) => c.org_code === s.org && c.fyear === s.year && (c.group_id === s.group || c.kind === "ebi"),
        ),
    },
    { path: "waits", schema: WaitSchema, columns: waitColumns, rows: waitRowsOf },
  ];
  for (const t of tables)
    app.get<{ Querystring: QueryT }>(
      `/api/v1/planned-care/${t.path}`,
      {
        schema: {
          description: `Planned-care ${t.path} for one procedure group, commissioner and financial year (public side; add .csv or .xlsx)`,
          tags: ["planned-care"],
          querystring: Query,
          response: { 200: answerOf(t.schema) },
        },
      },
      async (request, reply) => {
        const s = selection(request.query);
        publicHeaders(reply);
        return send(
          request,
          reply,
          `planned-care-${t.path}-${s.group.replace("/", "-")}-${s.org}-${s.year}`,
          t.rows(s),
          t.columns,
        );
      },
    );

  app.get<{ Querystring: QueryT }>(
    "/planned-care",
    { schema: { querystring: Query } },
    async (request, reply) => {
      if (!pub)
        return reply.type("text/html; charset=utf-8").send(
          env.render("planned-care/equity.njk", {
            title: "Planned care equity",
            active: "planned-care",
            release: { manifest: {} },
            built: false,
            dir,
          }),
        );
      const s = selection(request.query);
      const cells = cellRows(s);
      const by = (d: string) =>
        cells.filter((c) => c.dimension === d).sort((a, b) => a.group_order - b.group_order);
      const ineq = pub.inequality.filter((r) => r.org_code === s.org && r.fyear === s.year);
      const query = `group=${encodeURIComponent(s.group)}&org=${s.org}&year=${s.year}`;
      publicHeaders(reply);
      return reply.type("text/html; charset=utf-8").send(
        env.render("planned-care/equity.njk", {
          title: `${groupName.get(s.group)} – planned care equity`,
          active: "planned-care",
          release: { manifest: { synthetic: pub.manifest.synthetic } },
          registeredAccess: Boolean(access),
          returnTo: `/planned-care?${query}`,
          built: true,
          manifest: pub.manifest,
          groups: planned,
          organisations: pub.organisations,
          years: pub.manifest.years,
          selected: { ...s, groupName: groupName.get(s.group), orgName: orgName.get(s.org) },
          query,
          total: by("total")[0],
          deciles: by("imd_decile"),
          quintiles: by("imd_quintile"),
          ages: by("age_band"),
          sexes: by("sex"),
          ethnic: by("ethnic_group"),
          ethnicRated: by("ethnic_group").some((c) => c.rate_kind !== "none"),
          ethnicStandardised: by("ethnic_group").some((c) => c.rate_kind === "dsr"),
          inequality: ineq.find((r) => r.group_id === s.group),
          ebi: ineq.filter((r) => r.kind === "ebi").map((r) => ({ ...r, name: groupName.get(r.group_id) })),
          waits: waitRowsOf(s).map((w) => ({
            ...w,
            label:
              w.dimension === "total"
                ? "Everyone"
                : w.dimension === "imd_quintile"
                  ? w.group_code === "unknown"
                    ? "LSOA not known"
                    : `IMD quintile ${w.group_code}${w.group_code === "1" ? " (most deprived)" : w.group_code === "5" ? " (least deprived)" : ""}`
                  : (ethnicGroups.find((g) => g.code === w.group_code)?.label ?? w.group_code),
          })),
          disclosure,
        }),
      );
    },
  );

  if (!access || !reg) return;
  const state = access.state;
  const seeded = seedDemoStrategy(access, reg);
  await app.register(async (forms) => {
    await forms.register(formbody);
    const signedIn = (request: FastifyRequest, reply: FastifyReply) => {
      if (request.principal) return request.principal;
      reply.redirect(`/sign-in?returnTo=${encodeURIComponent("/planned-care/strategies")}`);
      return null;
    };
    const myIcbs = (request: FastifyRequest) => icbs.filter((icb) => request.scope.keys.has(`icb|${icb}`));
    const trackerFor = async (request: FastifyRequest) => {
      await seeded;
      const mine = myIcbs(request);
      const all = await listStrategies(state);
      const records = all.filter((r) => mine.includes(r.org_code));
      const results = records.flatMap((strategy) =>
        strategy.group_ids
          .filter((g) => groupName.has(g))
          .map((group_id) =>
            trackStrategy({ strategy, group_id, series: reg.series, allStrategies: all, icbs }),
          ),
      );
      // Registered figures: each ICB whose gap series was returned is one read in the audit log.
      for (const r of results) request.reads?.note(r.strategy.org_code, "planned-care-gap-series", true);
      return { mine, records, results };
    };
    forms.get("/planned-care/strategies", async (request, reply) => {
      const principal = signedIn(request, reply);
      if (!principal) return reply;
      const { mine, records, results } = await trackerFor(request);
      return reply
        .type("text/html; charset=utf-8")
        .header("cache-control", "private, no-store")
        .send(
          env.render("planned-care/strategies.njk", {
            title: "Strategies tracker – planned care",
            active: "planned-care",
            release: { manifest: { synthetic: pub?.manifest.synthetic ?? false } },
            registeredAccess: true,
            principal,
            csrf: sessionCsrf(access, request),
            catalogue: strategyCatalogue,
            populations: strategyPopulations,
            groups: planned,
            icbs: mine.map((code) => ({ code, name: orgName.get(code) })),
            records: records.map((r) => ({
              ...r,
              title: strategyCatalogue.find((s) => s.id === r.strategy_id)?.title,
              groups: r.group_ids.map((g) => groupName.get(g) ?? g),
            })),
            results: results.map((r) => ({
              ...r,
              groupName: groupName.get(r.group_id),
              title: strategyCatalogue.find((s) => s.id === r.strategy.strategy_id)?.title,
              orgName: orgName.get(r.strategy.org_code),
            })),
            error: (request.query as { error?: string }).error,
          }),
        );
    });
    forms.post<{ Body: Record<string, unknown> }>("/planned-care/strategies", async (request, reply) => {
      const principal = signedIn(request, reply);
      if (!principal) return reply;
      checkSessionForm(access, request);
      try {
        const checked = checkStrategyInput(request.body ?? {}, {
          groupIds: planned.map((g) => g.group_id),
          icbs,
          scope: request.scope,
        });
        await recordStrategy(state, access.audit, access.clock, principal, checked);
      } catch (error) {
        if (error instanceof EbiError && error.code === "EBI_STRATEGY_INVALID")
          return reply.redirect(`/planned-care/strategies?error=${encodeURIComponent(error.message)}`);
        throw error;
      }
      return reply.redirect("/planned-care/strategies");
    });
    forms.get(
      "/api/v1/planned-care/strategies/tracker",
      {
        schema: {
          description:
            "Registered: the gap series and interrupted time-series estimate of each strategy your ICBs run (add .csv or .xlsx)",
          tags: ["planned-care"],
        },
      },
      async (request, reply) => {
        if (!request.principal)
          throw new EbiError("EBI_FORBIDDEN", "The strategies tracker is for signed-in users.");
        const { results } = await trackerFor(request);
        reply.header("cache-control", "private, no-store").header("ebi-classification", registeredMarking);
        const format = requestedFormat(request);
        if (format !== "json") {
          const rows = results.flatMap((r) =>
            r.series.map((p) => ({
              strategy_id: r.strategy.strategy_id,
              org_code: r.strategy.org_code,
              group_id: r.group_id,
              ...p,
            })),
          );
          return send(
            request,
            reply,
            "planned-care-strategies-tracker",
            rows,
            trackerColumns,
            registeredMarking,
          );
        }
        return {
          redaction: registeredMarking,
          results: results.map((r) => ({
            strategy: r.strategy,
            group_id: r.group_id,
            start_quarter: r.start_quarter,
            comparators: r.comparators,
            before: r.before,
            after: r.after,
            controlled: r.controlled,
            uncontrolled: r.uncontrolled,
            reason: r.reason,
            series: r.series,
          })),
        };
      },
    );
  });

  async function seedDemoStrategy(a: RegisteredAccess, registered: PlannedCareRegistered): Promise<void> {
    if (!registered.manifest.synthetic || a.identity.kind !== "builtin" || !a.identity.demo) return;
    const icb = [...icbs].sort()[0];
    const user = await findUserByUsername(a.state, "icb-analyst");
    if (!icb || !user) return;
    if ((await listStrategies(a.state, [icb])).length > 0) return;
    await recordStrategy(
      a.state,
      a.audit,
      a.clock,
      {
        userId: user.id,
        username: user.username,
        name: user.name,
        orgCode: icb,
        orgType: "icb",
        role: "viewer",
        source: "demo",
      },
      {
        org_code: icb,
        strategy_id: demoStrategyId,
        group_ids: demoStrategyGroups.filter((g) => groupName.has(g)),
        population: "imd-quintiles-1-2",
        started_on: demoStrategyStart,
        ended_on: null,
        note: "Demonstration: case-finding in the most deprived areas from April 2023.",
      },
    );
  }
}

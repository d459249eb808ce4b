import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Principal } from "../../../access/principal.ts";
import { EbiError } from "../../../errors/index.ts";
import { registeredMarking, requestedFormat, toCsv } from "../../../server/tableResponse.ts";
import { createRenderer } from "../../../web/renderer.ts";
import { ttRegisteredSchema } from "../api/talkingTherapiesSchemas.ts";
import { registeredReviewDir } from "../public/buildPublicReview.ts";
import { tableXlsx, type XlsxColumn } from "../public/tableXlsx.ts";
import type { PractitionerRow, RegisteredReview } from "../registered/practitionerDashboards.ts";

/** Who may read a service's practitioner-level figures: its own provider's staff, and national users. */
export function mayReadService(principal: Principal | null, provider: string): boolean {
  if (!principal) return false;
  if (principal.orgType === "national") return true;
  return principal.orgType === "provider" && principal.orgCode === provider;
}

const practitionerColumns: XlsxColumn[] = [
  { key: "practitioner", label: "Practitioner" },
  { key: "qualification", label: "Qualification" },
  { key: "caseload", label: "Caseload (open at the period end)" },
  { key: "appointments", label: "Appointments" },
  { key: "dna", label: "Did not attend" },
  { key: "dna_rate", label: "DNA rate (%)" },
  { key: "treatment_per_week", label: "Treatment contacts per week" },
  { key: "finished", label: "Finished courses" },
  { key: "sessions_mean", label: "Sessions per finished course (mean)" },
  { key: "at_caseness", label: "Finished at caseness" },
  { key: "recovered", label: "Recovered" },
  { key: "recovery_rate", label: "Recovery (%)" },
  { key: "expected_rate", label: "Expected recovery, case-mix (%)" },
  { key: "lower95", label: "Lower 95% limit (%)" },
  { key: "upper95", label: "Upper 95% limit (%)" },
  { key: "lower998", label: "Lower 99.8% limit (%)" },
  { key: "upper998", label: "Upper 99.8% limit (%)" },
  { key: "funnel", label: "Against the funnel" },
  { key: "improved", label: "Reliably improved" },
  { key: "improvement_rate", label: "Reliable improvement (%)" },
  { key: "deteriorated", label: "Reliably deteriorated" },
  { key: "deteriorated_below_caseness", label: "Deteriorated, below caseness at the start" },
];

const atRiskColumns: XlsxColumn[] = [
  { key: "PathwayID", label: "Pathway" },
  { key: "practitioner", label: "Practitioner (attributed)" },
  { key: "commissioner", label: "Sub-ICB" },
  { key: "referral_date", label: "Referred" },
  { key: "treatments", label: "Treatments so far" },
  { key: "last_treatment_date", label: "Last treatment" },
  { key: "days_since_last_treatment", label: "Days since last treatment" },
  { key: "reasons", label: "Why at risk" },
];

/** The peer view: rates for practitioners with fewer than the minimum number of courses are withheld. */
export function peerRows(review: RegisteredReview): PractitionerRow[] {
  return review.practitioners.map((p) =>
    p.at_caseness >= review.peerMinimum
      ? p
      : {
          ...p,
          recovery_rate: null,
          expected_rate: null,
          lower95: null,
          upper95: null,
          lower998: null,
          upper998: null,
          improvement_rate: null,
          funnel: `fewer than ${review.peerMinimum} courses`,
        },
  );
}

/** A funnel plot (SVG): recovery against finished courses at caseness, with the 95% and 99.8% limits. */
export function funnelSvg(rows: readonly PractitionerRow[]): string {
  const shown = rows.filter((r) => r.recovery_rate !== null && r.at_caseness > 0);
  const width = 640;
  const height = 320;
  const pad = 48;
  const maxN = Math.max(10, ...shown.map((r) => r.at_caseness));
  const x = (n: number) => pad + ((width - 2 * pad) * n) / maxN;
  const y = (rate: number) => height - pad - ((height - 2 * pad) * rate) / 100;
  const centre =
    shown.reduce((s, r) => s + (r.expected_rate ?? 0) * r.at_caseness, 0) /
    Math.max(
      1,
      shown.reduce((s, r) => s + r.at_caseness, 0),
    );
  const p = centre / 100;
  const curve = (z: number, sign: number) =>
    Array.from({ length: 40 }, (_, i) => {
      const n = Math.max(1, (maxN * (i + 1)) / 40);
      const v = Math.min(100, Math.max(0, 100 * (p + sign * z * Math.sqrt((p * (1 - p)) / n))));
      return `${i === 0 ? "M" : "L"}${x(n).toFixed(1)},${y(v).toFixed(1)}`;
    }).join("");
  const dots = shown
    .map(
      (r) =>
        `<circle cx="${x(r.at_caseness).toFixed(1)}" cy="${y(r.recovery_rate as number).toFixed(1)}" r="4" fill="${r.funnel === "within" ? "#005eb8" : "#d5281b"}"><title>${r.practitioner}: ${(r.recovery_rate as number).toFixed(1)}% of ${r.at_caseness}</title></circle>`,
    )
    .join("");
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Funnel plot of recovery by practitioner" xmlns="http://www.w3.org/2000/svg">
  <line x1="${pad}" y1="${y(0)}" x2="${width - pad}" y2="${y(0)}" stroke="#4c6272"/>
  <line x1="${pad}" y1="${y(0)}" x2="${pad}" y2="${y(100)}" stroke="#4c6272"/>
  <text x="${width / 2}" y="${height - 10}" text-anchor="middle" font-size="12">Finished courses at caseness</text>
  <text x="12" y="${height / 2}" font-size="12" transform="rotate(-90 12 ${height / 2})" text-anchor="middle">Recovery (%)</text>
  <line x1="${pad}" y1="${y(centre)}" x2="${width - pad}" y2="${y(centre)}" stroke="#425563" stroke-dasharray="4 3"/>
  <path d="${curve(1.96, 1)}${curve(1.96, -1)}" fill="none" stroke="#768692"/>
  <path d="${curve(3.09, 1)}${curve(3.09, -1)}" fill="none" stroke="#768692" stroke-dasharray="2 2"/>
  ${dots}
</svg>`;
}

/**
 * The registered talking-therapies pages: practitioner dashboards (the peer view and one per
 * practitioner) and the recovery-at-risk list, with CSV, XLSX and JSON. Anonymous users are sent to
 * sign in (pages) or refused (API); signed-in users outside the service's provider are refused;
 * every answer is one audit event, committed before it is sent. Off when registered access is off.
 */
export async function talkingTherapiesRegisteredPages(app: FastifyInstance): Promise<void> {
  const env = createRenderer(app.siteFrame);
  let cached: RegisteredReview | null | undefined;
  const load = (): RegisteredReview | null => {
    if (cached !== undefined) return cached;
    const file = join(registeredReviewDir(), "practitioners.json");
    cached = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as RegisteredReview) : null;
    return cached;
  };

  /** Checks who is asking and records the read; returns the review, or null once it has answered. */
  async function authorise(
    request: FastifyRequest,
    reply: FastifyReply,
    table: string,
    html: boolean,
  ): Promise<RegisteredReview | null> {
    const log = app.auditLog;
    const review = load();
    if (!log || !review)
      throw new EbiError(
        "EBI_NOT_FOUND",
        "Practitioner-level talking-therapies figures are not served here.",
      );
    const path = (request.originalUrl ?? request.url).split("?")[0] ?? "";
    if (!request.principal) {
      if (html) {
        await reply.redirect(`/sign-in?returnTo=${encodeURIComponent(path)}`, 302);
        return null;
      }
      throw new EbiError("EBI_TT_SIGN_IN_REQUIRED", "Sign in to see practitioner-level figures.");
    }
    if (!mayReadService(request.principal, review.provider))
      throw new EbiError(
        "EBI_FORBIDDEN",
        `Practitioner-level figures of ${review.provider} are for its own staff and national users.`,
      );
    await log.record({
      kind: "read",
      actor: request.principal.userId,
      detail: {
        route: `${request.method} ${request.originalUrl ?? request.url}`.slice(0, 500),
        username: request.principal.username,
        organisations: [`provider|${review.provider}`],
        tables: [`talking-therapies/${table}`],
        unredacted: true,
        format: html ? "html" : requestedFormat(request),
      },
    });
    reply.header("cache-control", "private, no-store").header("ebi-classification", registeredMarking);
    return review;
  }

  const notes = (review: RegisteredReview, title: string): [string, string][] => [
    ["Table", title],
    ["Provider", review.provider],
    ["Period", `${review.period.from} to ${review.period.to}`],
    [
      "Attribution",
      review.attribution === "most-treatment"
        ? "each pathway belongs to the practitioner with the most attended treatment contacts in the period (ties: the one seen last)"
        : "each pathway belongs to the practitioner who gave its last attended treatment contact in the period",
    ],
    ["Built", review.createdAt],
    ["Method", "docs/talking-therapies.md, Practitioner dashboards"],
  ];

  const render = (template: string, context: Record<string, unknown>) =>
    env.render(template, {
      release: { manifest: { synthetic: true } },
      active: "talking-therapies",
      ...context,
    });

  app.get("/talking-therapies/practitioners", async (request, reply) => {
    const review = await authorise(request, reply, "practitioners", true);
    if (!review) return reply;
    const peers = peerRows(review);
    return reply.type("text/html; charset=utf-8").send(
      render("talking-therapies-registered.njk", {
        title: "Practitioner dashboards – NHS Talking Therapies",
        heading: "Practitioner dashboards",
        view: "peers",
        review,
        principal: request.principal,
        rows: peers,
        columns: practitionerColumns,
        svg: funnelSvg(peers),
        unqualified: review.practitioners.filter((p) =>
          /no IAPT qualification|No qualification/i.test(p.qualification),
        ),
      }),
    );
  });

  app.get<{ Params: { id: string } }>("/talking-therapies/practitioners/:id", async (request, reply) => {
    const review = await authorise(request, reply, "practitioners", true);
    if (!review) return reply;
    const row = review.practitioners.find((p) => p.practitioner === request.params.id);
    if (!row) throw new EbiError("EBI_NOT_FOUND", `No practitioner ${request.params.id} in this service.`);
    return reply.type("text/html; charset=utf-8").send(
      render("talking-therapies-registered.njk", {
        title: `Practitioner ${row.practitioner} – NHS Talking Therapies`,
        heading: `Practitioner ${row.practitioner}`,
        view: "practitioner",
        review,
        principal: request.principal,
        row,
        columns: practitionerColumns,
        atRisk: review.atRisk.filter((a) => a.practitioner === row.practitioner).slice(0, 100),
        atRiskColumns,
      }),
    );
  });

  app.get("/talking-therapies/at-risk", async (request, reply) => {
    const review = await authorise(request, reply, "at-risk", true);
    if (!review) return reply;
    return reply.type("text/html; charset=utf-8").send(
      render("talking-therapies-registered.njk", {
        title: "Recovery at risk – NHS Talking Therapies",
        heading: "Recovery at risk",
        view: "at-risk",
        review,
        principal: request.principal,
        atRisk: review.atRisk.slice(0, 200),
        atRiskTotal: review.atRisk.length,
        atRiskColumns,
      }),
    );
  });

  app.get<{ Params: { file: string } }>(
    "/api/v1/talking-therapies/registered/:file",
    { schema: ttRegisteredSchema },
    async (request, reply) => {
      // The server strips a .csv or .xlsx suffix from API paths; the format is read from the original URL.
      const match = /^(practitioners|at-risk)$/.exec(request.params.file);
      const format = requestedFormat(request);
      if (!match?.[1])
        throw new EbiError("EBI_NOT_FOUND", `No registered talking-therapies table ${request.params.file}.`);
      const table = match[1] as "practitioners" | "at-risk";
      const review = await authorise(request, reply, table, false);
      if (!review) return reply;
      const rows = (table === "practitioners" ? review.practitioners : review.atRisk) as unknown as Record<
        string,
        unknown
      >[];
      const columns = table === "practitioners" ? practitionerColumns : atRiskColumns;
      const title = table === "practitioners" ? "Practitioner dashboards" : "Recovery at risk";
      if (format === "csv")
        return reply
          .type("text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="talking-therapies-${table}.csv"`)
          .send(
            `${registeredMarking}\r\n${toCsv(
              rows,
              columns.map((c) => c.key),
            )}`,
          );
      if (format === "xlsx")
        return reply
          .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
          .header("content-disposition", `attachment; filename="talking-therapies-${table}.xlsx"`)
          .send(await tableXlsx(rows, columns, notes(review, title), registeredMarking));
      return {
        provider: review.provider,
        period: review.period,
        attribution: review.attribution,
        redaction: registeredMarking,
        rows,
      };
    },
  );
}

import type { FastifyInstance, FastifyRequest } from "fastify";
import { approvalRowsInScope } from "../../../access/approvalRows.ts";
import type { AuditTable } from "../../../approvals/auditFigures.ts";
import { latestAudit, type PublishedAudit } from "../../../approvals/auditStore.ts";
import { EbiError } from "../../../errors/index.ts";
import type { RegisteredAccess } from "../../../server/registeredAccess.ts";
import { registeredMarking, requestedFormat, toCsv, toXlsx } from "../../../server/tableResponse.ts";
import { createRenderer } from "../../../web/renderer.ts";

/** The pages of the approvals audit and the tables each shows, in order. */
const pages = {
  "": { title: "Prior approval audit", tables: ["commissioners", "providers", "unused_approvals"] },
  "challenge-list": { title: "Challenge list", tables: ["challenge_list"] },
  exceptions: { title: "Exceptions report", tables: ["exceptions_exceptions", "exceptions_monthly"] },
  sample: { title: "Case-note audit sample", tables: ["strata", "sample"] },
} as const;

/** One cell as a page shows it: fractions of compliance as percentages, money in pounds, blanks as a dash. */
function shown(column: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return "–";
  if (typeof value === "number") {
    if (/^compliance|rate|lower|upper|decline_rate/.test(column) && value <= 1)
      return `${(100 * value).toFixed(1)}%`;
    if (/cost/.test(column)) return `£${Math.round(value).toLocaleString("en-GB")}`;
    return value.toLocaleString("en-GB");
  }
  if (Array.isArray(value)) return value.join("; ");
  return String(value);
}

/** Rows a page shows of one table; the download holds them all. */
const pageRows = 200;

/**
 * The approvals audit for signed-in users (registered side only): `/approvals` (by commissioner and
 * provider, approvals never used), `/approvals/challenge-list`, `/approvals/exceptions`,
 * `/approvals/sample`, and `/api/v1/approvals/<table>` as JSON, CSV or XLSX. Every answer holds
 * only the rows of organisations in the user's scope, and each read is audited.
 */
export function approvalPages(app: FastifyInstance, access: RegisteredAccess): void {
  const env = createRenderer(app.siteFrame);
  // The latest published run, read again at most every 10 s (a new run is published by the CLI).
  let kept: { audit: PublishedAudit | null; until: number } | null = null;
  const audit = async () => {
    const now = Date.now();
    if (!kept || kept.until < now) kept = { audit: await latestAudit(access.state), until: now + 10_000 };
    return kept.audit;
  };
  const scoped = (request: FastifyRequest, table: AuditTable) =>
    request.side === "registered" ? approvalRowsInScope(table, request.scope) : [];

  for (const [slug, page] of Object.entries(pages)) {
    const path = slug ? `/approvals/${slug}` : "/approvals";
    app.get(path, async (request, reply) => {
      if (!request.principal) return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(path)}`);
      const run = await audit();
      const tables = page.tables.map((name) => {
        const table = run?.tables.find((t) => t.name === name);
        const rows = table ? scoped(request, table) : [];
        return {
          name,
          title: table?.title ?? name,
          columns: table?.columns ?? [],
          rows: rows.slice(0, pageRows).map((r) => (table?.columns ?? []).map((c) => shown(c, r[c]))),
          total: rows.length,
          patientLevel: Boolean(table?.patientLevel),
        };
      });
      return reply
        .code(200)
        .type("text/html; charset=utf-8")
        .header("cache-control", "private, no-store")
        .send(
          env.render("approvals.njk", {
            release: request.release,
            registeredAccess: true,
            principal: request.principal,
            title: page.title,
            run,
            tables,
            pages: Object.entries(pages).map(([s, p]) => ({
              href: s ? `/approvals/${s}` : "/approvals",
              title: p.title,
              current: s === slug,
            })),
            pageRows,
          }),
        );
    });
  }

  app.get<{ Params: { table: string } }>(
    "/api/v1/approvals/:table",
    {
      schema: {
        description:
          "A table of the latest published prior-approval audit (registered only): the rows of the organisations in the signed-in user's scope. Add .csv or .xlsx for a download.",
        tags: ["approvals"],
        params: { type: "object", properties: { table: { type: "string", maxLength: 40 } } },
      },
    },
    async (request, reply) => {
      if (!request.principal)
        throw new EbiError("EBI_SIGN_IN_REQUIRED", "The approvals audit is for signed-in NHS users only.");
      const run = await audit();
      if (!run) throw new EbiError("EBI_NOT_FOUND", "No approvals audit has been published yet.");
      const table = run.tables.find((t) => t.name === request.params.table);
      if (!table)
        throw new EbiError(
          "EBI_NOT_FOUND",
          `No approvals table ${request.params.table}: one of ${run.tables.map((t) => t.name).join(", ")}.`,
        );
      const rows = scoped(request, table);
      const format = requestedFormat(request);
      reply.header("cache-control", "private, no-store").header("ebi-classification", registeredMarking);
      if (format === "csv")
        return reply
          .type("text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="approvals-${table.name}.csv"`)
          .send(`${registeredMarking}\r\n${toCsv(rows, table.columns)}`);
      if (format === "xlsx")
        return reply
          .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
          .header("content-disposition", `attachment; filename="approvals-${table.name}.xlsx"`)
          .send(
            await toXlsx(
              rows,
              table.columns,
              request.release,
              table.title,
              request.server.service,
              registeredMarking,
            ),
          );
      return reply.type("application/json; charset=utf-8").send({
        classification: registeredMarking,
        audit: { id: run.id, period: run.period, published_at: run.publishedAt, provenance: run.provenance },
        table: table.name,
        title: table.title,
        patient_level: Boolean(table.patientLevel),
        columns: table.columns,
        items: rows,
      });
    },
  );
}

import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AuditLog } from "../audit/auditLog.ts";
import { type AuditFormat, auditListing, verifyAudit, whoSawReport } from "../audit/auditQueries.ts";
import { EbiError, isEbiError } from "../errors/index.ts";
import type { StateDb } from "../state/stateDb.ts";

const loopback = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * `/_control/audit/...`: the audit commands answered by the process that holds embedded state, for
 * loopback callers with the token from the workspace's `state/server.json` only.
 */
export function controlRoutes(app: FastifyInstance, state: StateDb, token: string, log?: AuditLog): void {
  const allowed = (request: FastifyRequest) => {
    const given = Buffer.from(String(request.headers.authorization ?? ""));
    const expected = Buffer.from(`Bearer ${token}`);
    return loopback.has(request.ip) && given.length === expected.length && timingSafeEqual(given, expected);
  };
  app.get<{ Params: { command: string }; Querystring: Record<string, string | undefined> }>(
    "/_control/audit/:command",
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      if (!allowed(request)) return reply.code(404).send({ status: 404, title: "Not found" });
      try {
        const q = request.query;
        const { command } = request.params;
        // What this process has queued is committed first, so a listing includes every read so far.
        await log?.flush();
        const text =
          command === "verify"
            ? await verifyAudit(state)
            : command === "list"
              ? await auditListing(state, (q.format ?? "csv") as AuditFormat, { from: q.from, to: q.to })
              : command === "report"
                ? await whoSawReport(state, q.month ?? "", q.org)
                : null;
        if (text === null) throw new EbiError("EBI_NOT_FOUND", `No audit command ${command}.`);
        return reply.type("text/plain; charset=utf-8").send(text);
      } catch (error) {
        if (!isEbiError(error)) throw error;
        return reply
          .code(error.status)
          .type("application/json")
          .send({ code: error.code, detail: error.message });
      }
    },
  );
}

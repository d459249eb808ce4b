import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { currentReads, ReadTracker } from "../../access/readTracker.ts";
import type { AuditLog } from "../../audit/auditLog.ts";
import { requestedFormat } from "../tableResponse.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** What this request read of the registered side (registered requests only). */
    reads: ReadTracker | null;
  }
  interface FastifyInstance {
    /** The audit log, or null when registered access is off. */
    auditLog: AuditLog | null;
  }
}

/**
 * Audit: a registered request runs with a read tracker that registered figures note themselves in;
 * before its answer leaves, one event (route, organisations, tables, whether anything hidden
 * publicly was returned) is queued in the log, which commits it within milliseconds in a batch. A
 * registered request is refused (503) while the log cannot write, so no read goes unrecorded.
 */
export const auditPlugin = fp(
  async (
    app: FastifyInstance,
    options: { log?: AuditLog | null; onGrantsUsed?: (ids: readonly string[]) => Promise<void> },
  ) => {
    const log = options.log ?? null;
    app.decorate("auditLog", log);
    app.decorateRequest("reads", null);
    if (!log) return;
    app.addHook("onRequest", (request, _reply, done) => {
      if (request.side !== "registered") return done();
      try {
        log.assertHealthy();
      } catch (error) {
        return done(error as Error);
      }
      const reads = new ReadTracker();
      request.reads = reads;
      currentReads.run(reads, done);
    });
    app.addHook("onSend", async (request, reply, payload) => {
      const reads = request.reads;
      if (!reads || reads.empty || reply.statusCode >= 400) return payload;
      const path = (request.originalUrl ?? request.url).split("?")[0] ?? "";
      const html = String(reply.getHeader("content-type") ?? "").startsWith("text/html");
      log.append({
        kind: "read",
        actor: request.principal?.userId ?? null,
        detail: {
          route: `${request.method} ${request.originalUrl ?? request.url}`.slice(0, 500),
          username: request.principal?.username,
          organisations: [...reads.organisations].sort(),
          tables: [...reads.tables].sort(),
          unredacted: reads.unredacted,
          format: html ? "html" : path.startsWith("/api/") ? requestedFormat(request) : "other",
          ...(request.scope.grants.length ? { grants: [...request.scope.grants] } : {}),
        },
      });
      if (request.scope.grants.length) await options.onGrantsUsed?.(request.scope.grants);
      return payload;
    });
  },
  { name: "ebi-audit", dependencies: ["ebi-release"] },
);

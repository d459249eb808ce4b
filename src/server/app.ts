import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { Type } from "@sinclair/typebox";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { touchGrants } from "../access/grants.ts";
import { policyStatement } from "../disclosure/policy.ts";
import { EbiError } from "../errors/index.ts";
import type { LoadedRelease } from "../release/readRelease.ts";
import { registerApiRoutes } from "./api/index.ts";
import { downloadSuffix } from "./api/tableRoute.ts";
import { auditPlugin } from "./plugins/auditPlugin.ts";
import { identityPlugin } from "./plugins/identityPlugin.ts";
import { releasePlugin } from "./plugins/releasePlugin.ts";
import {
  clientErrorHandler,
  nonFiniteParameter,
  type ProblemBody,
  problemFor,
  problemOf,
} from "./problem.ts";
import type { RegisteredAccess } from "./registeredAccess.ts";

const require = createRequire(import.meta.url);
const nhsukDist = join(dirname(require.resolve("nhsuk-frontend/package.json")), "dist", "nhsuk");
const webStatic = fileURLToPath(new URL("../web/static/", import.meta.url));

type PagesRegistrar = (app: FastifyInstance) => void;
let pagesLoading: Promise<PagesRegistrar> | null = null;

/**
 * Loads the pages' modules. They take a while (templates, charts), so `ebi serve` starts this while
 * DuckDB reads the release rather than after.
 */
export function loadPages(): Promise<PagesRegistrar> {
  pagesLoading ??= import("./pages/registerPages.ts").then((m) => m.registerPages);
  return pagesLoading;
}

/** Requests a minute one client may make before it is answered 429; `ebi serve --rate-limit`. */
export const defaultRateLimit = 100_000;

export interface AppOptions {
  release: LoadedRelease;
  logger?: boolean;
  /** Requests per minute per client address; 0 turns the limit off. */
  rateLimit?: number;
  /** Sign-in, the registered side and the audit log; without it every request is anonymous and public. */
  access?: RegisteredAccess;
}

/** Sends a problem as problem+json to programs and the API, as a short page to browsers. */
function answer(request: FastifyRequest, reply: FastifyReply, problem: ProblemBody): FastifyReply {
  if (request.url.startsWith("/api/") || !request.headers.accept?.includes("text/html"))
    return reply.code(problem.status).type("application/problem+json").send(problem);
  return reply
    .code(problem.status)
    .type("text/html")
    .send(
      `<!doctype html><html lang="en"><title>${problem.title}</title><h1>${problem.title}</h1><p>${problem.detail.replaceAll("<", "&lt;")}</p><p><a href="/">EBI Insight</a></p></html>`,
    );
}

/** The service: NHS.UK-styled pages and the /api/v1 API over one published release. */
export async function buildApp({
  release,
  logger = false,
  rateLimit: perMinute = defaultRateLimit,
  access,
}: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    ajv: { customOptions: { coerceTypes: true, useDefaults: true, removeAdditional: false } },
    rewriteUrl: (request) => downloadSuffix(request.url ?? "/"),
    clientErrorHandler,
    // A URL that cannot be decoded or a path segment over 100 characters, answered as any error.
    frameworkErrors: (error, request, reply) => {
      const { problem } = problemOf(error, request.url ?? "");
      void answer(request, reply, problem);
    },
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: { "script-src": ["'self'", "'unsafe-inline'"], "img-src": ["'self'", "data:"] },
    },
  });
  if (perMinute > 0) await app.register(rateLimit, { max: perMinute, timeWindow: "1 minute" });
  await app.register(swagger, {
    openapi: {
      info: {
        title: "EBI Insight API",
        version: "1",
        description: `Evidence-Based Interventions figures from the published release (${release.id}). Public side only, under the ${release.manifest.disclosure.policy_name ?? "disclosure rule"} recorded in its manifest: ${policyStatement(release.manifest.disclosure)}.`,
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs" });
  await app.register(fastifyStatic, { root: nhsukDist, prefix: "/assets/nhsuk/", decorateReply: false });
  if (existsSync(webStatic))
    await app.register(fastifyStatic, { root: webStatic, prefix: "/assets/ebi/", decorateReply: false });

  app.addHook("preHandler", async (request) => {
    // Ajv coerces `Infinity` and `1e309` to a number that passes `integer`: refuse them here.
    const parameter = nonFiniteParameter(request.query);
    if (parameter)
      throw new EbiError("EBI_INVALID_ARGUMENT", `Parameter \`${parameter}\`: must be a finite number`, {
        parameter,
      });
  });
  app.setErrorHandler((error: unknown, request, reply) => {
    const { problem, internal } = problemOf(error, request.url);
    if (internal) request.log.error(error);
    return answer(request, reply, problem);
  });
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith("/api/"))
      return reply
        .code(404)
        .type("application/problem+json")
        .send(problemFor("EBI_NOT_FOUND", `No route ${request.url}`, request.url));
    return reply
      .code(404)
      .type("text/html")
      .send(
        `<!doctype html><html lang="en"><title>Page not found</title><h1>Page not found</h1><p><a href="/">EBI Insight</a></p></html>`,
      );
  });

  app.get(
    "/healthz",
    {
      schema: {
        description: "Liveness: the service is up and serving this release",
        tags: ["release"],
        response: { 200: Type.Object({ status: Type.Literal("ok"), release: Type.String() }) },
      },
    },
    async (_request, reply) => {
      reply.header("cache-control", "no-store");
      return { status: "ok" as const, release: release.id };
    },
  );
  // One plugin per concern, in order: who is asking, what they may read, and the record of it.
  await app.register(identityPlugin, { sessions: access?.sessions, cookieName: access?.cookieName });
  await app.register(releasePlugin, { release, registered: access?.registered ?? null });
  await app.register(auditPlugin, {
    log: access?.audit ?? null,
    onGrantsUsed: access ? (ids) => touchGrants(access.state, access.clock, ids) : undefined,
  });
  if (access) await (await import("./pages/signInPages.ts")).signInPages(app, access);
  registerApiRoutes(app);
  await (await loadPages())(app);
  await app.register((await import("./pages/talkingTherapiesPages.ts")).talkingTherapiesPages);
  await app.register((await import("./pages/plannedCarePages.ts")).plannedCarePages, { access });
  return app;
}

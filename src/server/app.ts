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
import Fastify, { type FastifyInstance } from "fastify";
import { policyStatement } from "../disclosure/policy.ts";
import { errorCodes, isEbiError } from "../errors/index.ts";
import type { LoadedRelease } from "../release/readRelease.ts";
import { registerApiRoutes } from "./api/index.ts";
import { downloadSuffix } from "./api/tableRoute.ts";

const require = createRequire(import.meta.url);
const nhsukDist = join(dirname(require.resolve("nhsuk-frontend/package.json")), "dist", "nhsuk");
const webStatic = fileURLToPath(new URL("../web/static/", import.meta.url));

type PagesRegistrar = (app: FastifyInstance, release: LoadedRelease) => void;
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
}

/** The service: NHS.UK-styled pages and the /api/v1 API over one published release. */
export async function buildApp({
  release,
  logger = false,
  rateLimit: perMinute = defaultRateLimit,
}: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    ajv: { customOptions: { coerceTypes: true, useDefaults: true, removeAdditional: false } },
    rewriteUrl: (request) => downloadSuffix(request.url ?? "/"),
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

  app.setErrorHandler((error: unknown, request, reply) => {
    const api = request.url.startsWith("/api/");
    const validation = (
      error as {
        validation?: {
          instancePath?: string;
          params?: { missingProperty?: string; allowedValue?: unknown; additionalProperty?: string };
          message?: string;
        }[];
      }
    ).validation;
    let status = 500;
    let title = "Internal error";
    let detail = "Something went wrong; it has been logged.";
    let parameter: string | undefined;
    if (validation) {
      status = 400;
      title = "Invalid parameter";
      const first = validation[0];
      parameter = first?.params?.missingProperty ?? (first?.instancePath?.replace(/^\//, "") || undefined);
      // A choice (a union of literals) fails once per literal: name them all instead.
      const allowed = validation
        .filter((v) => v.instancePath === first?.instancePath && v.params?.allowedValue !== undefined)
        .map((v) => String(v.params?.allowedValue));
      const message = allowed.length > 1 ? `must be one of ${allowed.join(", ")}` : first?.message;
      detail = `${parameter ? `Parameter \`${parameter}\`: ` : ""}${message ?? (error as Error).message}`;
    } else if (isEbiError(error)) {
      status = error.status;
      title = errorCodes[error.code].title;
      detail = error.message;
      const named = (error.details as { parameter?: unknown } | undefined)?.parameter;
      if (typeof named === "string") parameter = named;
    } else {
      const code = (error as { statusCode?: number }).statusCode;
      if (code && code >= 400 && code < 500) {
        status = code;
        title = code === 429 ? "Too many requests" : "Bad request";
        detail = (error as Error).message;
      } else request.log.error(error);
    }
    if (api || !request.headers.accept?.includes("text/html")) {
      return reply
        .code(status)
        .type("application/problem+json")
        .send({
          type: `https://ebi-insight.example/errors/${status}`,
          title,
          status,
          detail,
          instance: request.url,
          ...(parameter ? { parameter } : {}),
        });
    }
    return reply
      .code(status)
      .type("text/html")
      .send(
        `<!doctype html><html lang="en"><title>${title}</title><h1>${title}</h1><p>${detail.replaceAll("<", "&lt;")}</p><p><a href="/">EBI Insight</a></p></html>`,
      );
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .type(request.url.startsWith("/api/") ? "application/problem+json" : "text/html")
      .send(
        request.url.startsWith("/api/")
          ? {
              type: "https://ebi-insight.example/errors/404",
              title: "Not found",
              status: 404,
              detail: `No route ${request.url}`,
              instance: request.url,
            }
          : `<!doctype html><html lang="en"><title>Page not found</title><h1>Page not found</h1><p><a href="/">EBI Insight</a></p></html>`,
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
  registerApiRoutes(app, release);
  await (await loadPages())(app, release);
  return app;
}

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { constants as zlibConstants } from "node:zlib";
import compress from "@fastify/compress";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { Type } from "@sinclair/typebox";
import Fastify, { type FastifyInstance } from "fastify";
import { touchGrants } from "../access/grants.ts";
import { policyStatement } from "../disclosure/policy.ts";
import type { ServedRelease } from "../release/servedRelease.ts";
import { type SiteFrame, siteNavigation } from "../web/renderer.ts";
import { releaseRoutes } from "./api/release.ts";
import { downloadSuffix } from "./api/tableRoute.ts";
import { errorPage } from "./pages/errorPage.ts";
import { auditPlugin } from "./plugins/auditPlugin.ts";
import { answerProblem, errorsPlugin, type ProblemPage } from "./plugins/errorsPlugin.ts";
import { identityPlugin } from "./plugins/identityPlugin.ts";
import { releasePlugin, type ScopeRelease } from "./plugins/releasePlugin.ts";
import { clientErrorHandler, problemOf } from "./problem.ts";
import type { RegisteredAccess } from "./registeredAccess.ts";
import type { ServedProduct, ServiceIdentity } from "./servedProduct.ts";

const require = createRequire(import.meta.url);
const nhsukDist = join(dirname(require.resolve("nhsuk-frontend/package.json")), "dist", "nhsuk");
const webStatic = fileURLToPath(new URL("../web/static/", import.meta.url));

/** Requests a minute one client may make before it is answered 429; `ebi serve --rate-limit`. */
export const defaultRateLimit = 100_000;

export interface AppOptions {
  release: ServedRelease;
  /** The products served, in the order of their header links; each registers its own routes and pages. */
  products: readonly ServedProduct[];
  /** The service's name and what its API serves. */
  service: ServiceIdentity;
  logger?: boolean;
  /** Requests per minute per client address; 0 turns the limit off. */
  rateLimit?: number;
  /** Sign-in, the registered side and the audit log; without it every request is anonymous and public. */
  access?: RegisteredAccess;
  /** Scopes the release to a signed-in user (the product that built it gives it); needed with `access`. */
  scopeRelease?: ScopeRelease;
}

declare module "fastify" {
  interface FastifyInstance {
    /** The service's name and header links, for every page's renderer. */
    siteFrame: SiteFrame;
    /** The service's name and what its releases hold, for downloads. */
    service: ServiceIdentity;
  }
}

/** The service: NHS.UK-styled pages and the /api/v1 API of each product over one published release. */
export async function buildServer({
  release,
  products,
  service,
  logger = false,
  rateLimit: perMinute = defaultRateLimit,
  access,
  scopeRelease,
}: AppOptions): Promise<FastifyInstance> {
  const siteFrame: SiteFrame = {
    serviceName: service.name,
    countingUnit: service.countingUnit,
    navigation: siteNavigation(products.map((p) => p.navigation)),
    templates: products.flatMap((p) => (p.templates ? [p.templates] : [])),
  };
  // Every product's modules load together (templates, charts) rather than one after another.
  const registrations = Promise.all(products.map((p) => p.loadRoutes()));
  const problemPage: ProblemPage = (request, problem) =>
    errorPage(request.release ?? release, problem, siteFrame);
  const app = Fastify({
    logger,
    ajv: { customOptions: { coerceTypes: true, useDefaults: true, removeAdditional: false } },
    rewriteUrl: (request) => downloadSuffix(request.url ?? "/"),
    clientErrorHandler,
    // A URL that cannot be decoded or a path segment over 100 characters, answered as any error.
    frameworkErrors: (error, request, reply) => {
      const { problem } = problemOf(error, request.url ?? "");
      void answerProblem(request, reply, problem, problemPage);
    },
  });
  app.decorate("siteFrame", siteFrame);
  app.decorate("service", service);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: { "script-src": ["'self'", "'unsafe-inline'"], "img-src": ["'self'", "data:"] },
    },
  });
  // Anything not already sent compressed (pages, table answers and stylesheets are kept encoded) is
  // compressed as it goes: the API documentation, error pages, single-item answers.
  await app.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ["br", "gzip"],
    brotliOptions: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } },
  });
  if (perMinute > 0) await app.register(rateLimit, { max: perMinute, timeWindow: "1 minute" });
  await app.register(swagger, {
    openapi: {
      info: {
        title: `${service.name} API`,
        version: "1",
        description: `${service.apiSubject} from the published release (${release.id}). Public side only, under the ${release.manifest.disclosure.policy_name ?? "disclosure rule"} recorded in its manifest: ${policyStatement(release.manifest.disclosure)}.`,
      },
    },
  });
  // The interactive explorer; /api/docs is the service's own accessible reference page.
  await app.register(swaggerUi, { routePrefix: "/api/explorer" });
  app.get("/api/docs/json", { schema: { hide: true } }, async (_request, reply) => {
    reply.header("cache-control", "public, max-age=300");
    return app.swagger();
  });
  await app.register(fastifyStatic, { root: nhsukDist, prefix: "/assets/nhsuk/", decorateReply: false });
  if (existsSync(webStatic))
    await app.register(fastifyStatic, { root: webStatic, prefix: "/assets/ebi/", decorateReply: false });

  await app.register(errorsPlugin, { page: problemPage });

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
  await app.register(releasePlugin, { release, registered: access?.registered ?? null, scopeRelease });
  await app.register(auditPlugin, {
    log: access?.audit ?? null,
    onGrantsUsed: access ? (ids) => touchGrants(access.state, access.clock, ids) : undefined,
  });
  if (access) await (await import("./pages/signInPages.ts")).signInPages(app, access);
  releaseRoutes(app);
  for (const register of await registrations) await register(app, { access });
  return app;
}

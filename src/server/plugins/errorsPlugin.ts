import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { EbiError } from "../../errors/index.ts";
import { nonFiniteParameter, type ProblemBody, problemFor, problemOf } from "../problem.ts";

/**
 * A problem as the client asked for it: problem+json for the API and for programs, a short HTML
 * page for a browser. `home` names the link back to the service's front page.
 */
export function answerProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: ProblemBody,
  home: string,
): FastifyReply {
  if (request.url.startsWith("/api/") || !request.headers.accept?.includes("text/html"))
    return reply.code(problem.status).type("application/problem+json").send(problem);
  return reply
    .code(problem.status)
    .type("text/html")
    .send(
      `<!doctype html><html lang="en"><title>${problem.title}</title><h1>${problem.title}</h1><p>${problem.detail.replaceAll("<", "&lt;")}</p><p><a href="/">${home}</a></p></html>`,
    );
}

/**
 * Errors: every error a route or Fastify raises is answered as a problem carrying the catalogue's
 * code (src/server/problem.ts); an unknown route is EBI_NOT_FOUND; a query number that is not
 * finite is refused before any route runs. Internal errors are logged, never shown.
 */
export const errorsPlugin = fp(async (app: FastifyInstance, options: { home: string }) => {
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
    return answerProblem(request, reply, problem, options.home);
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
        `<!doctype html><html lang="en"><title>Page not found</title><h1>Page not found</h1><p><a href="/">${options.home}</a></p></html>`,
      );
  });
});

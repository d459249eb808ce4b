import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { EbiError } from "../../errors/index.ts";
import { nonFiniteParameter, type ProblemBody, problemFor, problemOf } from "../problem.ts";

/** Renders a problem as a whole page for a browser (the service's own header and navigation). */
export type ProblemPage = (request: FastifyRequest, problem: ProblemBody) => string;

/**
 * A problem as the client asked for it: problem+json for the API and for programs, a page for a
 * browser; pages are never cached, so a passing fault does not stick.
 */
export function answerProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: ProblemBody,
  page: ProblemPage,
): FastifyReply {
  if (request.url.startsWith("/api/") || !request.headers.accept?.includes("text/html"))
    return reply.code(problem.status).type("application/problem+json").send(problem);
  return reply
    .code(problem.status)
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .send(page(request, problem));
}

/**
 * Errors: every error a route or Fastify raises is answered as a problem carrying the catalogue's
 * code (src/server/problem.ts); an unknown route is EBI_NOT_FOUND; a query number that is not
 * finite is refused before any route runs. Internal errors are logged, never shown.
 */
export const errorsPlugin = fp(async (app: FastifyInstance, options: { page: ProblemPage }) => {
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
    return answerProblem(request, reply, problem, options.page);
  });
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith("/api/"))
      return reply
        .code(404)
        .type("application/problem+json")
        .send(problemFor("EBI_NOT_FOUND", `No route ${request.url}`, request.url));
    const problem = problemFor(
      "EBI_NOT_FOUND",
      `There is no page at ${request.url.split("?")[0]}.`,
      request.url,
    );
    return answerProblem(request, reply, problem, options.page);
  });
});

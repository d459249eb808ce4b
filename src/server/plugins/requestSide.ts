import type { FastifyRequest } from "fastify";

/** Which side of the release a request reads: the public one, or public merged with registered figures in scope. */
export type Side = "public" | "registered";

/**
 * The Cache-Control of an answer: a public answer to an anonymous request may sit in shared caches;
 * anything a signed-in user gets, or anything with registered figures, is private and not stored.
 */
export function cacheControl(request: FastifyRequest): string {
  return request.side === "public" && !request.principal ? "public, max-age=300" : "private, no-store";
}

/** The part of a cache key or ETag that names what the request may see ("public", or its scope's key). */
export function viewTag(request: FastifyRequest): string {
  return request.side === "public" ? "public" : `scope-${request.scope.key}`;
}

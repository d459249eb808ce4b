import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Principal, Scope } from "../../access/principal.ts";
import { scopeOf } from "../../access/scopeOf.ts";
import { EbiError } from "../../errors/index.ts";
import type { ActiveGrant } from "../../identity/sessions.ts";
import type { ServedRelease } from "../../release/servedRelease.ts";
import { cacheControl, type Side } from "./requestSide.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The release as this request may read it. */
    release: ServedRelease;
    /** The public side, whatever this request may read: to mark what the public sees hidden. */
    publicRelease: ServedRelease;
    side: Side;
    scope: Scope;
  }
  interface FastifyInstance {
    /** True when the service serves a registered side (pages offer sign-in). */
    registeredAccess: boolean;
  }
}

const publicScope: Scope = { keys: new Set(), key: "public", grants: [] };

/**
 * The release one scope may read: the public side with the registered figures of the organisations
 * in `scope` merged in. The product whose build wrote the release gives it (it knows its tables).
 */
export type ScopeRelease = (
  published: ServedRelease,
  registered: ServedRelease,
  scope: Scope,
) => ServedRelease;

/**
 * Releases: each request reads the release through `request.release`, the public side for
 * anonymous users and for signed-in users with nothing in scope, else the public side with the
 * registered figures of the organisations in their scope merged in (one view per scope, kept).
 */
export const releasePlugin = fp(
  async (
    app: FastifyInstance,
    options: { release: ServedRelease; registered?: ServedRelease | null; scopeRelease?: ScopeRelease },
  ) => {
    const { release, registered, scopeRelease } = options;
    if (registered && !scopeRelease)
      throw new EbiError("EBI_INTERNAL", "A registered side is served with no way to scope it to a user.");
    app.decorateRequest("release", null as unknown as ServedRelease);
    app.decorateRequest("publicRelease", null as unknown as ServedRelease);
    app.decorateRequest("side", "public");
    app.decorateRequest("scope", null as unknown as Scope);
    app.decorate("registeredAccess", Boolean(registered));
    const views = new Map<string, ServedRelease>();
    // A session lookup hands every request of its few seconds the same principal and grants
    // objects, so their scope is worked out once; a new lookup (sign-out, new grant) makes new ones.
    const scopes = new WeakMap<object, { grants: readonly ActiveGrant[]; scope: Scope }>();
    const scopeFor = (principal: Principal, grants: readonly ActiveGrant[]): Scope => {
      const known = scopes.get(principal);
      if (known && known.grants === grants) return known.scope;
      const scope = scopeOf(principal, release.organisations, release.childrenOf, grants);
      scopes.set(principal, { grants, scope });
      return scope;
    };
    app.addHook("onRequest", async (request) => {
      request.release = release;
      request.publicRelease = release;
      request.scope = publicScope;
      if (!registered || !request.principal) return;
      const scope = scopeFor(request.principal, request.session?.grants ?? []);
      request.scope = scope;
      if (scope.keys.size === 0) return;
      let view = views.get(scope.key);
      if (!view) {
        view = (scopeRelease as ScopeRelease)(release, registered, scope);
        if (views.size >= 200) views.delete(views.keys().next().value as string);
        views.set(scope.key, view);
      }
      request.release = view;
      request.side = "registered";
    });
    // Whatever a route set, nothing a signed-in user gets is stored in a shared cache, and a cache
    // must not answer one person's request with another's (or an anonymous) copy.
    app.addHook("onSend", async (request, reply, payload) => {
      if (registered) {
        const vary = reply.getHeader("vary");
        reply.header("vary", vary ? `${String(vary)}, cookie` : "cookie");
      }
      if (request.principal || request.side !== "public")
        reply.header("cache-control", cacheControl(request));
      return payload;
    });
  },
  { name: "ebi-release", dependencies: ["ebi-identity"] },
);

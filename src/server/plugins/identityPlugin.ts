import cookie from "@fastify/cookie";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Principal } from "../../access/principal.ts";
import type { ActiveGrant, SessionStore } from "../../identity/sessions.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in user, or null (anonymous). */
    principal: Principal | null;
    /** The session's id hash (for form tokens) and its grants in force; null when anonymous. */
    session: { idHash: string; grants: ActiveGrant[] } | null;
  }
}

/** The session cookie's name: `__Host-` (Secure, whole site, no Domain) when served over HTTPS. */
export const sessionCookieName = (https: boolean) => (https ? "__Host-ebi_session" : "ebi_session");

/**
 * Identity: every request gets its principal from the session cookie (anonymous when there is none,
 * or it is unknown, forged, expired or idle too long). Without `sessions`, every request is anonymous.
 */
export const identityPlugin = fp(
  async (app: FastifyInstance, options: { sessions?: SessionStore; cookieName?: string }) => {
    await app.register(cookie);
    app.decorateRequest("principal", null);
    app.decorateRequest("session", null);
    const { sessions } = options;
    if (!sessions) return;
    const name = options.cookieName ?? sessionCookieName(false);
    app.addHook("onRequest", async (request) => {
      const token = request.cookies[name];
      if (!token) return;
      const live = await sessions.lookup(token);
      if (!live) return;
      request.principal = live.principal;
      request.session = { idHash: live.idHash, grants: live.grants };
    });
  },
  { name: "ebi-identity" },
);

import formbody from "@fastify/formbody";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { scopeOf } from "../../access/scopeOf.ts";
import { EbiError, isEbiError } from "../../errors/index.ts";
import { userFromClaims } from "../../identity/claimMapping.ts";
import { csrfToken, csrfValid } from "../../identity/csrf.ts";
import { demoUsers } from "../../identity/demoUsers.ts";
import { verifyPassword } from "../../identity/passwords.ts";
import { safeReturnTo } from "../../identity/returnTo.ts";
import { findUser, findUserByUsername, principalOf, upsertUser } from "../../identity/users.ts";
import { createRenderer } from "../../web/renderer.ts";
import type { RegisteredAccess } from "../registeredAccess.ts";
import { grantPages } from "./grantPages.ts";

const signInCookie = "ebi_sign_in";
const signInTtlMs = 10 * 60_000;

/** The form token of a signed-in request (bound to its session). */
export const sessionCsrf = (access: RegisteredAccess, request: FastifyRequest) =>
  request.session ? csrfToken(access.secret, `session|${request.session.idHash}`) : "";

/** Refuses a form whose token does not belong to the request's session. */
export function checkSessionForm(access: RegisteredAccess, request: FastifyRequest): void {
  const token = (request.body as Record<string, unknown> | undefined)?._csrf;
  if (!request.session || !csrfValid(access.secret, `session|${request.session.idHash}`, token))
    throw new EbiError("EBI_CSRF", "This form's token is missing or belongs to another session.");
}

/**
 * Sign-in and sign-out: `/sign-in` starts the authorization-code flow (PKCE, state bound to this
 * browser by a short cookie), `/sign-in/callback` finishes it and opens a new session, the built-in
 * provider's login form is `/sign-in/provider/<uid>`, `/sign-out` ends the session, `/account` shows
 * who the user is and what they may see.
 */
export async function signInPages(app: FastifyInstance, access: RegisteredAccess): Promise<void> {
  const env = createRenderer(app.siteFrame);
  const cookieOptions = { path: "/", httpOnly: true, sameSite: "lax" as const, secure: access.secureCookies };
  const release = access.registered;
  const html = (reply: FastifyReply, template: string, context: Record<string, unknown>, status = 200) =>
    reply
      .code(status)
      .type("text/html; charset=utf-8")
      .header("cache-control", "private, no-store")
      .send(env.render(template, { release, registeredAccess: true, ...context }));
  const clientKey = (request: FastifyRequest) => `ip|${request.ip}`;
  const inProcessFetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const response = await app.inject({
      method: (init?.method ?? "GET") as "GET",
      url: `${url.pathname}${url.search}`,
      // The provider builds its endpoints' URLs from the host and scheme a request was sent to.
      headers: {
        ...Object.fromEntries(
          Array.from(new Headers(init?.headers) as unknown as Iterable<[string, string]>),
        ),
        host: url.host,
        "x-forwarded-proto": url.protocol.replace(":", ""),
      },
      ...(init?.body ? { payload: String(init.body) } : {}),
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(response.headers))
      if (v !== undefined && k !== "set-cookie") headers.set(k, String(v));
    const body =
      response.statusCode === 204 || response.statusCode === 304 ? null : new Uint8Array(response.rawPayload);
    return new Response(body, {
      status: response.statusCode,
      headers,
    });
  };
  const rp = () => access.relyingParty(access.builtin ? inProcessFetch : undefined);
  const fail = async (request: FastifyRequest, reply: FastifyReply, reason: string, username?: string) => {
    await access.audit.record({
      kind: "sign-in-failed",
      actor: null,
      detail: { username, reason, ip: request.ip },
    });
    return html(
      reply,
      "message.njk",
      {
        title: "Sign-in failed",
        heading: "Sign-in failed",
        text: reason,
        link: { href: "/sign-in", text: "Try again" },
      },
      401,
    );
  };

  await app.register(async (forms) => {
    await forms.register(formbody);

    forms.get<{ Querystring: { returnTo?: string } }>("/sign-in", async (request, reply) => {
      if (!access.starts.allow(clientKey(request)))
        throw new EbiError(
          "EBI_SIGN_IN_RATE_LIMITED",
          "Too many sign-in attempts from this address; wait a few minutes.",
        );
      // The built-in provider asks every time, so signing out and in again can change user.
      const started = await rp().start(
        `${access.publicUrl}/sign-in/callback`,
        access.builtin ? { prompt: "login" } : {},
      );
      await access.state.query("DELETE FROM sign_in_requests WHERE created_at < $1", [
        new Date(access.clock.now().getTime() - signInTtlMs).toISOString(),
      ]);
      await access.state.query(
        "INSERT INTO sign_in_requests (state, code_verifier, nonce, return_to, created_at) VALUES ($1, $2, $3, $4, $5)",
        [
          started.state,
          started.codeVerifier,
          started.nonce,
          safeReturnTo(request.query.returnTo),
          access.clock.now().toISOString(),
        ],
      );
      // The built-in provider keeps no login of its own between sign-ins: each one asks afresh.
      if (access.builtin)
        for (const name of ["_session", "_session.sig", "_session.legacy", "_session.legacy.sig"])
          if (request.cookies[name] !== undefined) reply.clearCookie(name, { path: "/" });
      return reply
        .setCookie(signInCookie, started.state, { ...cookieOptions, maxAge: signInTtlMs / 1000 })
        .header("cache-control", "no-store")
        .redirect(started.url);
    });

    forms.get<{ Querystring: { state?: string; error?: string; error_description?: string } }>(
      "/sign-in/callback",
      async (request, reply) => {
        const state = request.query.state ?? "";
        const [pending] = state
          ? await access.state.query<{
              code_verifier: string;
              nonce: string;
              return_to: string;
              created_at: unknown;
            }>(
              "DELETE FROM sign_in_requests WHERE state = $1 RETURNING code_verifier, nonce, return_to, created_at",
              [state],
            )
          : [];
        reply.clearCookie(signInCookie, { path: "/" });
        if (request.query.error)
          return fail(
            request,
            reply,
            `The identity provider said: ${request.query.error_description ?? request.query.error}`,
          );
        // The state must be the one this browser was sent off with, and recent: no one else's sign-in can be finished here.
        if (!pending || request.cookies[signInCookie] !== state)
          return fail(request, reply, "This sign-in was not started in this browser, or was already used.");
        if (access.clock.now().getTime() - new Date(pending.created_at as string).getTime() > signInTtlMs)
          return fail(request, reply, "This sign-in took too long; start again.");
        let principal: ReturnType<typeof principalOf>;
        try {
          const claims = await rp().finish(new URL(request.url, access.publicUrl), {
            state,
            codeVerifier: pending.code_verifier,
            nonce: pending.nonce,
          });
          const claimed = userFromClaims(claims, access.claims, release.organisations);
          const source = access.builtin
            ? "builtin"
            : access.identity.kind === "oidc"
              ? access.identity.provider.issuer
              : "builtin";
          const user = access.builtin
            ? await findUser(access.state, claimed.subject)
            : await upsertUser(access.state, access.clock, { ...claimed, source });
          if (!user) throw new EbiError("EBI_SIGN_IN_FAILED", "No such account.");
          principal = principalOf(user);
        } catch (error) {
          if (isEbiError(error)) return fail(request, reply, error.message);
          throw error;
        }
        // A new session id on every sign-in; whatever session this browser had before is ended.
        await access.sessions.destroy(request.cookies[access.cookieName]);
        const token = await access.sessions.create(principal);
        await access.state.query("UPDATE users SET last_seen_at = $2 WHERE id = $1", [
          principal.userId,
          access.clock.now().toISOString(),
        ]);
        await access.audit.record({
          kind: "sign-in",
          actor: principal.userId,
          detail: {
            username: principal.username,
            organisations: principal.orgCode ? [principal.orgCode] : [],
            role: principal.role,
            source: principal.source,
          },
        });
        return reply
          .setCookie(access.cookieName, token, {
            ...cookieOptions,
            maxAge: access.sessions.timeouts.absoluteMinutes * 60,
          })
          .header("cache-control", "no-store")
          .redirect(pending.return_to);
      },
    );

    if (access.builtin) {
      const provider = access.builtin;
      const demo = access.identity.kind === "builtin" && access.identity.demo;
      const form = async (
        request: FastifyRequest<{ Params: { uid: string } }>,
        reply: FastifyReply,
        error?: string,
        status = 200,
      ) => {
        const { uid } = await provider.interaction(request.raw, reply.raw);
        return html(
          reply,
          "signIn.njk",
          {
            title: "Sign in",
            action: `/sign-in/provider/${uid}`,
            csrf: csrfToken(access.secret, `interaction|${uid}`),
            error,
            demoUsers: demo ? demoUsers(release.organisations) : [],
          },
          status,
        );
      };
      forms.get<{ Params: { uid: string } }>("/sign-in/provider/:uid", (request, reply) =>
        form(request, reply),
      );
      forms.post<{ Params: { uid: string }; Body: { username?: string; password?: string; _csrf?: string } }>(
        "/sign-in/provider/:uid",
        async (request, reply) => {
          const { uid } = await provider.interaction(request.raw, reply.raw);
          if (
            uid !== request.params.uid ||
            !csrfValid(access.secret, `interaction|${uid}`, request.body?._csrf)
          )
            throw new EbiError(
              "EBI_CSRF",
              "This sign-in form's token is missing or belongs to another sign-in.",
            );
          const username = String(request.body?.username ?? "")
            .trim()
            .slice(0, 200);
          const userKey = `user|${username.toLowerCase()}`;
          if (access.userFailures.blocked(userKey) || access.addressFailures.blocked(clientKey(request))) {
            await access.audit.record({
              kind: "sign-in-failed",
              actor: null,
              detail: { username, reason: "rate limited", ip: request.ip },
            });
            throw new EbiError("EBI_SIGN_IN_RATE_LIMITED", "Too many failed sign-ins; wait a few minutes.");
          }
          const user = username ? await findUserByUsername(access.state, username) : null;
          const ok =
            user !== null &&
            ((user.source === "demo" && demo) ||
              (user.source === "local" &&
                user.password_hash !== null &&
                (await verifyPassword(String(request.body?.password ?? ""), user.password_hash))));
          if (!ok || !user) {
            access.userFailures.count(userKey);
            access.addressFailures.count(clientKey(request));
            await access.audit.record({
              kind: "sign-in-failed",
              actor: null,
              detail: { username, reason: "unknown user or wrong password", ip: request.ip },
            });
            return form(request, reply, "The username or password is not right.", 401);
          }
          return reply.redirect(await provider.finishLogin(request.raw, reply.raw, user.id));
        },
      );
    }

    forms.post("/sign-out", async (request, reply) => {
      if (request.principal) {
        checkSessionForm(access, request);
        await access.sessions.destroy(request.cookies[access.cookieName]);
        await access.audit.record({
          kind: "sign-out",
          actor: request.principal.userId,
          detail: { username: request.principal.username },
        });
      }
      return reply
        .clearCookie(access.cookieName, { path: "/" })
        .header("cache-control", "no-store")
        .redirect("/");
    });

    grantPages(forms, access, html);

    forms.get("/account", async (request, reply) => {
      if (!request.principal) return reply.redirect(`/sign-in?returnTo=${encodeURIComponent("/account")}`);
      const scope = scopeOf(
        request.principal,
        release.organisations,
        release.childrenOf,
        request.session?.grants ?? [],
      );
      const orgs = release.organisations.filter((o) => scope.keys.has(`${o.level}|${o.org_code}`));
      return html(reply, "account.njk", {
        title: "Your account",
        principal: request.principal,
        csrf: sessionCsrf(access, request),
        organisations: orgs.slice(0, 500),
        more: Math.max(0, orgs.length - 500),
        grants: request.session?.grants ?? [],
      });
    });
  });

  if (access.builtin) {
    const provider = access.builtin;
    // The provider parses its own request bodies: nothing here may read the stream first.
    await app.register(async (mount) => {
      mount.removeAllContentTypeParsers();
      mount.addContentTypeParser("*", (_request, _payload, done) => done(null));
      const handle = (request: FastifyRequest, reply: FastifyReply) => {
        reply.hijack();
        provider.handle(request.raw, reply.raw);
      };
      const path = new URL(provider.issuer).pathname;
      mount.all(path, handle);
      mount.all(`${path}/*`, handle);
    });
  }
}

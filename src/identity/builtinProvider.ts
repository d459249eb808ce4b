import type { IncomingMessage, ServerResponse } from "node:http";
import type { Configuration, KoaContextWithOIDC } from "oidc-provider";
import type { StateDb } from "../state/stateDb.ts";
import { providerStore } from "./providerStore.ts";
import { findUser } from "./users.ts";

/** The built-in provider's one client: this service, signing in its own users. */
export const builtinClientId = "ebi-insight";

export interface BuiltinProvider {
  issuer: string;
  clientSecret: string;
  /** Handles a request under the issuer's path (`/oidc/...`): Node's request and response, as mounted. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** The interaction a sign-in form belongs to (its uid and whether it is a login prompt). */
  interaction(req: IncomingMessage, res: ServerResponse): Promise<{ uid: string; prompt: string }>;
  /** Finishes a login interaction for a user; the URL to send the browser on to. */
  finishLogin(req: IncomingMessage, res: ServerResponse, accountId: string): Promise<string>;
  /** Ends an interaction with an error; the URL to send the browser on to. */
  abort(req: IncomingMessage, res: ServerResponse, error: string, description: string): Promise<string>;
}

/**
 * A real OpenID Connect provider (oidc-provider) mounted at `${publicUrl}/oidc`: authorization code
 * with PKCE required, one confidential client (this service), accounts from the `users` table. Its
 * login form is this service's own page (`/sign-in/provider/<uid>`). Its interactions, sessions
 * and codes are kept in the state database, so replicas behind one address share them.
 */
export async function createBuiltinProvider(options: {
  publicUrl: string;
  db: StateDb;
  /** Signs the provider's cookies; shared by replicas through the state database. */
  secret: string;
  /** The provider's signing key (a private JWK); shared by replicas through the state database. */
  signingKey: Record<string, unknown>;
}): Promise<BuiltinProvider> {
  const { default: Provider } = await import("oidc-provider");
  const issuer = `${options.publicUrl.replace(/\/$/, "")}/oidc`;
  const clientSecret = `${options.secret}-client`;
  const configuration: Configuration = {
    adapter: providerStore(options.db),
    clients: [
      {
        client_id: builtinClientId,
        client_secret: clientSecret,
        redirect_uris: [`${options.publicUrl.replace(/\/$/, "")}/sign-in/callback`],
        post_logout_redirect_uris: [`${options.publicUrl.replace(/\/$/, "")}/`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    pkce: { required: () => true },
    jwks: { keys: [options.signingKey as never] },
    cookies: { keys: [options.secret], long: { signed: true }, short: { signed: true } },
    claims: {
      openid: ["sub"],
      profile: ["name", "preferred_username", "org_code", "org_type", "role"],
    },
    // The ID token carries the profile, so this service needs no userinfo call.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: false } },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction) => `/sign-in/provider/${interaction.uid}` },
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AuthorizationCode: 60,
      IdToken: 300,
      AccessToken: 300,
    },
    // This service is the provider's only client: consent is implied, never asked.
    loadExistingGrant: async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      const clientId = ctx.oidc.client?.clientId;
      if (!accountId || !clientId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId });
      grant.addOIDCScope("openid profile");
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx, sub) => {
      const user = await findUser(options.db, sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          name: user.name,
          preferred_username: user.username,
          org_code: user.org_code ?? undefined,
          org_type: user.org_type ?? undefined,
          role: user.role,
        }),
      };
    },
    renderError: async (ctx, out) => {
      ctx.type = "html";
      const esc = (s: unknown) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      ctx.body = `<!doctype html><html lang="en"><title>Sign-in error</title><h1>Sign-in error</h1><p>${esc(out.error)}: ${esc(out.error_description)}</p><p><a href="/sign-in">Try again</a></p></html>`;
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.proxy = true;
  const callback = provider.callback();
  const mount = new URL(issuer).pathname;
  return {
    issuer,
    clientSecret,
    handle(req, res) {
      const url = req.url ?? "/";
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = url;
      req.url = url.slice(mount.length) || "/";
      callback(req, res);
    },
    async interaction(req, res) {
      const details = await provider.interactionDetails(req, res);
      return { uid: details.uid, prompt: details.prompt.name };
    },
    finishLogin: (req, res, accountId) =>
      provider.interactionResult(req, res, { login: { accountId } }, { mergeWithLastSubmission: false }),
    abort: (req, res, error, description) =>
      provider.interactionResult(
        req,
        res,
        { error, error_description: description },
        { mergeWithLastSubmission: false },
      ),
  };
}

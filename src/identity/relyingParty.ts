import * as oidc from "openid-client";
import { EbiError } from "../errors/index.ts";

/** An OpenID Connect provider this service signs in through, as configured. */
export interface ProviderSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes; CIS2 needs e.g. "openid profile nationalrbacaccess". */
  scopes: string;
}

/** Starting and finishing the authorization-code flow with PKCE (S256), state and nonce. */
export interface RelyingParty {
  start(
    redirectUri: string,
    extra?: Record<string, string>,
  ): Promise<{ url: string; state: string; codeVerifier: string; nonce: string }>;
  finish(
    callbackUrl: URL,
    expected: { state: string; codeVerifier: string; nonce: string },
  ): Promise<Record<string, unknown>>;
}

/**
 * A relying party for `settings` (discovered from the issuer on first use). `fetch` replaces the
 * network for the provider's back-channel calls (the built-in provider answers in-process).
 */
export function relyingParty(settings: ProviderSettings, fetch?: typeof globalThis.fetch): RelyingParty {
  let configuration: Promise<oidc.Configuration> | null = null;
  const config = () => {
    configuration ??= (async () => {
      const insecure = new URL(settings.issuer).protocol === "http:";
      const options: oidc.DiscoveryRequestOptions = {
        ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
        ...(fetch ? { [oidc.customFetch]: fetch as oidc.CustomFetch } : {}),
      };
      try {
        const c = await oidc.discovery(
          new URL(settings.issuer),
          settings.clientId,
          settings.clientSecret,
          undefined,
          options,
        );
        if (fetch) c[oidc.customFetch] = fetch as oidc.CustomFetch;
        return c;
      } catch (error) {
        configuration = null;
        throw new EbiError(
          "EBI_IDENTITY_CONFIG",
          `Cannot discover the identity provider at ${settings.issuer}: ${(error as Error).message}`,
          {},
          { cause: error },
        );
      }
    })();
    return configuration;
  };
  return {
    async start(redirectUri, extra = {}) {
      const c = await config();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(c, {
        redirect_uri: redirectUri,
        scope: settings.scopes,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: "S256",
        state,
        nonce,
        ...extra,
      });
      return { url: url.href, state, codeVerifier, nonce };
    },
    async finish(callbackUrl, expected) {
      const c = await config();
      try {
        const tokens = await oidc.authorizationCodeGrant(c, callbackUrl, {
          pkceCodeVerifier: expected.codeVerifier,
          expectedState: expected.state,
          expectedNonce: expected.nonce,
          idTokenExpected: true,
        });
        return { ...(tokens.claims() ?? {}) };
      } catch (error) {
        throw new EbiError(
          "EBI_SIGN_IN_FAILED",
          `The identity provider's answer was refused: ${(error as Error).message}`,
          {},
          { cause: error },
        );
      }
    },
  };
}

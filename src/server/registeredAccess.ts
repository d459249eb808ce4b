import { generateKeyPairSync, randomUUID } from "node:crypto";
import { type AuditDelivery, AuditLog, recoverSpilled } from "../audit/auditLog.ts";
import type { Clock } from "../effects/index.ts";
import { type BuiltinProvider, builtinClientId, createBuiltinProvider } from "../identity/builtinProvider.ts";
import { type ClaimSettings, defaultClaimSettings } from "../identity/claimMapping.ts";
import { demoUsers } from "../identity/demoUsers.ts";
import { type ProviderSettings, type RelyingParty, relyingParty } from "../identity/relyingParty.ts";
import { defaultTimeouts, SessionStore, type SessionTimeouts } from "../identity/sessions.ts";
import { SignInLimiter } from "../identity/signInLimiter.ts";
import { upsertUser } from "../identity/users.ts";
import type { ServedRelease } from "../release/servedRelease.ts";
import { serverSecret } from "../state/serverSecret.ts";
import type { StateDb } from "../state/stateDb.ts";
import { sessionCookieName } from "./plugins/identityPlugin.ts";

/** Where users sign in: the built-in provider (demo users and local accounts) or an OpenID Connect provider. */
export type IdentitySource =
  | { kind: "builtin"; demo: boolean }
  | { kind: "oidc"; provider: ProviderSettings; claims: ClaimSettings };

/** What turns registered access on: the release's registered side, the state database and the identity source. */
export interface RegisteredAccessOptions {
  registered: ServedRelease;
  state: StateDb;
  /** The address users reach the service at, e.g. `https://ebi.example.nhs.uk` (redirects are built from it). */
  publicUrl: string;
  identity: IdentitySource;
  timeouts?: SessionTimeouts;
  clock?: Clock;
  /** How the audit log batches its commits, and where it keeps events it could not write at shutdown. */
  audit?: Partial<AuditDelivery>;
}

/** Registered access, assembled: the parts the server's plugins and sign-in pages use. */
export interface RegisteredAccess {
  registered: ServedRelease;
  state: StateDb;
  publicUrl: string;
  clock: Clock;
  sessions: SessionStore;
  audit: AuditLog;
  /** Sign-ins started per client address (60 in 5 minutes). */
  starts: SignInLimiter;
  /** Failed sign-ins per username (10 in 5 minutes), checked before a password is. */
  userFailures: SignInLimiter;
  /** Failed sign-ins per client address (50 in 5 minutes: several people may share one). */
  addressFailures: SignInLimiter;
  secret: string;
  cookieName: string;
  secureCookies: boolean;
  identity: IdentitySource;
  claims: ClaimSettings;
  builtin: BuiltinProvider | null;
  /** The relying party; its back-channel `fetch` is set once the app exists (the built-in provider answers in-process). */
  relyingParty(fetch?: typeof globalThis.fetch): RelyingParty;
}

const systemClock: Clock = { now: () => new Date() };

/** A new RS256 signing key for the built-in provider, as private JWK text. */
const newSigningKey = () => {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return JSON.stringify({
    ...privateKey.export({ format: "jwk" }),
    alg: "RS256",
    use: "sig",
    kid: randomUUID(),
  });
};

/** Opens sessions, the audit log and the identity source over the state database; seeds the demo users. */
export async function registeredAccess(options: RegisteredAccessOptions): Promise<RegisteredAccess> {
  const clock = options.clock ?? systemClock;
  const publicUrl = options.publicUrl.replace(/\/$/, "");
  const url = new URL(publicUrl);
  const https = url.protocol === "https:";
  const secret = await serverSecret(options.state, "session");
  // Events a previous process could not write at shutdown join the chain before any new one.
  if (options.audit?.spillDir) await recoverSpilled(options.state, clock, options.audit.spillDir);
  const builtin =
    options.identity.kind === "builtin"
      ? await createBuiltinProvider({
          publicUrl,
          db: options.state,
          secret: await serverSecret(options.state, "provider"),
          signingKey: JSON.parse(await serverSecret(options.state, "provider-signing-key", newSigningKey)),
        })
      : null;
  if (options.identity.kind === "builtin" && options.identity.demo)
    for (const user of demoUsers(options.registered.organisations))
      await upsertUser(options.state, clock, { ...user, subject: user.username, source: "demo" });
  let rp: RelyingParty | null = null;
  return {
    registered: options.registered,
    state: options.state,
    publicUrl,
    clock,
    sessions: new SessionStore(options.state, clock, options.timeouts ?? defaultTimeouts),
    audit: new AuditLog(options.state, clock, options.audit),
    starts: new SignInLimiter(clock, 60),
    userFailures: new SignInLimiter(clock, 10),
    addressFailures: new SignInLimiter(clock, 50),
    secret,
    cookieName: sessionCookieName(https),
    secureCookies: https || url.hostname === "localhost",
    identity: options.identity,
    claims:
      options.identity.kind === "oidc"
        ? options.identity.claims
        : { ...defaultClaimSettings, profile: "builtin" },
    builtin,
    relyingParty(fetch) {
      rp ??=
        options.identity.kind === "oidc"
          ? relyingParty(options.identity.provider, fetch)
          : relyingParty(
              {
                issuer: builtin?.issuer ?? "",
                clientId: builtinClientId,
                clientSecret: builtin?.clientSecret ?? "",
                scopes: "openid profile",
              },
              fetch,
            );
      return rp;
    },
  };
}

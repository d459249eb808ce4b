import { randomBytes } from "node:crypto";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { FastifyInstance } from "fastify";
import { EbiError, fromSystemError } from "../../errors/index.ts";
import { type LoadedRelease, readRelease } from "../../products/ebi/release/readRelease.ts";
import type { RegisteredAccess } from "../../server/registeredAccess.ts";
import { resolveWorkspace } from "../../store/index.ts";
import { action } from "../../terminal/action.ts";
import { controlFile } from "./stateControl.ts";

/**
 * Registered access for a served release: its registered side, the state database (`DATABASE_URL`,
 * else embedded in the workspace's `state/`) and the identity source from the environment. Null
 * when the release has no registered side or `registered` is false.
 */
async function openAccess(
  release: LoadedRelease,
  options: { registered?: boolean; publicUrl: string; stateDir: string },
): Promise<RegisteredAccess | null> {
  if (options.registered === false || !existsSync(join(release.dir, "registered", "monthly.parquet")))
    return null;
  const [{ openState }, { registeredAccess }, { identityFromEnvironment }] = await Promise.all([
    import("../../state/stateDb.ts"),
    import("../../server/registeredAccess.ts"),
    import("../../server/identitySettings.ts"),
  ]);
  const identity = identityFromEnvironment(process.env, release.manifest.synthetic);
  const [registered, state] = await Promise.all([
    readRelease(join(release.dir, ".."), release.id, "registered"),
    openState({ url: process.env.DATABASE_URL || undefined, dir: options.stateDir }),
  ]);
  return registeredAccess({
    registered,
    state,
    publicUrl: options.publicUrl,
    identity,
    audit: { spillDir: join(options.stateDir, "audit-unwritten") },
  });
}

/** Reads a release and listens; `seconds` is the time from the call to listening. */
export async function startService(options: {
  port: number;
  host: string;
  release?: string;
  releasesDir?: string;
  /** Requests per minute per client; 0 for no limit. */
  rateLimit?: number;
  /** false: serve the public side only, with no sign-in. */
  registered?: boolean;
  /** The address users reach the service at; default http://localhost:<port>. */
  publicUrl?: string;
}): Promise<{ app: FastifyInstance; address: string; release: LoadedRelease; seconds: number }> {
  const started = performance.now();
  // DuckDB reads the release on its own threads while the server's and the pages' modules load.
  const [release, buildApp] = await Promise.all([
    readRelease(options.releasesDir ?? resolveWorkspace().releasesDir, options.release),
    import("../../products/buildApp.ts").then(async (m) => {
      await m.loadPages();
      return m.buildApp;
    }),
  ]);
  const workspace = resolveWorkspace();
  const access = await openAccess(release, {
    registered: options.registered,
    publicUrl: options.publicUrl ?? `http://localhost:${options.port}`,
    stateDir: join(workspace.root, "state"),
  });
  const app = await buildApp({ release, rateLimit: options.rateLimit, access: access ?? undefined });
  // Embedded state is one process's: audit commands run meanwhile reach it through this server.
  const control = access?.state.kind === "pglite" ? randomBytes(32).toString("base64url") : null;
  if (access && control)
    (await import("../../server/controlRoutes.ts")).controlRoutes(app, access.state, control, access.audit);
  if (access)
    app.addHook("onClose", async () => {
      if (control) rmSync(controlFile(workspace.root), { force: true });
      // Every queued read is committed (or kept on disk, named here) before the state closes.
      await access.audit.close().catch((error: Error) => process.stderr.write(`${error.message}\n`));
      await access.state.close();
    });
  const address = await app.listen({ port: options.port, host: options.host }).catch(async (error) => {
    await app.close();
    throw (
      fromSystemError(error, `listen on ${options.host}:${options.port}`) ??
      new EbiError(
        "EBI_INTERNAL",
        `Cannot listen on ${options.host}:${options.port}: ${String(error)}`,
        {},
        { cause: error },
      )
    );
  });
  if (control) {
    const port = new URL(address).port;
    writeFileSync(
      controlFile(workspace.root),
      JSON.stringify({ pid: process.pid, url: `http://127.0.0.1:${port}`, token: control }),
      { mode: 0o600 },
    );
  }
  return { app, address, release, seconds: (performance.now() - started) / 1000 };
}

/** Starts the service on a release, closes it on SIGINT/SIGTERM; resolves with the address once listening. */
export async function serveRelease(options: {
  port: number;
  host: string;
  release?: string;
  rateLimit?: number;
  registered?: boolean;
  publicUrl?: string;
}): Promise<string> {
  const { app, address, release, seconds } = await startService(options);
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => void app.close().then(() => process.exit(0)));
  process.stdout.write(
    `EBI Insight is serving release ${release.id} at ${address.replace("127.0.0.1", "localhost")}${release.manifest.synthetic ? " (synthetic demo data)" : ""}, ready in ${seconds.toFixed(1)} s\n`,
  );
  if (app.registeredAccess)
    process.stdout.write(
      `Registered access: sign in at ${address.replace("127.0.0.1", "localhost")}/sign-in${release.manifest.synthetic && process.env.EBI_DEMO_USERS !== "0" && !process.env.EBI_OIDC_ISSUER ? " as a demo user (`ebi demo users` lists them)" : ""}\n`,
    );
  return address;
}

/** A whole-number option from 0 to `max` (no upper bound when absent), or a typed error naming it. */
function wholeNumber(option: string, text: string, max?: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || (max !== undefined && value > max))
    throw new EbiError(
      "EBI_INVALID_ARGUMENT",
      `${option} must be a whole number${max === undefined ? "" : ` from 0 to ${max}`}, not ${JSON.stringify(text)}.`,
      { field: option.replace(/^--/, ""), value: text },
    );
  return value;
}

/** `ebi serve`: the dashboard and API over an existing release. */
export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve the published release (or --release ID): dashboard at / and API at /api/v1")
    .option("--port <n>", "port (default $PORT or 3000)", process.env.PORT ?? "3000")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--release <id>", "serve this release instead of the published one")
    .option("--public-url <url>", "the address users reach the service at (default http://localhost:<port>)")
    .option("--no-registered", "serve the public side only: no sign-in, no registered figures")
    .option(
      "--rate-limit <n>",
      "requests a minute one client may make before being answered 429; 0 for no limit (default $EBI_RATE_LIMIT, else 100,000)",
      process.env.EBI_RATE_LIMIT,
    )
    .action(
      action(
        async (options: {
          port: string;
          host: string;
          release?: string;
          rateLimit?: string;
          registered: boolean;
          publicUrl?: string;
        }) => {
          const port = wholeNumber("--port", options.port, 65_535);
          // Unset, the service's own default applies (defaultRateLimit in server/app.ts).
          const rateLimit =
            options.rateLimit === undefined ? undefined : wholeNumber("--rate-limit", options.rateLimit);
          await serveRelease({
            port,
            host: options.host,
            release: options.release,
            rateLimit,
            registered: options.registered,
            publicUrl: options.publicUrl,
          });
        },
      ),
    );
}

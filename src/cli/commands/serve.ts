import type { Command } from "commander";
import type { FastifyInstance } from "fastify";
import { EbiError, fromSystemError } from "../../errors/index.ts";
import { type LoadedRelease, readRelease } from "../../release/readRelease.ts";
import { resolveWorkspace } from "../../store/index.ts";
import { action } from "../action.ts";

/** Reads a release and listens; `seconds` is the time from the call to listening. */
export async function startService(options: {
  port: number;
  host: string;
  release?: string;
  releasesDir?: string;
  /** Requests per minute per client; 0 for no limit. */
  rateLimit?: number;
}): Promise<{ app: FastifyInstance; address: string; release: LoadedRelease; seconds: number }> {
  const started = performance.now();
  // DuckDB reads the release on its own threads while the server's and the pages' modules load.
  const [release, buildApp] = await Promise.all([
    readRelease(options.releasesDir ?? resolveWorkspace().releasesDir, options.release),
    import("../../server/app.ts").then(async (m) => {
      await m.loadPages();
      return m.buildApp;
    }),
  ]);
  const app = await buildApp({ release, rateLimit: options.rateLimit });
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
  return { app, address, release, seconds: (performance.now() - started) / 1000 };
}

/** Starts the service on a release, closes it on SIGINT/SIGTERM; resolves with the address once listening. */
export async function serveRelease(options: {
  port: number;
  host: string;
  release?: string;
  rateLimit?: number;
}): Promise<string> {
  const { app, address, release, seconds } = await startService(options);
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => void app.close().then(() => process.exit(0)));
  process.stdout.write(
    `EBI Insight is serving release ${release.id} at ${address.replace("127.0.0.1", "localhost")}${release.manifest.synthetic ? " (synthetic demo data)" : ""}, ready in ${seconds.toFixed(1)} s\n`,
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
    .option(
      "--rate-limit <n>",
      "requests a minute one client may make before being answered 429; 0 for no limit (default $EBI_RATE_LIMIT, else 100,000)",
      process.env.EBI_RATE_LIMIT,
    )
    .action(
      action(async (options: { port: string; host: string; release?: string; rateLimit?: string }) => {
        const port = wholeNumber("--port", options.port, 65_535);
        // Unset, the service's own default applies (defaultRateLimit in server/app.ts).
        const rateLimit =
          options.rateLimit === undefined ? undefined : wholeNumber("--rate-limit", options.rateLimit);
        await serveRelease({ port, host: options.host, release: options.release, rateLimit });
      }),
    );
}

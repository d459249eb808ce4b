import type { Command } from "commander";
import type { FastifyInstance } from "fastify";
import { EbiError } from "../../errors/index.ts";
import { type LoadedRelease, readRelease } from "../../release/readRelease.ts";
import { buildApp, loadPages } from "../../server/app.ts";
import { resolveWorkspace } from "../../store/index.ts";
import { action } from "../action.ts";

/** Reads a release and listens; `seconds` is the time from the call to listening. */
export async function startService(options: {
  port: number;
  host: string;
  release?: string;
  releasesDir?: string;
}): Promise<{ app: FastifyInstance; address: string; release: LoadedRelease; seconds: number }> {
  const started = performance.now();
  // The pages' modules load while DuckDB reads the release.
  const [release] = await Promise.all([
    readRelease(options.releasesDir ?? resolveWorkspace().releasesDir, options.release),
    loadPages(),
  ]);
  const app = await buildApp({ release });
  const address = await app.listen({ port: options.port, host: options.host });
  return { app, address, release, seconds: (performance.now() - started) / 1000 };
}

/** Starts the service on a release, closes it on SIGINT/SIGTERM; resolves with the address once listening. */
export async function serveRelease(options: {
  port: number;
  host: string;
  release?: string;
}): Promise<string> {
  const { app, address, release, seconds } = await startService(options);
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => void app.close().then(() => process.exit(0)));
  process.stdout.write(
    `EBI Insight is serving release ${release.id} at ${address.replace("127.0.0.1", "localhost")}${release.manifest.synthetic ? " (synthetic demo data)" : ""}, ready in ${seconds.toFixed(1)} s\n`,
  );
  return address;
}

/** `ebi serve`: the dashboard and API over an existing release. */
export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve the published release (or --release ID): dashboard at / and API at /api/v1")
    .option("--port <n>", "port (default $PORT or 3000)", process.env.PORT ?? "3000")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--release <id>", "serve this release instead of the published one")
    .action(
      action(async (options: { port: string; host: string; release?: string }) => {
        const port = Number(options.port);
        if (!Number.isInteger(port) || port < 0 || port > 65_535)
          throw new EbiError(
            "EBI_INVALID_ARGUMENT",
            `--port must be a whole number from 0 to 65535, not ${JSON.stringify(options.port)}.`,
            { field: "port", value: options.port },
          );
        await serveRelease({ port, host: options.host, release: options.release });
      }),
    );
}

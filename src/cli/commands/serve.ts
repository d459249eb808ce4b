import type { Command } from "commander";
import { EbiError } from "../../errors/index.ts";
import { readRelease } from "../../release/readRelease.ts";
import { buildApp, loadPages } from "../../server/app.ts";
import { resolveWorkspace } from "../../store/index.ts";
import { action } from "../action.ts";

/** Starts the service on a release; resolves with the address once listening. */
export async function serveRelease(options: {
  port: number;
  host: string;
  release?: string;
}): Promise<string> {
  const started = performance.now();
  // The pages' modules load while DuckDB reads the release.
  const [release] = await Promise.all([
    readRelease(resolveWorkspace().releasesDir, options.release),
    loadPages(),
  ]);
  const app = await buildApp({ release });
  const address = await app.listen({ port: options.port, host: options.host });
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => void app.close().then(() => process.exit(0)));
  process.stdout.write(
    `EBI Insight is serving release ${release.id} at ${address.replace("127.0.0.1", "localhost")}${release.manifest.synthetic ? " (synthetic demo data)" : ""}, ready in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
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
            {
              field: "port",
              value: options.port,
            },
          );
        await serveRelease({ port, host: options.host, release: options.release });
      }),
    );
}

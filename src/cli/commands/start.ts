import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { qualitySummary } from "../../activity/index.ts";
import { generateDemo } from "../../demo/generateDemo.ts";
import { loadDemo } from "../../demo/loadDemo.ts";
import { build } from "../../products/ebi/build.ts";
import { nationalTable } from "../../products/ebi/commands/build.ts";
import { ensurePlannedCareDemo } from "../../products/planned-care/plannedCareDemo.ts";
import { buildTalkingTherapiesReview } from "../../products/talking-therapies/commands/talkingTherapies.ts";
import { currentReleaseId } from "../../release/releaseFiles.ts";
import { openStore, resolveWorkspace } from "../../store/index.ts";
import { action } from "../../terminal/action.ts";
import { terminalEffects } from "../../terminal/terminalEffects.ts";
import { serveRelease } from "./serve.ts";

/**
 * `ebi start`, the main job: generate the demo country if there is none, load it if nothing is
 * loaded, build and publish a release if none is published, then serve it. A second start reuses
 * all of it and is serving in seconds.
 */
export function registerStart(program: Command): void {
  program
    .command("start")
    .description("generate and load the demo if needed, build a release if none is published, and serve it")
    .option("--port <n>", "port (default $PORT or 3000)", process.env.PORT ?? "3000")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .action(
      action(async (options: { port: string; host: string }) => {
        const workspace = resolveWorkspace();
        const effects = terminalEffects();
        if (!currentReleaseId(workspace.releasesDir)) {
          if (!existsSync(join(workspace.demoDir, "manifest.json"))) {
            effects.logger.info(`Generating the synthetic demo country into ${workspace.demoDir}`);
            await generateDemo({ outDir: workspace.demoDir, formats: ["parquet"] }, effects);
          }
          const db = await openStore(workspace.storePath);
          try {
            const [loaded] = await db.all<{ n: number }>("SELECT count(*) AS n FROM loads");
            if (!loaded?.n) {
              for (const summary of await loadDemo(db, workspace.demoDir, workspace.reportsDir, effects))
                if (summary.quality) process.stdout.write(`${qualitySummary(summary.quality)}\n`);
            }
            const result = await build(db, { releasesDir: workspace.releasesDir }, effects);
            process.stdout.write(
              `${nationalTable(result.national)}\n\nRelease ${result.releaseId} published.\n`,
            );
          } finally {
            db.close();
          }
        }
        const store = await openStore(workspace.storePath);
        try {
          await ensurePlannedCareDemo(store, workspace, effects);
        } finally {
          store.close();
        }
        await buildTalkingTherapiesReview(effects);
        await serveRelease({ port: Number(options.port), host: options.host });
      }),
    );
}

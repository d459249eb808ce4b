import { join } from "node:path";
import type { Command } from "commander";
import { registeredScopes } from "../../disclosure/index.ts";
import { EbiError } from "../../errors/index.ts";
import { auditRelease, insiderAuditByDefault } from "../../products/ebi/disclosure/index.ts";
import { ebiReleaseTables, type ReleaseTables } from "../../products/ebi/release/tables.ts";
import { readReleaseSide } from "../../release/readReleaseTables.ts";
import {
  currentReleaseId,
  listReleases,
  publishRelease,
  rollbackRelease,
} from "../../release/releaseFiles.ts";
import { resolveWorkspace } from "../../store/index.ts";
import { action } from "../../terminal/action.ts";

/** `ebi releases list|publish|rollback`. */
export function registerReleases(program: Command): void {
  const releases = program.command("releases").description("list, publish and roll back releases");
  releases
    .command("list")
    .description("every release, newest first; * marks the published one, BROKEN one that cannot be served")
    .action(
      action(() => {
        const all = listReleases(resolveWorkspace().releasesDir, ebiReleaseTables);
        if (all.length === 0) process.stdout.write("No releases yet: run `ebi build`.\n");
        for (const r of all) {
          const mark = r.current ? "*" : " ";
          if (!r.manifest) {
            process.stdout.write(`${mark} ${r.id}  BROKEN: ${r.problems.join("; ")}\n`);
            continue;
          }
          const sets = (r.manifest.rule_sets ?? []).map((s) => `${s.id}@${s.version}`).join(", ");
          const policy = r.manifest.disclosure?.policy ? `  policy ${r.manifest.disclosure.policy}` : "";
          const only = r.registeredOnly ? "  (registered side only: not publishable)" : "";
          const broken = r.problems.length > 0 ? `  BROKEN: ${r.problems.join("; ")}` : "";
          process.stdout.write(
            `${mark} ${r.id}  built ${r.manifest.built_at}  ${sets}${policy}${r.manifest.synthetic ? "  (synthetic)" : ""}${only}${broken}\n`,
          );
        }
      }),
    );
  releases
    .command("publish")
    .description("make a release the one the server publishes (one atomic switch)")
    .argument("<id>", "release id")
    .action(
      action((id: string) => {
        publishRelease(resolveWorkspace().releasesDir, id, ebiReleaseTables);
        process.stdout.write(`Published ${id}.\n`);
      }),
    );
  releases
    .command("rollback")
    .description("publish the release that was published before the current one")
    .action(
      action(() => {
        process.stdout.write(
          `Published ${rollbackRelease(resolveWorkspace().releasesDir, ebiReleaseTables)} again.\n`,
        );
      }),
    );
  releases
    .command("audit")
    .description("attack a release's public side with the LP audit, judged against its registered side")
    .argument("[id]", "release id (default: the published one)")
    .option("--insider-audit", "also attack as each registered scope's users, who know their own counts")
    .option("--insider", "the same as --insider-audit")
    .option("--no-insider-audit", "attack as an outsider only")
    .action(
      action(async (id: string | undefined, options: { insider?: boolean; insiderAudit?: boolean }) => {
        const dir = resolveWorkspace().releasesDir;
        const releaseId = id ?? currentReleaseId(dir);
        if (!releaseId) throw new EbiError("EBI_NOT_FOUND", "No release is published: name one.");
        const started = performance.now();
        const registered = await readReleaseSide<ReleaseTables>(
          join(dir, releaseId),
          "registered",
          ebiReleaseTables,
        );
        const published = await readReleaseSide<ReleaseTables>(
          join(dir, releaseId),
          "public",
          ebiReleaseTables,
        );
        const d = published.manifest.disclosure;
        const result = await auditRelease(
          registered.tables,
          published.tables,
          { threshold: d.threshold, rounding: d.rounding },
          published.manifest.goal.percentile,
        );
        // Then, when asked, each registered scope's users, who also know their own counts.
        let insider: Record<string, number> | null = null;
        if (options.insider || (options.insiderAudit ?? insiderAuditByDefault)) {
          const insiderStarted = performance.now();
          const scopes = registeredScopes(registered.tables.organisations);
          const inside = await auditRelease(
            registered.tables,
            published.tables,
            { threshold: d.threshold, rounding: d.rounding },
            published.manifest.goal.percentile,
            { insiders: scopes, insidersOnly: true },
          );
          // Both attacks report the figures the public side cannot account for: list each once.
          result.problems = [...new Set([...result.problems, ...inside.problems])];
          result.exposed.push(...inside.exposed);
          insider = {
            scopes: scopes.length,
            scopesTouching: inside.scopes.length,
            targets: inside.scopes.reduce((s, a) => s + a.targets, 0),
            solves: inside.scopes.reduce((s, a) => s + a.solves, 0),
            exposed: inside.exposed.length,
            seconds: (performance.now() - insiderStarted) / 1000,
          };
        }
        const seconds = (performance.now() - started) / 1000;
        process.stdout.write(
          `${JSON.stringify({ release: releaseId, policy: d.policy ?? null, threshold: d.threshold, rounding: d.rounding, ...result.stats, lpSeconds: result.stats.seconds, exposed: result.exposed.length, problems: result.problems.length, insider, seconds })}\n`,
        );
        for (const p of result.problems.slice(0, 20)) process.stdout.write(`  ${p}\n`);
        if (result.problems.length > 0)
          throw new EbiError(
            "EBI_DISCLOSURE_UNSAFE",
            `Release ${releaseId}: ${result.problems.length} disclosure problems on the public side.`,
          );
      }),
    );
}

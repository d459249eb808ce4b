import { createHash } from "node:crypto";
import type { Database } from "../../db/index.ts";
import { type DisclosurePolicy, minimumPublicThreshold, withThreshold } from "../../disclosure/index.ts";
import type { Effects } from "../../effects/index.ts";
import { EbiError } from "../../errors/index.ts";
import { type CostTable, defaultCosts } from "../../pipeline/costs.ts";
import { runStages, type StageTiming } from "../../pipeline/runStages.ts";
import type { ReleaseManifest } from "../../release/tables.ts";
import { ReleaseWriter } from "../../release/writeRelease.ts";
import { type CountingUnit, defaultCountingUnit, loadRuleSets } from "../../rules/index.ts";
import { type BuildState, buildStages, defaultBaselines, type NationalFigure } from "./buildStages.ts";
import { insiderAuditByDefault } from "./disclosure/index.ts";
import { ebiDashboardPolicy } from "./disclosure/policies.ts";
import type { Period } from "./figures/baselines.ts";
import { ebiReleaseTables } from "./release/tables.ts";

export { defaultBaselines, type NationalFigure } from "./buildStages.ts";

export interface BuildOptions {
  ruleSetIds?: string[];
  /** What one count is; default the programme's (spells on their dominant procedure). */
  unit?: CountingUnit;
  releasesDir: string;
  /** Baseline years by list name ("List 1", "List 2"); others use List 1's. First day of first and last month. */
  baselines?: Record<string, Period>;
  goalPercentile?: number;
  costs?: CostTable;
  /** The disclosure rule of the public side (default: the EBI dashboard rule). */
  policy?: DisclosurePolicy;
  /** Replaces the policy's threshold. */
  threshold?: number;
  /** Write the registered side only: no public side, and the release cannot be published. */
  registeredOnly?: boolean;
  /**
   * Also attack the public side as each registered scope's user, who knows their own counts
   * (default off: it multiplies disclosure control's time by the number of scopes).
   */
  insiderAudit?: boolean;
  publish?: boolean;
  /** Test hook: called after the release folder is written, before it is moved into place. */
  beforeRename?: () => Promise<void> | void;
}

export interface BuildResult {
  releaseId: string;
  dir: string;
  published: boolean;
  manifest: ReleaseManifest;
  national: NationalFigure[];
  /** How long each stage took, in order. */
  stages: StageTiming[];
}

/**
 * `ebi build`: runs the build stages (`buildStages.ts`: classify every loaded episode with the rule
 * sets, de-duplicate to spells, aggregate the cube, compute baselines, goals, trajectories, money,
 * variation and equity, protect the public side, write both sides) into a temporary folder that is
 * moved into place only when complete. A failed or killed build leaves existing releases and the
 * published one untouched.
 */
export async function build(store: Database, options: BuildOptions, effects: Effects): Promise<BuildResult> {
  const ruleSets = await loadRuleSets(options.ruleSetIds ?? ["ebi-list-1", "ebi-list-2"]);
  const unit = options.unit ?? defaultCountingUnit;
  const basePolicy = options.policy ?? ebiDashboardPolicy;
  const policy = options.threshold === undefined ? basePolicy : withThreshold(basePolicy, options.threshold);
  const registeredOnly = options.registeredOnly ?? false;
  if (!registeredOnly && policy.threshold < minimumPublicThreshold)
    throw new EbiError(
      "EBI_DISCLOSURE_UNSAFE",
      `A public side with counts of 1 to ${minimumPublicThreshold} shown cannot be written (threshold ${policy.threshold}): use a threshold of at least ${minimumPublicThreshold}, or --registered-only for a release with no public side.`,
      {
        field: "threshold",
        value: policy.threshold,
        expected: `≥ ${minimumPublicThreshold}, or --registered-only`,
      },
    );
  const interventions = ruleSets.flatMap((set) => set.interventions.map((i) => ({ set, i })));
  const builtAt = effects.clock.now();
  const stamp = builtAt.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const releaseId = `${stamp}-${createHash("sha256")
    .update(ruleSets.map((s) => s.sha256).join() + (unit === defaultCountingUnit ? "" : `|${unit}`))
    .digest("hex")
    .slice(0, 6)}`;
  const writer = new ReleaseWriter(options.releasesDir, releaseId, ebiReleaseTables);
  try {
    const state = await store.withConnection(async (connection) => {
      const state: BuildState = {
        connection,
        writer,
        releaseId,
        builtAt,
        ruleSets,
        unit,
        interventions,
        measurable: interventions.filter(({ i }) => i.measurable).map(({ i }) => i.intervention_id),
        baselines: { ...defaultBaselines, ...(options.baselines ?? {}) },
        requestedBaselines: options.baselines ?? {},
        goalPercentile: options.goalPercentile ?? 25,
        costs: options.costs ?? defaultCosts,
        policy,
        registeredOnly,
        insiderAudit: options.insiderAudit ?? insiderAuditByDefault,
      };
      const timings = await runStages(buildStages, state, effects);
      return { ...state, timings };
    });
    await options.beforeRename?.();
    const publish = (options.publish ?? true) && !registeredOnly;
    const dir = writer.place(publish);
    return {
      releaseId,
      dir,
      published: publish,
      manifest: state.manifest as ReleaseManifest,
      national: state.national ?? [],
      stages: state.timings,
    };
  } finally {
    writer.dispose();
  }
}

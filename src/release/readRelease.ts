import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Database, quoteLiteral } from "../db/index.ts";
import { EbiError } from "../errors/index.ts";
import { currentReleaseId } from "./releaseFiles.ts";
import type {
  BaselineRow,
  EquityRow,
  InterventionRow,
  MonthlyRow,
  OrganisationRow,
  ReleaseManifest,
  TrajectoryRow,
  VariationRow,
} from "./tables.ts";

/** The public side of a release, in memory and indexed for the pages and the API. */
export interface LoadedRelease {
  id: string;
  dir: string;
  manifest: ReleaseManifest;
  interventions: InterventionRow[];
  organisations: OrganisationRow[];
  monthly: MonthlyRow[];
  baselines: BaselineRow[];
  trajectory: TrajectoryRow[];
  variation: VariationRow[];
  equity: EquityRow[];
  /** Rows by `${intervention_id}|${org_code}` (monthly in month order). */
  monthlyOf: Map<string, MonthlyRow[]>;
  trajectoryOf: Map<string, TrajectoryRow[]>;
  baselineOf: Map<string, BaselineRow>;
  /** Rows by `${intervention_id}|${org_code}|${period}|${dimension}` in group order. */
  equityOf: Map<string, EquityRow[]>;
  organisationOf: Map<string, OrganisationRow>;
  childrenOf: Map<string, OrganisationRow[]>;
  interventionOf: Map<string, InterventionRow>;
}

function group<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

/**
 * Reads the published release (or `id`) of `releasesDir`: manifest, interventions and the public
 * tables only. The registered side is never opened here.
 */
export async function readRelease(releasesDir: string, id?: string): Promise<LoadedRelease> {
  const releaseId = id ?? currentReleaseId(releasesDir);
  if (!releaseId)
    throw new EbiError(
      "EBI_NOT_FOUND",
      `No release is published in ${releasesDir}: run \`ebi build\` first.`,
    );
  const dir = join(releasesDir, releaseId);
  if (!existsSync(join(dir, "manifest.json")))
    throw new EbiError("EBI_NOT_FOUND", `No complete release ${releaseId} in ${releasesDir}.`);
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as ReleaseManifest;
  const interventions = JSON.parse(
    readFileSync(join(dir, "interventions.json"), "utf8"),
  ) as InterventionRow[];
  const db = await Database.open(":memory:");
  const table = <T>(name: string, order: string) =>
    db.all<T>(
      `SELECT * FROM read_parquet(${quoteLiteral(join(dir, "public", `${name}.parquet`))}) ORDER BY ${order}`,
    );
  try {
    const [organisations, monthly, baselines, trajectory, variation, equity] = await Promise.all([
      table<OrganisationRow>("organisations", "level, org_code"),
      table<MonthlyRow>("monthly", "intervention_id, level, org_code, month"),
      table<BaselineRow>("baselines", "intervention_id, level, org_code"),
      table<TrajectoryRow>("trajectory", "intervention_id, level, org_code, month"),
      table<VariationRow>("variation", "intervention_id"),
      table<EquityRow>("equity", "intervention_id, level, org_code, period, dimension, group_order"),
    ]);
    const byOrg = (r: { intervention_id: string; org_code: string; level: string }) =>
      `${r.intervention_id}|${r.level}|${r.org_code}`;
    return {
      id: releaseId,
      dir,
      manifest,
      interventions,
      organisations,
      monthly,
      baselines,
      trajectory,
      variation,
      equity,
      monthlyOf: group(monthly, byOrg),
      trajectoryOf: group(trajectory, byOrg),
      baselineOf: new Map(baselines.map((b) => [byOrg(b), b])),
      equityOf: group(equity, (e) => `${byOrg(e)}|${e.period}|${e.dimension}`),
      organisationOf: new Map(organisations.map((o) => [`${o.level}|${o.org_code}`, o])),
      childrenOf: group(
        organisations.filter((o) => o.parent_code !== null),
        (o) => o.parent_code as string,
      ),
      interventionOf: new Map(interventions.map((i) => [i.intervention_id, i])),
    };
  } finally {
    db.close();
  }
}

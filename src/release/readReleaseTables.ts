import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Database, quoteLiteral } from "../db/index.ts";
import { EbiError } from "../errors/index.ts";
import type {
  BaselineRow,
  EquityRow,
  MonthlyRow,
  OrganisationRow,
  ReleaseManifest,
  TrajectoryRow,
  VariationRow,
} from "./tables.ts";

/** Every table of one side of a release folder, as plain rows. */
export interface ReleaseSide {
  organisations: OrganisationRow[];
  monthly: MonthlyRow[];
  baselines: BaselineRow[];
  trajectory: TrajectoryRow[];
  variation: VariationRow[];
  equity: EquityRow[];
}

/**
 * Reads one side (`registered` or `public`) of a release folder whole, for the operator's audit
 * and the benchmark (the server reads the public side through `readRelease` instead).
 */
export async function readReleaseSide(
  dir: string,
  side: "registered" | "public",
): Promise<{ manifest: ReleaseManifest; tables: ReleaseSide }> {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as ReleaseManifest;
  const file = (name: string) => {
    const path = join(dir, side, `${name}.parquet`);
    if (!existsSync(path))
      throw new EbiError("EBI_RELEASE_INCOMPLETE", `${path} is missing.`, { file: path });
    return `read_parquet(${quoteLiteral(path)})`;
  };
  const db = await Database.open(":memory:");
  try {
    const all = <T>(name: string) => db.all<T>(`SELECT * FROM ${file(name)}`);
    return {
      manifest,
      tables: {
        organisations: await all<OrganisationRow>("organisations"),
        monthly: await all<MonthlyRow>("monthly"),
        baselines: await all<BaselineRow>("baselines"),
        trajectory: await all<TrajectoryRow>("trajectory"),
        variation: await all<VariationRow>("variation"),
        equity: await all<EquityRow>("equity"),
      },
    };
  } finally {
    db.close();
  }
}

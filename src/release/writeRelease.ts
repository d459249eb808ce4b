import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteIdentifier, quoteLiteral, runOn } from "../db/index.ts";
import { EbiError } from "../errors/index.ts";
import { fileSha256 } from "../store/index.ts";
import { scratchPath } from "../store/scratch.ts";
import { parquetColumns } from "./declareTable.ts";
import { publishRelease } from "./releaseFiles.ts";
import type { ReleaseManifest, ReleaseTableSet } from "./tables.ts";
import { writeRowsToParquet } from "./writeTable.ts";

/**
 * A release being written: a hidden `.tmp-<id>` folder beside the published ones, made only when
 * writing starts and removed in `dispose` (or at once if the process is interrupted: the
 * registered side holds episode keys). `place` moves it into place in one rename.
 */
export class ReleaseWriter {
  readonly releasesDir: string;
  readonly releaseId: string;
  readonly tmp: string;
  readonly tables: ReleaseTableSet;
  readonly #removeTmp: () => void;

  /** Removes what earlier interrupted builds left and reserves the temporary folder for a release of `tables`. */
  constructor(releasesDir: string, releaseId: string, tables: ReleaseTableSet) {
    this.releasesDir = releasesDir;
    this.releaseId = releaseId;
    this.tables = tables;
    mkdirSync(releasesDir, { recursive: true });
    for (const stale of readdirSync(releasesDir).filter((n) => n.startsWith(".tmp-")))
      rmSync(join(releasesDir, stale), { recursive: true, force: true });
    this.tmp = join(releasesDir, `.tmp-${releaseId}`);
    this.#removeTmp = scratchPath(this.tmp);
  }

  /**
   * Writes every declared table of each side as Parquet with its declared columns, and the
   * engine's `registeredExtras` tables to the registered side; returns rows and sha256 of each
   * public table (for the manifest). A declared table a side has no rows for fails (EBI_INTERNAL).
   */
  async writeTables(
    connection: DuckDBConnection,
    registered: Readonly<Record<string, readonly object[] | undefined>>,
    published: Readonly<Record<string, readonly object[] | undefined>> | null,
    registeredExtras: readonly string[],
  ): Promise<ReleaseManifest["tables"]> {
    const info: ReleaseManifest["tables"] = {};
    mkdirSync(join(this.tmp, "registered"), { recursive: true });
    if (published) mkdirSync(join(this.tmp, "public"), { recursive: true });
    for (const [side, tables] of [
      ["registered", registered],
      ...(published ? [["public", published] as const] : []),
    ] as const) {
      for (const declaration of this.tables.declarations) {
        const name = declaration.name;
        const rows = tables[name];
        // A table declared but not computed is a build missing its stage, not an empty table.
        if (!Array.isArray(rows))
          throw new EbiError(
            "EBI_INTERNAL",
            `Release table ${name} is declared but the build computed no rows for its ${side} side: add the stage that computes it.`,
            { table: name, side },
          );
        const path = join(this.tmp, side, `${name}.parquet`);
        await writeRowsToParquet(connection, rows, parquetColumns(declaration), path);
        if (side === "public") info[name] = { rows: rows.length, sha256: await fileSha256(path) };
      }
    }
    for (const extra of registeredExtras)
      await runOn(
        connection,
        `COPY ${quoteIdentifier(extra)} TO ${quoteLiteral(join(this.tmp, "registered", `${extra}.parquet`))} (FORMAT parquet, COMPRESSION zstd)`,
      );
    return info;
  }

  /** Writes a JSON file at the top of the release folder. */
  writeJson(file: string, value: unknown): void {
    writeFileSync(join(this.tmp, file), `${JSON.stringify(value, null, 2)}\n`);
  }

  /** Moves the written release into place (one rename) and publishes it when asked; returns its folder. */
  place(publish: boolean): string {
    const dir = join(this.releasesDir, this.releaseId);
    if (existsSync(dir)) throw new EbiError("EBI_INTERNAL", `Release ${this.releaseId} already exists.`);
    renameSync(this.tmp, dir);
    if (publish) publishRelease(this.releasesDir, this.releaseId, this.tables);
    return dir;
  }

  /** Removes the temporary folder if it is still there. */
  dispose(): void {
    this.#removeTmp();
  }
}

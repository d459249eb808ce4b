import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteLiteral, runOn } from "../db/index.ts";
import {
  imdColumns,
  lsoaSubIcbColumns,
  odsStandardColumns,
  populationAgeColumns,
  populationIdColumns,
  subIcbHierarchyColumns,
} from "../reference/layouts.ts";
import { fileSha256 } from "../store/fileSha256.ts";
import { writeDemoTileLayout } from "./tileLayout.ts";

/** One file the demo wrote, as listed in its manifest. */
export interface DemoFile {
  role: "reference" | "activity";
  dataset?: string;
  vintage?: string;
  year?: number;
  kind?: "apc" | "op";
  format: "csv" | "parquet" | "json";
  /** Relative to the demo folder. */
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function copyOut(
  connection: DuckDBConnection,
  outDir: string,
  relative: string,
  select: string,
  format: "csv" | "parquet",
  header = true,
): Promise<{ path: string; rows: number; bytes: number; sha256: string }> {
  const path = join(outDir, relative);
  const options =
    format === "csv"
      ? `FORMAT csv, HEADER ${header ? "true" : "false"}, QUOTE '"'`
      : "FORMAT parquet, COMPRESSION zstd";
  await runOn(
    connection,
    `COPY (${select}) TO ${quoteLiteral(path)} (${options})`,
    undefined,
    `write ${relative}`,
  );
  const [count] = await allOn<{ n: number }>(connection, `SELECT count(*) AS n FROM (${select})`);
  return { path: relative, rows: count?.n ?? 0, bytes: statSync(path).size, sha256: await fileSha256(path) };
}

/** Writes the reference files in their published layouts (see src/reference/layouts.ts). */
export async function writeReferenceFiles(
  connection: DuckDBConnection,
  outDir: string,
  years: { first: number; last: number },
): Promise<DemoFile[]> {
  mkdirSync(join(outDir, "reference"), { recursive: true });
  const files: DemoFile[] = [];
  const [sc, sch, snm, ic, ich, inm, rc, rch, rnm, oid] = subIcbHierarchyColumns;
  files.push({
    role: "reference",
    dataset: "hierarchy",
    format: "csv",
    ...(await copyOut(
      connection,
      outDir,
      "reference/sicbl_icb_nhser.csv",
      `SELECT s.ons AS ${q(sc)}, s.code AS ${q(sch)}, s.name AS ${q(snm)}, i.ons AS ${q(ic)}, i.code AS ${q(ich)},
              i.name AS ${q(inm)}, r.ons AS ${q(rc)}, r.code AS ${q(rch)}, r.name AS ${q(rnm)}, s.sub_idx + 1 AS ${q(oid)}
       FROM demo_sub_icbs s JOIN demo_icbs i USING (icb_idx) JOIN demo_regions r USING (region_idx) ORDER BY s.sub_idx`,
      "csv",
    )),
  });
  const l = lsoaSubIcbColumns;
  files.push({
    role: "reference",
    dataset: "lsoa_sub_icb",
    vintage: "2021",
    format: "csv",
    ...(await copyOut(
      connection,
      outDir,
      "reference/lsoa21_sicbl.csv",
      `SELECT lsoa.code AS ${q(l[0])}, lsoa.name AS ${q(l[1])}, s.ons AS ${q(l[2])}, s.code AS ${q(l[3])},
              s.name AS ${q(l[4])}, i.ons AS ${q(l[5])}, i.code AS ${q(l[6])}, i.name AS ${q(l[7])},
              lsoa.lad_code AS ${q(l[8])}, lsoa.lad_name AS ${q(l[9])}, lsoa.lsoa_idx + 1 AS ${q(l[10])}
       FROM demo_lsoas lsoa JOIN demo_sub_icbs s USING (sub_idx) JOIN demo_icbs i ON i.icb_idx = s.icb_idx
       ORDER BY lsoa.lsoa_idx`,
      "csv",
    )),
  });
  // ODS etr.csv: 27 columns, no header; only code, name, region, ICB, postcode and dates filled.
  const blanks = odsStandardColumns
    .slice(4)
    .map((c) => (c === "postcode" ? "'ZZ99 9ZZ'" : c === "open_date" ? "'20130401'" : "NULL"));
  files.push({
    role: "reference",
    dataset: "ods_trusts",
    format: "csv",
    ...(await copyOut(
      connection,
      outDir,
      "reference/etr.csv",
      `SELECT t.code, upper(t.name), r.code, i.code, ${blanks.map((b, k) => `${b} AS c${k}`).join(", ")}
       FROM demo_trusts t JOIN demo_regions r USING (region_idx) LEFT JOIN demo_icbs i ON i.icb_idx = t.icb_idx
       ORDER BY t.trust_idx`,
      "csv",
      false,
    )),
  });
  files.push({
    role: "reference",
    dataset: "ods_successors",
    format: "csv",
    ...(await copyOut(
      connection,
      outDir,
      "reference/succ.csv",
      `SELECT old AS organisation_code, s.code AS successor, 'Merger' AS reason, '20220401' AS effective, 'N' AS indicator
       FROM demo_mergers m JOIN demo_sub_icbs s USING (sub_idx), unnest([m.old_a, m.old_b]) o(old) ORDER BY old`,
      "csv",
      false,
    )),
  });
  const imd = imdColumns["2025"];
  files.push({
    role: "reference",
    dataset: "imd",
    vintage: "2025",
    format: "csv",
    ...(await copyOut(
      connection,
      outDir,
      "reference/imd2025_file7.csv",
      `SELECT code AS ${q(imd.lsoa)}, name AS ${q(imd.lsoaName)}, lad_code AS "Local Authority District code (2024)",
              lad_name AS "Local Authority District name (2024)", imd_score AS ${q(imd.score)}, imd_rank AS ${q(imd.rank)},
              imd_decile AS ${q(imd.decile)}
       FROM demo_lsoas ORDER BY lsoa_idx`,
      "csv",
    )),
  });
  files.push({
    role: "reference",
    dataset: "tile_layout",
    vintage: "demo",
    format: "json",
    ...(await writeDemoTileLayout(connection, outDir, "reference/tile_layout.hexjson")),
  });
  const [ladCode, ladName, lsoaCode, lsoaName, total] = populationIdColumns;
  const ages = (sex: "F" | "M", code: string) =>
    populationAgeColumns(sex)
      .map((column, age) => `sum(population) FILTER (WHERE sex = '${code}' AND age = ${age}) AS ${q(column)}`)
      .join(", ");
  for (let year = years.first; year <= years.last; year++) {
    files.push({
      role: "reference",
      dataset: "population",
      year,
      format: "csv",
      ...(await copyOut(
        connection,
        outDir,
        `reference/population_mid${year}.csv`,
        `SELECT l.lad_code AS ${q(ladCode)}, l.lad_name AS ${q(ladName)}, l.code AS ${q(lsoaCode)}, l.name AS ${q(lsoaName)},
                sum(population) AS ${q(total)}, ${ages("F", "2")}, ${ages("M", "1")}
         FROM demo_population p JOIN demo_lsoas l USING (lsoa_idx) WHERE p.year = ${Math.trunc(year)}
         GROUP BY l.lsoa_idx, l.lad_code, l.lad_name, l.code, l.name ORDER BY l.lsoa_idx`,
        "csv",
      )),
    });
  }
  return files;
}

/** Writes demo_apc and demo_op as HES extracts in each requested format. */
export async function writeActivityFiles(
  connection: DuckDBConnection,
  outDir: string,
  formats: readonly ("csv" | "parquet")[],
): Promise<DemoFile[]> {
  mkdirSync(join(outDir, "activity"), { recursive: true });
  const files: DemoFile[] = [];
  for (const kind of ["apc", "op"] as const) {
    for (const format of formats) {
      files.push({
        role: "activity",
        kind,
        format,
        ...(await copyOut(
          connection,
          outDir,
          `activity/${kind}.${format}`,
          `SELECT * FROM demo_${kind}`,
          format,
        )),
      });
    }
  }
  return files;
}

import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn, quoteLiteral, runOn } from "../../../db/index.ts";
import { commissionerLevels } from "../../../pipeline/buildTables.ts";
import { ethnicGroups } from "../../../reference/ethnicGroups.ts";
import type { ResolvedGroup } from "../loadGroups.ts";

/** Waits of completed pathways in one group, year and commissioner, for one deprivation or ethnic group. */
export interface WaitRow {
  group_id: string;
  fyear: number;
  level: string;
  org_code: string;
  dimension: "total" | "imd_quintile" | "ethnic_group";
  group_code: string;
  pathways: number;
  /** Weeks from clock start to clock stop. */
  median_weeks: number | null;
  p92_weeks: number | null;
  /** Share of pathways that waited over 18 weeks, 0–1. */
  over_18_share: number | null;
}

const ethnicCase = `CASE ${ethnicGroups
  .map((g) => `WHEN ethnos IN (${g.categories.map(quoteLiteral).join(", ")}) THEN ${quoteLiteral(g.code)}`)
  .join(" ")} ELSE 'not-stated' END`;

/**
 * Median and 92nd percentile wait (the RTT standard's percentile) and the share over 18 weeks,
 * by procedure group (matched on the linked procedure code with the group's own rule), financial
 * year of the clock stop, commissioner (England, region, ICB, sub-ICB location) and IMD quintile or ethnic group.
 */
export async function waitRows(
  connection: DuckDBConnection,
  groups: readonly ResolvedGroup[],
): Promise<WaitRow[]> {
  const planned = groups.filter((g) => g.kind === "planned");
  if (planned.length === 0) return [];
  await runOn(
    connection,
    `CREATE OR REPLACE TEMP TABLE pc_wait_groups AS
     SELECT w.*, g.group_id,
       CASE WHEN month(rtt_end) >= 4 THEN year(rtt_end) ELSE year(rtt_end) - 1 END AS fyear,
       CASE WHEN imd_decile IS NULL THEN 'unknown' ELSE ((imd_decile + 1) // 2)::VARCHAR END AS imd_quintile,
       ${ethnicCase} AS ethnic_group
     FROM pc_waits w, (${planned
       .map((g) => `SELECT ${quoteLiteral(g.group_id)} AS group_id`)
       .join(" UNION ALL ")}) g
     WHERE ${planned.map((g) => `(g.group_id = ${quoteLiteral(g.group_id)} AND (${g.episodeSql.replaceAll("cancer_in_spell", "false")}))`).join(" OR ")}`,
    undefined,
    "waiting list: groups",
  );
  const parts: string[] = [];
  for (const [level, code] of commissionerLevels)
    for (const [dimension, key] of [
      ["total", "'all'"],
      ["imd_quintile", "imd_quintile"],
      ["ethnic_group", "ethnic_group"],
    ])
      parts.push(
        `SELECT group_id, fyear, '${level}' AS level, ${code} AS org_code, '${dimension}' AS dimension, ${key} AS group_code,
           count(*)::BIGINT AS pathways, quantile_cont(weeks, 0.5) AS median_weeks, quantile_cont(weeks, 0.92) AS p92_weeks,
           avg(CASE WHEN weeks > 18 THEN 1.0 ELSE 0.0 END) AS over_18_share
         FROM pc_wait_groups s ${level === "england" ? "LEFT " : ""}JOIN org_map m ON m.sub_icb = s.sub_icb
         GROUP BY ALL`,
      );
  // Ordered, so that the rows (and the suppression that chooses among them) are the same on every run.
  return allOn<WaitRow>(
    connection,
    `SELECT * FROM (${parts.join("\nUNION ALL\n")}) ORDER BY group_id, fyear, level, org_code, dimension, group_code`,
    undefined,
    "waiting list: waits",
  );
}

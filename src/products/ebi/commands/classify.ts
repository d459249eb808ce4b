import type { Command } from "commander";
import { type ActivityKind, stageActivityFile } from "../../../activity/index.ts";
import { Database, quoteLiteral } from "../../../db/index.ts";
import { EbiError } from "../../../errors/index.ts";
import { classificationSql, loadRuleSets, parseCountingUnit } from "../../../rules/index.ts";
import { storeSchema } from "../../../store/index.ts";
import { requireWritableFile } from "../../../store/requireFile.ts";
import { action } from "../../../terminal/action.ts";

/**
 * `ebi classify`: any HES-layout file in, one row per episode out with the interventions it counts
 * for. Columns (docs/rules.md, "ebi classify"): source_row, epikey (or attendkey), spell,
 * quarantine, interventions, counting_unit. Counting spells, a spell's interventions are listed on
 * its dominant episode's row only, so rows listing an intervention sum to its count.
 */
export function registerClassify(program: Command): void {
  program
    .command("classify")
    .description(
      "classify a HES-layout file: one output row per episode with its spell and matched interventions",
    )
    .requiredOption("--input <file>", "CSV or Parquet with HES field names")
    .requiredOption("--output <file>", "CSV to write")
    .option(
      "--rules <sets>",
      "rule sets, comma-separated: shipped ids (current version), id@version (ebi-list-1@2019), or files",
      "ebi-list-1,ebi-list-2",
    )
    .option("--kind <kind>", "apc or op", "apc")
    .option("--unit <unit>", "what one count is: spell (the programme's) or episode", "spell")
    .action(
      action(
        async (options: { input: string; output: string; rules: string; kind: string; unit: string }) => {
          if (options.kind !== "apc" && options.kind !== "op")
            throw new EbiError("EBI_USAGE", "--kind must be apc or op.");
          const kind = options.kind as ActivityKind;
          const unit = parseCountingUnit(options.unit);
          requireWritableFile(options.output, "classified output");
          const ids = options.rules
            .split(",")
            .map((s) => s.trim())
            .filter((s) => s.length > 0);
          if (ids.length === 0) throw new EbiError("EBI_USAGE", "--rules needs at least one rule set.");
          const sets = await loadRuleSets(ids);
          const db = await Database.open(":memory:");
          try {
            await db.withConnection(async (connection) => {
              for (const statement of storeSchema) await connection.run(statement);
              await stageActivityFile(connection, { kind, file: options.input, table: "staged" });
              const key = kind === "apc" ? "epikey" : "attendkey";
              // The staged rows stand in for the store's table, so the same compiled SQL runs on them.
              await connection.run(
                `CREATE TEMP TABLE input AS SELECT 'input' AS load_id, * EXCLUDE (problems, quarantined) FROM staged WHERE NOT quarantined`,
              );
              const flags = classificationSql(
                sets,
                kind === "apc"
                  ? { apcTable: "input", opTable: "op_appointments", unit }
                  : { apcTable: "apc_episodes", opTable: "input", unit },
              );
              await connection.run(
                `COPY (
                 SELECT s.source_row, s.${key} AS ${key}, ${kind === "apc" ? "s.spell_id" : `s.${key}`} AS spell,
                        CASE WHEN s.quarantined THEN 'quarantined: ' || array_to_string(list_transform(s.problems, p -> p.reason), ';') END AS quarantine,
                        coalesce(string_agg(f.intervention_id, ';' ORDER BY f.intervention_id), '') AS interventions,
                        ${quoteLiteral(unit)} AS counting_unit
                 FROM staged s LEFT JOIN (${flags}) f ON f.source_row = s.source_row
                 GROUP BY ALL ORDER BY s.source_row
               ) TO ${quoteLiteral(options.output)} (HEADER)`,
              );
            });
            process.stdout.write(
              `wrote ${options.output} (rule sets ${sets.map((s) => `${s.id}@${s.version}`).join(", ")}; counting ${unit}s)\n`,
            );
          } finally {
            db.close();
          }
        },
      ),
    );
}

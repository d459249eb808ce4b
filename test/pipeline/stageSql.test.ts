import { describe, it } from "vitest";
import { postgresDialect } from "../../src/db/Dialect.ts";
import { cubeSql, monthlySql, periodStrataSql, spellsSql } from "../../src/pipeline/buildTables.ts";
import { interventionSql } from "../../src/rules/compileCondition.ts";
import { classificationSql, loadRuleSets } from "../../src/rules/index.ts";
import { expectGolden } from "../fixtures/golden.ts";

/**
 * The SQL each build stage and each shipped rule compiles to, compared with test/golden/sql: a
 * change to a query shows in review as a diff of these files (written with EBI_UPDATE_GOLDEN=1).
 */
describe("the build stages' SQL", () => {
  it("classify, spells, cube, monthly and strata compile as stored", async () => {
    const ruleSets = await loadRuleSets(["ebi-list-1", "ebi-list-2"]);
    expectGolden("sql/stages/classify.duckdb.sql", classificationSql(ruleSets));
    expectGolden("sql/stages/spells.duckdb.sql", spellsSql());
    expectGolden("sql/stages/spells.postgres.sql", spellsSql(postgresDialect));
    expectGolden("sql/stages/cube.duckdb.sql", cubeSql());
    expectGolden("sql/stages/cube.postgres.sql", cubeSql(postgresDialect));
    expectGolden("sql/stages/monthly.duckdb.sql", monthlySql());
    expectGolden("sql/stages/strata.duckdb.sql", periodStrataSql());
  });
});

describe("each shipped rule's SQL", () => {
  it("compiles as stored, setting by setting", async () => {
    // The sets this file names; a newly shipped set adds its id here with its golden files.
    const ruleSets = await loadRuleSets(["ebi-list-1", "ebi-list-2"]);
    for (const set of ruleSets)
      for (const intervention of set.interventions)
        for (const setting of ["apc", "op"] as const) {
          const sql = interventionSql(intervention.rule, setting);
          if (sql) expectGolden(`sql/rules/${set.id}/${intervention.slug}.${setting}.sql`, sql);
        }
  });
});

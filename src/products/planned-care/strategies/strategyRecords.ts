import { randomUUID } from "node:crypto";
import type { Principal, Scope } from "../../../access/principal.ts";
import type { AuditLog } from "../../../audit/auditLog.ts";
import type { Clock } from "../../../effects/index.ts";
import { EbiError } from "../../../errors/index.ts";
import { ethnicGroups } from "../../../reference/ethnicGroups.ts";
import type { Queryable } from "../../../state/stateDb.ts";
import { strategyById } from "./catalogue.ts";

/** Who a strategy is aimed at. */
export const strategyPopulations: readonly { id: string; label: string }[] = [
  { id: "everyone", label: "Everyone on the pathway" },
  { id: "imd-quintile-1", label: "Residents of the most deprived fifth of areas (IMD quintile 1)" },
  { id: "imd-quintiles-1-2", label: "Residents of the two most deprived fifths (IMD quintiles 1 and 2)" },
  ...ethnicGroups
    .filter((g) => g.code !== "not-stated")
    .map((g) => ({ id: `ethnic-${g.code}`, label: `People of ${g.label} ethnicity` })),
];

/** A strategy an ICB records that it runs. */
export interface StrategyRecord {
  id: string;
  org_code: string;
  strategy_id: string;
  group_ids: string[];
  population: string;
  /** YYYY-MM-DD. */
  started_on: string;
  ended_on: string | null;
  note: string;
  recorded_by: string;
  recorded_at: string;
}

/** A strategy as a form or API sends it, before it is checked. */
export interface StrategyInput {
  org_code?: unknown;
  strategy_id?: unknown;
  group_ids?: unknown;
  population?: unknown;
  started_on?: unknown;
  ended_on?: unknown;
  note?: unknown;
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const validDate = (v: string) =>
  isoDate.test(v) &&
  !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
  new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

const invalid = (field: string, value: unknown, expected: string, message: string) =>
  new EbiError("EBI_STRATEGY_INVALID", message, { field, value, expected });

/**
 * Checks a strategy record: an approach of the catalogue, known procedure groups, a population,
 * ISO start (and optional end) dates in order, and an ICB in the user's scope. The first problem
 * found is named with its field, value and what was expected.
 */
export function checkStrategyInput(
  input: StrategyInput,
  context: { groupIds: readonly string[]; icbs: readonly string[]; scope: Scope },
): Omit<StrategyRecord, "id" | "recorded_by" | "recorded_at"> {
  const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  const org = text(input.org_code).toUpperCase();
  if (!context.icbs.includes(org))
    throw invalid(
      "org_code",
      input.org_code,
      `an ICB code (${context.icbs.slice(0, 5).join(", ")}…)`,
      `${JSON.stringify(input.org_code ?? "")} is not an ICB.`,
    );
  if (!context.scope.keys.has(`icb|${org}`))
    throw new EbiError(
      "EBI_FORBIDDEN",
      `You may record strategies only for ICBs in your scope; ${org} is not.`,
      {
        field: "org_code",
        value: org,
      },
    );
  const strategyId = text(input.strategy_id);
  if (!strategyById(strategyId))
    throw invalid(
      "strategy_id",
      input.strategy_id,
      "an approach id of the catalogue",
      `${JSON.stringify(input.strategy_id ?? "")} is not an approach of the catalogue.`,
    );
  const rawGroups = Array.isArray(input.group_ids)
    ? input.group_ids
    : input.group_ids === undefined
      ? []
      : [input.group_ids];
  const groups = [...new Set(rawGroups.map(text).filter((g) => g !== ""))];
  if (groups.length === 0)
    throw invalid(
      "group_ids",
      input.group_ids,
      "one or more procedure group ids",
      "Choose at least one procedure group.",
    );
  const unknown = groups.find((g) => !context.groupIds.includes(g));
  if (unknown)
    throw invalid(
      "group_ids",
      unknown,
      "a procedure group id of the build",
      `${JSON.stringify(unknown)} is not a procedure group.`,
    );
  const population = text(input.population);
  if (!strategyPopulations.some((p) => p.id === population))
    throw invalid(
      "population",
      input.population,
      strategyPopulations.map((p) => p.id).join(", "),
      `${JSON.stringify(input.population ?? "")} is not a population.`,
    );
  const started = text(input.started_on);
  if (!validDate(started))
    throw invalid(
      "started_on",
      input.started_on,
      "a date YYYY-MM-DD",
      `Start date ${JSON.stringify(input.started_on ?? "")} is not a date (YYYY-MM-DD).`,
    );
  const endedText = text(input.ended_on);
  if (endedText !== "" && (!validDate(endedText) || endedText < started))
    throw invalid(
      "ended_on",
      input.ended_on,
      `empty, or a date YYYY-MM-DD on or after ${started}`,
      `End date ${JSON.stringify(input.ended_on)} must be a date on or after the start.`,
    );
  return {
    org_code: org,
    strategy_id: strategyId,
    group_ids: groups,
    population,
    started_on: started,
    ended_on: endedText === "" ? null : endedText,
    note: text(input.note).slice(0, 500),
  };
}

const columns =
  "id, org_code, strategy_id, group_ids, population, to_char(started_on, 'YYYY-MM-DD') AS started_on, to_char(ended_on, 'YYYY-MM-DD') AS ended_on, note, recorded_by, recorded_at";

const normalise = (row: StrategyRecord): StrategyRecord => ({
  ...row,
  group_ids: typeof row.group_ids === "string" ? (JSON.parse(row.group_ids) as string[]) : row.group_ids,
  recorded_at: new Date(row.recorded_at).toISOString(),
});

/** Stores a checked strategy and records the event in the audit log. */
export async function recordStrategy(
  db: Queryable,
  audit: AuditLog | null,
  clock: Clock,
  principal: Principal,
  checked: Omit<StrategyRecord, "id" | "recorded_by" | "recorded_at">,
): Promise<StrategyRecord> {
  const id = randomUUID();
  const [row] = await db.query<StrategyRecord>(
    `INSERT INTO planned_care_strategies (id, org_code, strategy_id, group_ids, population, started_on, ended_on, note, recorded_by, recorded_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6::date, $7::date, $8, $9, $10) RETURNING ${columns}`,
    [
      id,
      checked.org_code,
      checked.strategy_id,
      JSON.stringify(checked.group_ids),
      checked.population,
      checked.started_on,
      checked.ended_on,
      checked.note,
      principal.userId,
      clock.now().toISOString(),
    ],
  );
  await audit?.record({
    kind: "strategy-recorded",
    actor: principal.userId,
    detail: {
      username: principal.username,
      organisations: [checked.org_code],
      strategy: checked.strategy_id,
      id,
    },
  });
  return normalise(row as StrategyRecord);
}

/** Every recorded strategy, or those of `orgCodes`, oldest start first. */
export async function listStrategies(db: Queryable, orgCodes?: readonly string[]): Promise<StrategyRecord[]> {
  const rows = orgCodes
    ? await db.query<StrategyRecord>(
        `SELECT ${columns} FROM planned_care_strategies WHERE org_code = ANY($1::text[]) ORDER BY started_on, recorded_at`,
        [orgCodes as string[]],
      )
    : await db.query<StrategyRecord>(
        `SELECT ${columns} FROM planned_care_strategies ORDER BY started_on, recorded_at`,
      );
  return rows.map(normalise);
}

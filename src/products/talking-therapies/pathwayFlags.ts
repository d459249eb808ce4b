import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteLiteral, runOn } from "../../db/index.ts";
import { ensureImdTable, imdTable } from "./deprivation.ts";
import { anxietyToolSql, descriptorGroupSql } from "./problemDescriptors.ts";
import { ensureOptionalTables } from "./stageTables.ts";
import { type ThresholdSet, toolThreshold, usableInOutcomes } from "./thresholds.ts";

/**
 * Referral-level flags, as NHS England derives them, from the clean IAPT tables (`tt_<table>`).
 * The SQL is built from small named pieces, each a CTE; `tt_pathway` holds one row per pathway
 * with its appointments and scores, and `tt_period` adds the flags for one reporting period.
 */

/** Therapy codes (SNOMED CT) marking the step, from NHS England's published dashboard SQL. */
export const lowIntensityCodes = [
  "748051000000105",
  "748101000000105",
  "748041000000107",
  "748091000000102",
  "748061000000108",
  "199314001",
  "702545008",
  "1026111000000108",
  "975131000000104",
];
export const highIntensityCodes = [
  "1127281000000100",
  "1129471000000105",
  "842901000000108",
  "286711000000107",
  "314034001",
  "449030000",
  "933221000000107",
  "1026131000000100",
  "304891004",
  "443730003",
];

/** Treatment appointments: AppType 02, 03, 05. Attended: AttendOrDNACode 5 (on time) or 6 (late, seen). */
export const treatmentAppTypes = ["02", "03", "05"];
export const attendedCodes = ["5", "6"];

const list = (codes: readonly string[]) => codes.map(quoteLiteral).join(", ");

/** Pieces of the pathway table, in dependency order. */
export function pathwayPieces(set: ThresholdSet): Record<string, string> {
  const toolRows = set.tools.flatMap((t) =>
    t.snomed.map((code) => `(${quoteLiteral(code)}, ${quoteLiteral(t.tool)})`),
  );
  const usable = set.tools.filter(usableInOutcomes).map((t) => t.tool);
  return {
    tool_codes: toolRows.length
      ? `SELECT * FROM (VALUES ${toolRows.join(", ")}) AS v(code, tool)`
      : "SELECT NULL::VARCHAR AS code, NULL::VARCHAR AS tool WHERE false",
    contacts: `SELECT PathwayID, CareContactId, CareContDate, AppType, AttendOrDNACode,
        AttendOrDNACode IN (${list(attendedCodes)}) AS attended,
        AppType IN (${list(treatmentAppTypes)}) AS treatment
      FROM tt_IDS201CareContact`,
    // One pass over the attended contacts gives the treatment appointments and the last attended
    // date. Only the dates are kept, so sorting the dates themselves gives the same list as
    // ordering the contacts, without an ordered aggregate.
    attended: `SELECT PathwayID, count(*) FILTER (WHERE treatment) AS treatment_count,
        list_sort(list(CareContDate) FILTER (WHERE treatment)) AS treatment_dates,
        max(CareContDate) AS last_attended_date
      FROM contacts WHERE attended GROUP BY PathwayID`,
    // Each care activity with its contact, joined once for both the step and the scores (the
    // join of the two largest tables is the costliest step of the pathway table).
    activity_contacts: `SELECT a.CareActId, a.CodeProcAndProcStatus, c.PathwayID, c.CareContDate, c.attended, c.treatment
      FROM tt_IDS202CareActivity a JOIN contacts c ON c.CareContactId = a.CareContactId`,
    steps: `SELECT PathwayID,
        bool_or(CodeProcAndProcStatus IN (${list(highIntensityCodes)})) AS high,
        bool_or(CodeProcAndProcStatus IN (${list(lowIntensityCodes)})) AS low
      FROM activity_contacts WHERE attended AND treatment GROUP BY PathwayID`,
    descriptor: `SELECT PathwayID, upper(regexp_replace(PresComp, '[^A-Za-z0-9]', '', 'g')) AS descriptor_code
      FROM tt_IDS603PresentingComplaints
      QUALIFY row_number() OVER (PARTITION BY PathwayID
        ORDER BY (PresCompCodSig = 'P') DESC NULLS LAST, PresCompDate DESC NULLS LAST, source_row DESC) = 1`,
    // Scores from both places the data set records them: at a care activity (IDS607, dated by
    // the questionnaire or else its contact) and for the referral (IDS606, always dated).
    scores: `SELECT s.* FROM (
        SELECT coalesce(c.PathwayID, s.PathwayID) AS PathwayID, t.tool, s.PersScore AS score,
          coalesce(s.AssToolCompDate, c.CareContDate) AS score_date, c.CareContDate AS contact_date, s.CareActId
        FROM tt_IDS607CodedScoreAssessmentAct s
        JOIN tool_codes t ON t.code = s.CodedAssToolType
        -- An activity always has its contact here (orphans are quarantined when staged).
        LEFT JOIN activity_contacts c ON c.CareActId = s.CareActId
        UNION ALL
        SELECT s.PathwayID, t.tool, s.PersScore, s.AssToolCompDate, NULL::DATE, NULL::VARCHAR
        FROM tt_IDS606CodedScoreAssessmentRefer s
        JOIN tool_codes t ON t.code = s.CodedAssToolType) s
      LEFT JOIN (SELECT PathwayID AS r_pathway, ServDischDate FROM tt_IDS101Referral) r ON r.r_pathway = s.PathwayID
      -- Scores after the discharge come from follow-ups, which are not part of the course's outcome.
      WHERE s.score_date IS NULL OR r.ServDischDate IS NULL OR s.score_date <= r.ServDischDate`,
    // First score: the earliest; last score: the latest, only when there are two or more (paired).
    // The order key sorts undated scores last, as NULLS LAST would, so arg_min/arg_max pick the
    // same first and last scores as sorting every score would.
    tool_scores: `SELECT PathwayID, tool, count(*) AS n, arg_min(score, score_order) AS first_score,
        CASE WHEN count(*) >= 2 THEN arg_max(score, score_order) END AS last_score
      FROM (SELECT *, {'d': coalesce(score_date, DATE '9999-12-31'), 'c': coalesce(contact_date, DATE '9999-12-31'),
                       'n': CareActId IS NULL, 'a': coalesce(CareActId, '')} AS score_order FROM scores)
      WHERE PathwayID IS NOT NULL GROUP BY PathwayID, tool`,
    people: `SELECT LocalPatientId, PersonBirthDate, Gender, EthnicCategory, LSOA2011, IndicesOfDeprivationDecile
      FROM tt_IDS001MPI`,
    base: `SELECT r.PathwayID, r.LocalPatientId, r.OrgID_Provider AS provider,
        coalesce(r.OrgIDComm, 'UNKNOWN') AS commissioner, r.ReferralRequestReceivedDate AS referral_date,
        r.ServDischDate AS discharge_date, r.EndCode AS end_code, r.SourceOfReferralMH AS referral_source,
        coalesce(t.treatment_count, 0) AS treatment_count, coalesce(t.treatment_dates, []::DATE[]) AS treatment_dates,
        t.treatment_dates[1] AS first_treatment_date, t.treatment_dates[2] AS second_treatment_date,
        t.treatment_dates[3] AS third_treatment_date, t.treatment_dates[-1] AS last_treatment_date,
        t.last_attended_date,
        d.descriptor_code, ${descriptorGroupSql("d.descriptor_code")} AS descriptor_group,
        CASE WHEN st.high THEN 'High intensity' WHEN st.low THEN 'Low intensity' ELSE 'Not recorded' END AS step,
        p.PersonBirthDate AS birth_date, p.Gender AS gender, p.EthnicCategory AS ethnic_category,
        p.LSOA2011 AS lsoa,
        -- The decile of the LSOA from the IMD lookup, as the publication derives it; the extract's
        -- own decile only where the lookup has no such LSOA.
        coalesce(imd.imd_decile, CAST(p.IndicesOfDeprivationDecile AS INTEGER)) AS imd_decile
      FROM tt_IDS101Referral r
      LEFT JOIN attended t USING (PathwayID)
      LEFT JOIN steps st USING (PathwayID)
      LEFT JOIN descriptor d USING (PathwayID)
      LEFT JOIN people p ON p.LocalPatientId = r.LocalPatientId
      LEFT JOIN ${imdTable} imd ON imd.lsoa = p.LSOA2011`,
    // The anxiety measure: the one recommended for the descriptor when its thresholds are confirmed
    // and it has paired scores; otherwise GAD-7.
    chosen: `SELECT b.*, ${anxietyToolSql("b.descriptor_group")} AS recommended_tool,
        CASE WHEN ${anxietyToolSql("b.descriptor_group")} IN (${list(usable)}) AND rec.n >= 2
             THEN ${anxietyToolSql("b.descriptor_group")} ELSE 'gad7' END AS anxiety_tool,
        coalesce(rec.n, 0) >= 2 AS recommended_paired
      FROM base b
      LEFT JOIN tool_scores rec ON rec.PathwayID = b.PathwayID AND rec.tool = ${anxietyToolSql("b.descriptor_group")}`,
    with_scores: `SELECT c.*, phq.first_score AS phq9_first, phq.last_score AS phq9_last,
        anx.first_score AS anxiety_first, anx.last_score AS anxiety_last,
        ${thresholdCase(set, "c.anxiety_tool", "caseness")} AS anxiety_caseness,
        ${thresholdCase(set, "c.anxiety_tool", "reliableChange")} AS anxiety_reliable_change
      FROM chosen c
      LEFT JOIN tool_scores phq ON phq.PathwayID = c.PathwayID AND phq.tool = 'phq9'
      LEFT JOIN tool_scores anx ON anx.PathwayID = c.PathwayID AND anx.tool = c.anxiety_tool`,
  };
}

function thresholdCase(set: ThresholdSet, tool: string, key: "caseness" | "reliableChange"): string {
  const arms = set.tools
    .filter(usableInOutcomes)
    .map((t) => `WHEN ${quoteLiteral(t.tool)} THEN ${Number(t[key])}`);
  return `CASE ${tool} ${arms.join(" ")} END`;
}

/**
 * Outcome flags over `with_scores`, as the catalogue constructs them (SQL's NULL logic does the
 * work: a missing score makes a comparison unknown, so the flag is false):
 * caseness = first PHQ-9 ≥ 10 or first anxiety score ≥ its cut-off; not at caseness = both first
 * scores present and below; recovery = at caseness and both last scores below; reliable
 * improvement = paired on both, a drop ≥ the reliable change on at least one and a rise ≥ it on
 * neither; reliable deterioration = paired on both and a rise ≥ the reliable change on at least
 * one; no reliable change = paired on both and neither; reliable recovery = recovery and reliable
 * improvement.
 */
export function outcomePieces(set: ThresholdSet): Record<string, string> {
  const phq = toolThreshold(set, "phq9");
  const phqCut = Number(phq.caseness);
  const phqRc = Number(phq.reliableChange);
  const paired = `(phq9_last IS NOT NULL AND anxiety_last IS NOT NULL)`;
  const drop = `(phq9_first - phq9_last >= ${phqRc} OR anxiety_first - anxiety_last >= anxiety_reliable_change)`;
  const rise = `(phq9_last - phq9_first >= ${phqRc} OR anxiety_last - anxiety_first >= anxiety_reliable_change)`;
  return {
    outcomes: `SELECT *,
        coalesce(phq9_first >= ${phqCut} OR anxiety_first >= anxiety_caseness, false) AS caseness_start,
        coalesce(phq9_first < ${phqCut} AND anxiety_first < anxiety_caseness, false) AS not_caseness_start,
        coalesce(${paired} AND ${drop} AND NOT ${rise}, false) AS reliably_improved,
        coalesce(${paired} AND ${rise}, false) AS reliably_deteriorated,
        coalesce(${paired} AND NOT ${drop} AND NOT ${rise}, false) AS no_reliable_change_flag,
        coalesce(phq9_last < ${phqCut} AND anxiety_last < anxiety_caseness, false) AS below_caseness_end
      FROM with_scores`,
  };
}

/** Builds `tt_pathway`: one row per pathway with appointments, descriptor, scores and outcome flags. */
export async function buildPathways(connection: DuckDBConnection, set: ThresholdSet): Promise<void> {
  await ensureImdTable(connection);
  await ensureOptionalTables(connection);
  const pieces = { ...pathwayPieces(set), ...outcomePieces(set) };
  const ctes = Object.entries(pieces)
    .map(([name, sql]) => `${name} AS (${sql})`)
    .join(",\n");
  await runOn(
    connection,
    `CREATE OR REPLACE TABLE tt_pathway AS WITH ${ctes} SELECT * FROM outcomes`,
    undefined,
    "derive pathway flags",
  );
}

/**
 * Builds `tt_period`: `tt_pathway` with the flags for the period `from`–`to` (inclusive):
 * received in the period; finished (discharged in the period with ≥ 2 attended treatment
 * appointments); and the outcome flags, each only for finished pathways.
 */
export async function buildPeriod(connection: DuckDBConnection, from: string, to: string): Promise<void> {
  await runOn(
    connection,
    `CREATE OR REPLACE TABLE tt_period AS
     WITH p AS (SELECT *, $from::DATE AS period_start, $to::DATE AS period_end,
                  referral_date BETWEEN $from::DATE AND $to::DATE AS received,
                  coalesce(discharge_date BETWEEN $from::DATE AND $to::DATE AND treatment_count >= 2, false) AS finished
                FROM tt_pathway)
     SELECT *,
       finished AND caseness_start AS at_caseness,
       finished AND not_caseness_start AS not_at_caseness,
       finished AND caseness_start AND below_caseness_end AS recovery,
       finished AND reliably_improved AS improvement,
       finished AND reliably_deteriorated AS deterioration,
       finished AND no_reliable_change_flag AS no_reliable_change,
       finished AND caseness_start AND below_caseness_end AND reliably_improved AS reliable_recovery,
       CAST(date_part('year', age(period_end, birth_date)) AS INTEGER) AS age_at_period_end
     FROM p`,
    { from, to },
    "flag the period",
  );
}

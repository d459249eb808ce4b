import { quoteIdentifier } from "../db/index.ts";

/** The statuses of a restricted spell, best first: a spell takes the best any of its approvals gives. */
export const matchStatuses = [
  "approved",
  "approved_after",
  "expired",
  "other_provider",
  "declined",
  "other_intervention",
  "no_approval",
] as const;
export type MatchStatus = (typeof matchStatuses)[number];

/** The columns of `ebi approvals match`'s output, in order. */
export const matchColumns = [
  "spell_id",
  "patient_id",
  "intervention_id",
  "official_id",
  "admission_date",
  "provider_code",
  "approval_ref",
  "status",
  "reason",
] as const;

/** True when two ODS codes name the same provider: equal, or one is the 3-character trust of the other's site. */
const sameProvider = (a: string, b: string) =>
  `(${a} = ${b} OR (length(${a}) = 3 AND starts_with(${b}, ${a})) OR (length(${b}) = 3 AND starts_with(${a}, ${b})))`;

/**
 * What one approval says about one spell, `d` the admission date. Only an approved decision for this
 * intervention can cover it; each later status relaxes one condition of `approved`. An approval
 * decided before `d` that only comes into force after it is `approved_after`: it was not in force on
 * the day, and it was granted for treatment after it.
 */
const outcomeSql = `CASE
    WHEN a.target_id <> s.intervention_id THEN 'other_intervention'
    WHEN a.decision <> 'approved' THEN 'declined'
    WHEN s.provider_code IS NULL OR NOT ${sameProvider("a.provider_code", "s.provider_code")} THEN 'other_provider'
    WHEN a.decision_date > s.admission_date THEN 'approved_after'
    WHEN s.admission_date > a.valid_to THEN 'expired'
    WHEN s.admission_date < a.valid_from THEN 'approved_after'
    ELSE 'approved' END`;

const rankSql = (status: string) =>
  `CASE ${status} ${matchStatuses.map((m, i) => `WHEN '${m}' THEN ${i + 1}`).join(" ")} END`;

const typeWords = `CASE a.approval_type WHEN 'PA' THEN 'prior approval' ELSE 'individual funding request' END`;
const approvalWords = `'Approval ' || a.approval_ref || ' (' || ${typeWords} || ')'`;
const day = (x: string) => `strftime(${x}, '%Y-%m-%d')`;
const where = `coalesce(s.provider_code, 'an unrecorded provider')`;

/** The reason sentence of each status, naming the approval and the dates it turned on. */
const reasonSql = `CASE m.status
    WHEN 'approved' THEN ${approvalWords} || ' for ' || a.provider_code || ', approved on ' || ${day("a.decision_date")}
      || ' and valid from ' || ${day("a.valid_from")} || ' to ' || ${day("a.valid_to")} || ', covers the admission on '
      || ${day("s.admission_date")} || ' at ' || ${where} || '.'
    WHEN 'approved_after' THEN CASE WHEN a.decision_date > s.admission_date
      THEN ${approvalWords} || ' was approved on ' || ${day("a.decision_date")} || ', after the admission on ' || ${day("s.admission_date")} || '.'
      ELSE ${approvalWords} || ' was approved on ' || ${day("a.decision_date")} || ' but is valid only from ' || ${day("a.valid_from")}
        || ', after the admission on ' || ${day("s.admission_date")} || '.' END
    WHEN 'expired' THEN ${approvalWords} || ', approved on ' || ${day("a.decision_date")} || ', was valid from ' || ${day("a.valid_from")}
      || ' to ' || ${day("a.valid_to")} || ' and had expired by the admission on ' || ${day("s.admission_date")} || '.'
    WHEN 'other_provider' THEN ${approvalWords} || ', approved on ' || ${day("a.decision_date")} || ', is for provider ' || a.provider_code
      || ', but the admission on ' || ${day("s.admission_date")} || ' was at ' || ${where} || '.'
    WHEN 'declined' THEN ${approvalWords} || ' was ' || a.decision || ' on ' || ${day("a.decision_date")}
      || '; the patient has no approved request for this intervention (admitted on ' || ${day("s.admission_date")} || ').'
    WHEN 'other_intervention' THEN 'The patient''s approvals are for other interventions only; the latest, ' || a.approval_ref
      || ' (' || ${typeWords} || ', ' || a.decision || ' on ' || ${day("a.decision_date")} || '), is for ' || array_to_string(a.intervention_ids, ', ')
      || ' (admitted on ' || ${day("s.admission_date")} || ').'
    ELSE 'No approval for this patient is on file (admitted on ' || ${day("s.admission_date")} || ' at ' || ${where} || ').'
  END
  || CASE WHEN m.candidates > 1 THEN ' Best of ' || m.candidates || ' approvals on file for the patient.' ELSE '' END
  || CASE WHEN m.status IN ('approved', 'approved_after') AND u.spells > 1 THEN ' The same approval is named for ' || (u.spells - 1) || ' other spell' || CASE WHEN u.spells > 2 THEN 's' ELSE '' END || '.' ELSE '' END`;

/**
 * The matching as one statement from named pieces: `spells` (restricted_spells' columns, with
 * `patient_keys`) against `approvals` (the store's approval columns, quarantined rows excluded),
 * `keys` naming each intervention's official id. One row per spell × intervention with its status,
 * then one row per approval no spell names (`unused`). Columns: `matchColumns`, then `sub_icb`,
 * `age`, `sex`, `ethnos`, `imd_decile`, `approval_type`, `decision`, `decision_date` for the audit.
 */
export function matchApprovalsSql(options: { spells: string; approvals: string; keys: string }): string {
  const spells = quoteIdentifier(options.spells);
  const approvals = quoteIdentifier(options.approvals);
  const keys = quoteIdentifier(options.keys);
  return `WITH spell_keys AS (
  SELECT spell_id, intervention_id, unnest(patient_keys) AS patient_key FROM ${spells}
), approval_targets AS (
  SELECT *, unnest(CASE WHEN len(intervention_ids) = 0 THEN [NULL::VARCHAR] ELSE intervention_ids END) AS target_id FROM ${approvals}
), pairs AS (
  SELECT DISTINCT k.spell_id, k.intervention_id, a.approval_ref, a.target_id
  FROM spell_keys k JOIN approval_targets a ON a.patient_key = k.patient_key
), outcomes AS (
  SELECT p.spell_id, p.intervention_id, a.approval_ref, a.decision_date, a.valid_from, a.valid_to, ${outcomeSql} AS status
  FROM pairs p
  JOIN ${spells} s ON s.spell_id = p.spell_id AND s.intervention_id = p.intervention_id
  JOIN approval_targets a ON a.approval_ref = p.approval_ref AND a.target_id IS NOT DISTINCT FROM p.target_id
), ranked AS (
  SELECT *,
    count(DISTINCT approval_ref) OVER (PARTITION BY spell_id, intervention_id) AS candidates,
    row_number() OVER (
      PARTITION BY spell_id, intervention_id
      ORDER BY ${rankSql("status")},
        CASE WHEN status = 'approved_after' THEN decision_date END ASC,
        CASE WHEN status = 'expired' THEN valid_to END DESC,
        decision_date DESC, valid_from DESC, approval_ref
    ) AS nth
  FROM outcomes
), chosen AS (
  SELECT spell_id, intervention_id, approval_ref, status, candidates FROM ranked WHERE nth = 1
), uses AS (
  SELECT approval_ref, count(*) AS spells FROM chosen WHERE status IN ('approved', 'approved_after') GROUP BY approval_ref
), official AS (
  SELECT DISTINCT intervention_id, official_id FROM ${keys}
), spell_rows AS (
  SELECT s.spell_id, s.patient_id, s.intervention_id, o.official_id, s.admission_date, s.provider_code,
    m.approval_ref, coalesce(m.status, 'no_approval') AS status,
    m.candidates, s.sub_icb, s.age, s.sex, s.ethnos, s.imd_decile
  FROM ${spells} s
  LEFT JOIN chosen m USING (spell_id, intervention_id)
  LEFT JOIN official o ON o.intervention_id = s.intervention_id
), matched AS (
  SELECT m.spell_id, m.patient_id, m.intervention_id, m.official_id, m.admission_date, m.provider_code,
    m.approval_ref, m.status, ${reasonSql} AS reason,
    m.sub_icb, m.age, m.sex, m.ethnos, m.imd_decile, a.approval_type, a.decision, a.decision_date,
    0 AS part
  FROM spell_rows m
  JOIN ${spells} s USING (spell_id, intervention_id)
  LEFT JOIN ${approvals} a ON a.approval_ref = m.approval_ref
  LEFT JOIN uses u ON u.approval_ref = m.approval_ref
), unused AS (
  SELECT NULL::VARCHAR AS spell_id, a.patient_id, array_to_string(a.intervention_ids, ';') AS intervention_id,
    (SELECT string_agg(DISTINCT o.official_id, ';') FROM official o WHERE list_contains(a.intervention_ids, o.intervention_id)) AS official_id,
    NULL::DATE AS admission_date, a.provider_code, a.approval_ref, 'unused' AS status,
    ${approvalWords} || ' for ' || array_to_string(a.intervention_ids, ', ') || coalesce(' at ' || a.provider_code, '') || ', ' || a.decision || ' on ' || ${day("a.decision_date")}
      || coalesce(' and valid from ' || ${day("a.valid_from")} || ' to ' || ${day("a.valid_to")}, '')
      || ', is not named for any restricted spell of its intervention' || CASE
        WHEN EXISTS (SELECT 1 FROM spell_keys k WHERE k.patient_key = a.patient_key AND list_contains(a.intervention_ids, k.intervention_id))
          THEN ' (the patient''s spells are matched to a better approval).'
        WHEN EXISTS (SELECT 1 FROM spell_keys k WHERE k.patient_key = a.patient_key)
          THEN ' (the patient''s restricted spells are for other interventions).'
        ELSE ' (no restricted spell for this patient).' END AS reason,
    NULL::VARCHAR AS sub_icb, NULL::INTEGER AS age, NULL::VARCHAR AS sex, NULL::VARCHAR AS ethnos, NULL::INTEGER AS imd_decile,
    a.approval_type, a.decision, a.decision_date, 1 AS part
  FROM ${approvals} a
  -- An approval named only as another intervention's was not used: it is listed as well.
  WHERE a.approval_ref NOT IN (SELECT approval_ref FROM chosen WHERE status <> 'other_intervention')
)
SELECT * EXCLUDE (part) FROM (SELECT * FROM matched UNION ALL SELECT * FROM unused)
ORDER BY part, admission_date, spell_id, intervention_id, approval_ref`;
}

/**
 * The published annual figures the demo service is calibrated to: Norfolk and Suffolk NHS
 * Foundation Trust (RMY), 2024-25, Total rows, from NHS England's "NHS Talking Therapies for
 * anxiety and depression, Annual report 2024-25" (official statistics).
 * Contains public sector information licensed under the Open Government Licence v3.0.
 * The same rows are in ../shared/data/talking-therapies/measures_annual.parquet; a test checks
 * these against it.
 */
export interface ServiceTargets {
  provider: string;
  from: string;
  to: string;
  referrals_received: number;
  finished_course_treatment: number;
  at_caseness: number;
  not_at_caseness: number;
  recovery: number;
  reliable_recovery: number;
  improvement: number;
  deterioration: number;
  no_reliable_change: number;
}

export const rmy202425: ServiceTargets = {
  provider: "RMY",
  from: "2024-04-01",
  to: "2025-03-31",
  referrals_received: 64470,
  finished_course_treatment: 24555,
  at_caseness: 23585,
  not_at_caseness: 880,
  recovery: 12480,
  reliable_recovery: 11750,
  improvement: 16745,
  deterioration: 1285,
  no_reliable_change: 5660,
};

export const targetsAttribution =
  "Calibrated to NHS England, NHS Talking Therapies for anxiety and depression Annual report 2024-25 " +
  "(provider RMY, Total). Contains public sector information licensed under the Open Government Licence v3.0.";

/** Finished courses per outcome category, worked out so the flags reproduce the targets exactly. */
export interface OutcomeMix {
  noScores: number;
  firstOnly: number;
  notCaseness: number;
  recoveredImproved: number;
  recoveredNotImproved: number;
  improvedNotRecovered: number;
  deteriorated: number;
  noChangeAtCaseness: number;
}

/**
 * Splits the finished courses into categories: recovered and improved = reliable recovery;
 * recovered only = recovery − reliable recovery; improved only = improvement − reliable recovery;
 * no change = not at caseness (paired) + recovered only + at caseness without change; the rest of
 * caseness has a first score only, and the rest of finished no scores. Throws if the targets
 * cannot all hold at once.
 */
export function outcomeMix(t: ServiceTargets): OutcomeMix {
  const recoveredNotImproved = t.recovery - t.reliable_recovery;
  const improvedNotRecovered = t.improvement - t.reliable_recovery;
  const noChangeAtCaseness = t.no_reliable_change - t.not_at_caseness - recoveredNotImproved;
  const pairedAtCaseness =
    t.reliable_recovery + recoveredNotImproved + improvedNotRecovered + t.deterioration + noChangeAtCaseness;
  const mix: OutcomeMix = {
    noScores: t.finished_course_treatment - t.at_caseness - t.not_at_caseness,
    firstOnly: t.at_caseness - pairedAtCaseness,
    notCaseness: t.not_at_caseness,
    recoveredImproved: t.reliable_recovery,
    recoveredNotImproved,
    improvedNotRecovered,
    deteriorated: t.deterioration,
    noChangeAtCaseness,
  };
  for (const [key, value] of Object.entries(mix))
    if (!(value >= 0)) throw new Error(`The targets for ${t.provider} give a negative ${key} (${value}).`);
  return mix;
}

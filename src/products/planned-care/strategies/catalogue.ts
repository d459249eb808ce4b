/**
 * The approaches an ICB can take to reduce inequalities in access to planned hospital procedures,
 * as the Strategy Unit's follow-up report for the Midlands Decision Support Network lists them
 * (Strategies to reduce inequalities in access to planned hospital procedures, 2022:
 * https://www.midlandsdecisionsupport.nhs.uk/knowledge-library/strategies-to-reduce-inequalities-in-access-to-planned-hospital-procedures/).
 * Titles follow the report; what each targets and how its effect would show are written here.
 */

/** Where on the pathway an approach acts. */
export type PathwayStage = "need-to-referral" | "referral-to-decision" | "decision-to-treatment" | "payment";

/** What in the data moves first when an approach works. */
export type Signal = "admission-gap" | "referral-gap" | "wait-gap" | "attendance-gap";

export interface Strategy {
  id: string;
  title: string;
  stage: PathwayStage;
  targets: string;
  /** How its effect would show in routine data, and which figure the tracker follows. */
  evidence: string;
  signal: Signal;
}

export const strategyCatalogue: readonly Strategy[] = [
  {
    id: "case-finding",
    title: "Targeted case-finding and screening",
    stage: "need-to-referral",
    targets:
      "People in deprived areas with untreated need (cataract, osteoarthritis, hernia) who have not presented to primary care.",
    evidence:
      "Referrals and then planned admissions rise first in the targeted deciles; the admission rate gap narrows a few quarters after the start.",
    signal: "admission-gap",
  },
  {
    id: "public-awareness",
    title: "Public awareness campaigns",
    stage: "need-to-referral",
    targets:
      "Low awareness that a condition can be treated, in the communities where presentation is lowest.",
    evidence:
      "GP consultations and referrals for the condition rise in the targeted areas; the planned admission gap narrows with a lag.",
    signal: "referral-gap",
  },
  {
    id: "shared-decision-primary",
    title: "Shared decision-making in primary care",
    stage: "need-to-referral",
    targets:
      "Conversations about treatment options that leave people in deprived areas less likely to be referred.",
    evidence: "Referral rates by deprivation converge for the same need; admission rates follow.",
    signal: "referral-gap",
  },
  {
    id: "decision-aids-coaches",
    title: "Decision aids and decision coaches",
    stage: "referral-to-decision",
    targets: "People less confident to take up an offer of surgery, with help to weigh it.",
    evidence:
      "Conversion from outpatient decision to treatment evens out by deprivation; admission gap narrows.",
    signal: "admission-gap",
  },
  {
    id: "referral-thresholds",
    title: "Referral thresholds and eligibility criteria",
    stage: "need-to-referral",
    targets: "Thresholds (body mass, smoking, severity scores) that exclude more people from deprived areas.",
    evidence:
      "A step change in the admission gap when criteria are changed or waived for the groups affected.",
    signal: "admission-gap",
  },
  {
    id: "outpatient-reminders",
    title: "Outpatient appointment and treatment reminder systems",
    stage: "referral-to-decision",
    targets: "Missed first and follow-up outpatient appointments, more common in deprived areas.",
    evidence:
      "Did-not-attend rates by deprivation converge; fewer pathways closed after non-attendance; waits for the most deprived shorten.",
    signal: "attendance-gap",
  },
  {
    id: "remote-appointments",
    title: "Telephone and video appointments",
    stage: "referral-to-decision",
    targets: "Travel and time off work needed for outpatient attendances.",
    evidence:
      "Attendance rates rise where travel is the barrier; watch that digital exclusion does not widen the gap instead.",
    signal: "attendance-gap",
  },
  {
    id: "transport-support",
    title: "Transport systems, support and costs",
    stage: "decision-to-treatment",
    targets:
      "The cost and difficulty of reaching the treating site, especially for elective hubs far from deprived areas.",
    evidence:
      "Cancellations and non-attendance on the day fall in deprived deciles; the admission gap narrows.",
    signal: "admission-gap",
  },
  {
    id: "out-of-hours",
    title: "Out-of-hours appointments and treatments",
    stage: "decision-to-treatment",
    targets: "People in shift work or without paid leave who cannot attend in working hours.",
    evidence:
      "Evening and weekend activity rises with a larger share from deprived areas; admission gap narrows.",
    signal: "admission-gap",
  },
  {
    id: "active-waiting",
    title: "Active waiting",
    stage: "decision-to-treatment",
    targets:
      "Deterioration, unfitness for surgery and removal from the list while waiting, more frequent in deprived groups.",
    evidence:
      "Fewer pathways ended without treatment and shorter waits for the most deprived; admission gap narrows.",
    signal: "wait-gap",
  },
  {
    id: "shared-decision-secondary",
    title: "Shared decision-making and decision aids in secondary care",
    stage: "referral-to-decision",
    targets: "Decisions to treat at the outpatient stage that favour more confident, more affluent patients.",
    evidence: "Decision-to-treat rates per referral converge by deprivation; admission gap narrows.",
    signal: "admission-gap",
  },
  {
    id: "differential-payments",
    title: "Differential provider payments",
    stage: "payment",
    targets: "Providers' incentive to treat the quickest, least complex patients first.",
    evidence:
      "Activity for patients from deprived areas rises relative to others from the first payment period; admission gap narrows.",
    signal: "admission-gap",
  },
  {
    id: "carer-support",
    title: "Carer support",
    stage: "decision-to-treatment",
    targets: "People who cannot leave someone they care for, or have no one to care for them after surgery.",
    evidence: "Fewer patient cancellations and longer-waiters among carers; admission gap narrows a little.",
    signal: "admission-gap",
  },
  {
    id: "patient-payments",
    title: "Patient payments",
    stage: "decision-to-treatment",
    targets: "Lost earnings and costs of treatment that deter people on low incomes.",
    evidence: "Take-up of treatment offers rises in deprived deciles; admission gap narrows.",
    signal: "admission-gap",
  },
  {
    id: "clinical-prioritisation",
    title: "Prioritisation based on the clinical impacts of treatment",
    stage: "decision-to-treatment",
    targets:
      "Waiting lists ordered by date alone, when people in deprived areas wait with more severe disease.",
    evidence:
      "Waits by deprivation for the same procedure converge or reverse; admissions in deprived deciles rise.",
    signal: "wait-gap",
  },
  {
    id: "non-clinical-factors",
    title: "Taking account of non-clinical factors",
    stage: "decision-to-treatment",
    targets: "Prioritisation that ignores deprivation, ethnicity, caring or work when ordering the list.",
    evidence: "Median waits of the most deprived fall against the least deprived for the same procedure.",
    signal: "wait-gap",
  },
  {
    id: "treatment-reminders",
    title: "Treatment reminder systems",
    stage: "decision-to-treatment",
    targets: "Missed pre-operative assessments and admissions.",
    evidence: "Fewer on-the-day losses in deprived deciles; admission gap narrows.",
    signal: "attendance-gap",
  },
  {
    id: "primary-care-minor-surgery",
    title: "Minor surgery in primary care",
    stage: "decision-to-treatment",
    targets: "Hospital-based minor procedures far from the communities that need them.",
    evidence:
      "Hospital minor-procedure activity falls while total activity in deprived areas rises; the hospital admission gap can widen even as access improves, so read with primary-care activity.",
    signal: "admission-gap",
  },
];

/** The catalogue entry with this id, if any. */
export function strategyById(id: string): Strategy | undefined {
  return strategyCatalogue.find((s) => s.id === id);
}

import type { Cell, PublicTable, ReviewPage } from "./reviewTables.ts";

/** One check of the review: a figure against a stated threshold, and what to do when it crosses it. */
export interface Finding {
  id: string;
  page: ReviewPage;
  /** The table the figure comes from (its chart is drawn in the report). */
  table: string;
  /** What was checked, with the figure. */
  text: string;
  value: number | null;
  threshold: string;
  /** True when the figure crosses the threshold (an executive-summary finding). */
  crosses: boolean;
  /** The recommendation tied to the finding (shown when it crosses). */
  recommendation: string;
}

type Tables = Map<string, PublicTable>;

const rowsOf = (t: Tables, id: string) => t.get(id)?.rows ?? [];
const numberOf = (v: Cell | undefined): number | null => (typeof v === "number" ? v : null);

function standard(t: Tables, measure: string) {
  return numberOf(rowsOf(t, "standards").find((r) => r.measure === measure)?.service);
}

/**
 * The review's checks, each a published or stated threshold: the national standards; hidden
 * later waits; group DNA rates; practitioners without the required qualification; descriptors
 * left as other; paired scores; local against national; staffing guides; older adults' access.
 * Each returns a finding whether or not it crosses, so that good practice is shown as well.
 */
export function reviewFindings(tables: Tables): Finding[] {
  const out: Finding[] = [];
  const push = (f: Finding) => out.push(f);
  for (const [measure, goal, id] of [
    ["Recovery", 50, "recovery"],
    ["Reliable improvement", 67, "improvement"],
    ["First treatment within 6 weeks of referral", 75, "waits-6"],
    ["First treatment within 18 weeks of referral", 95, "waits-18"],
  ] as const) {
    const v = standard(tables, measure);
    push({
      id,
      page: "overview",
      // The monthly control charts show the measure's course against the standard.
      table: "monthly",
      text: `${measure}: ${v ?? "[c]"}% against the national standard of ${goal}%.`,
      value: v,
      threshold: `below ${goal}%`,
      crosses: v !== null && v < goal,
      recommendation: `Agree a recovery plan for ${measure.toLowerCase()} with the commissioner, with a monthly trajectory on the overview's control chart.`,
    });
  }
  // Hidden waits: second-to-third or later gaps over 18 weeks in an area where the first-to-second do not show it.
  const gaps = rowsOf(tables, "gaps").filter((r) => r.area !== "Whole service");
  const later = gaps
    .filter((r) => r.gap === "Second to third treatment" || String(r.gap).startsWith("Each later gap"))
    .map((r) => ({ area: String(r.area), gap: String(r.gap), rate: numberOf(r.over_18_rate) }))
    .filter((r) => r.rate !== null)
    .sort((a, b) => (b.rate ?? 0) - (a.rate ?? 0));
  const worst = later[0];
  push({
    id: "hidden-waits",
    page: "access",
    table: "gaps",
    text: worst
      ? `${worst.gap} in ${worst.area}: ${worst.rate}% of waits over 18 weeks, which no national measure shows.`
      : "No later gap could be shown.",
    value: worst?.rate ?? null,
    threshold: "over 10% of a later gap over 18 weeks in any area",
    crosses: (worst?.rate ?? 0) > 10,
    recommendation:
      "Develop waiting-list reports for all waits (first to second, second to third and every later gap), by area, reviewed monthly.",
  });
  const dna = new Map(rowsOf(tables, "dna-therapy-mode").map((r) => [String(r.label), numberOf(r.dna_rate)]));
  const group = dna.get("Group") ?? null;
  const individual = dna.get("Individual") ?? null;
  push({
    id: "group-dna",
    page: "treatment",
    table: "dna-therapy-mode",
    text: `Did-not-attend rate in group sessions ${group ?? "[c]"}% against ${individual ?? "[c]"}% in individual ones.`,
    value: group,
    threshold: "group DNA rate over 1.5 × the individual rate",
    crosses: group !== null && individual !== null && group > 1.5 * individual,
    recommendation:
      "Review how people are prepared for and offered groups (choice, reminders, timing), and report group DNA rates monthly.",
  });
  const quals = rowsOf(tables, "qualification-mix");
  const unqualified = quals
    .filter((r) => /no iapt qualification/i.test(String(r.qualification)))
    .reduce((s, r) => s + (numberOf(r.share) ?? 0), 0);
  push({
    id: "unqualified",
    page: "staffing",
    table: "qualification-mix",
    text: `${Math.round(10 * unqualified) / 10}% of attended treatment appointments were given by practitioners recorded as counsellors without an NHS Talking Therapies (IAPT) qualification.`,
    value: Math.round(10 * unqualified) / 10,
    threshold: "any appointments by practitioners without the required qualification",
    crosses: unqualified > 0,
    recommendation:
      "Offer the counsellors the accredited counselling-for-depression training, and until then supervise and record their work as such.",
  });
  const whole = rowsOf(tables, "completeness")[0];
  const other = numberOf(whole?.other_rate);
  push({
    id: "descriptor-other",
    page: "data-quality",
    table: "completeness",
    text: `${other ?? "[c]"}% of referrals have their problem descriptor left as the default other.`,
    value: other,
    threshold: "over 10% left as other",
    crosses: other !== null && other > 10,
    recommendation:
      "Record a specific problem descriptor at assessment so that the right anxiety measure is used; check it in the monthly data-quality report.",
  });
  const paired = [
    ["PHQ-9", numberOf(whole?.phq_rate)],
    ["the anxiety measure", numberOf(whole?.anx_rate)],
    ["the appropriate anxiety measure", numberOf(whole?.appropriate_rate)],
  ] as const;
  const lowest = [...paired].sort((a, b) => (a[1] ?? 101) - (b[1] ?? 101))[0];
  push({
    id: "paired-scores",
    page: "data-quality",
    table: "completeness",
    text: `Paired scores: ${paired.map(([name, v]) => `${v ?? "[c]"}% on ${name}`).join(", ")} of finished courses.`,
    value: lowest?.[1] ?? null,
    threshold: "below 90% of finished courses paired on any of the three",
    crosses: lowest?.[1] !== null && lowest?.[1] !== undefined && lowest[1] < 90,
    recommendation:
      "Collect scores at every treatment appointment (session by session), on the anxiety measure the problem descriptor calls for, so a last score exists whenever a course ends.",
  });
  const differs = rowsOf(tables, "reconciliation").filter((r) => r.status === "differs");
  const flaggedMonths = rowsOf(tables, "reconciliation-monthly").filter(
    (r) => r.status === "flagged" && r.period !== "Year",
  );
  push({
    id: "reconciliation",
    page: "reconciliation",
    table: "reconciliation-monthly",
    text: `${differs.length} annual measures differ from the published figures; ${flaggedMonths.length} months flagged (${flaggedMonths
      .map((r) => `${r.measure} ${r.period}`)
      .slice(0, 4)
      .join(", ")}).`,
    value: differs.length,
    threshold: "any measure differing from the published figure",
    crosses: differs.length > 0,
    recommendation:
      "Reconcile local and national data monthly, and report to the board from the figures that agree with the national data.",
  });
  for (const r of rowsOf(tables, "staffing")) {
    const status = String(r.status);
    push({
      id: `staffing-${String(r.measure)
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")}`,
      page: "staffing",
      table: "staffing",
      text: `${r.measure}: ${r.value} against the guide of ${r.guide}.`,
      value: numberOf(Number(r.value)),
      threshold: `outside ${r.guide}`,
      crosses: status !== "Within the guide",
      recommendation:
        "Use the capacity and demand calculator to agree with the commissioner the investment and workforce that access and waits need.",
    });
  }
  const older = rowsOf(tables, "equity").find(
    (r) => r.dimension === "Older adults" && r.grp === "65 and over",
  );
  const olderRatio = numberOf(older?.referral_ratio);
  push({
    id: "older-adults",
    page: "equity",
    table: "equity",
    text: `Older adults (65 and over) are referred at ${olderRatio ?? "[c]"} times their share of the population served.`,
    value: olderRatio,
    threshold: "below 0.8 times their population share",
    crosses: olderRatio !== null && olderRatio < 0.8,
    recommendation: "Work with GP practices and older people's services to raise referrals of older adults.",
  });
  return out;
}

/** The findings as a public table (for the report page, its CSV and the API). */
export function findingsTable(findings: readonly Finding[]): PublicTable {
  return {
    id: "findings",
    page: "report",
    title: "Findings against the review's thresholds",
    method:
      "Each check compares a figure from the review's tables with a stated threshold (the national standards, the review's guides, or the threshold written beside it). A finding that crosses its threshold goes into the executive summary with its recommendation; one that does not is listed as good practice.",
    columns: [
      { key: "text", label: "Finding", kind: "label" },
      { key: "threshold", label: "Threshold", kind: "text" },
      { key: "crosses", label: "Crosses it", kind: "text" },
      { key: "recommendation", label: "Recommendation", kind: "text" },
      { key: "page", label: "Section", kind: "text" },
    ],
    rows: findings.map((f) => ({
      text: f.text,
      threshold: f.threshold,
      crosses: f.crosses ? "Yes" : "No",
      recommendation: f.crosses ? f.recommendation : "",
      page: f.page,
    })),
  };
}

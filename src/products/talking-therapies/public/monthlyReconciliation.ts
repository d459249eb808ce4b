import type { Cell, PublicTable } from "./reviewTables.ts";

/** A month whose figure is below this share of the median month is flagged. */
export const lowMonthShare = 0.75;
/** A month whose figure is above this share of the median month is flagged. */
export const highMonthShare = 1.25;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? 0 : s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

export interface PublishedYear {
  referrals: number | null;
  finished: number | null;
}

/**
 * Reconciliation month by month, then the year: each month's local referrals and finished
 * courses (rounded) against the median month and the published year's monthly average; a month
 * more than 25% below or above the median is flagged, with the cause the annual reconciliation
 * gives for that measure. NHS England publishes the year by provider here; monthly national
 * figures, where a service has them, take the published-month column's place.
 */
export function monthlyReconciliation(
  monthly: PublicTable,
  published: PublishedYear,
  annualCauses: Record<string, string>,
): PublicTable {
  const measures = [
    {
      key: "referrals",
      name: "Referrals received",
      published: published.referrals,
      cause: annualCauses.referrals,
    },
    {
      key: "finished",
      name: "Finished a course",
      published: published.finished,
      cause: annualCauses.finished,
    },
  ];
  const rows: Record<string, Cell>[] = [];
  for (const m of measures) {
    const values = monthly.rows.map((r) => (typeof r[m.key] === "number" ? (r[m.key] as number) : null));
    const shown = values.filter((v): v is number => v !== null);
    const mid = median(shown);
    const perMonth = m.published === null ? null : m.published / Math.max(1, monthly.rows.length);
    monthly.rows.forEach((r, i) => {
      const v = values[i] ?? null;
      const share = v === null || mid === 0 ? null : v / mid;
      const flagged = share !== null && (share < lowMonthShare || share > highMonthShare);
      rows.push({
        measure: m.name,
        period: String(r.month),
        local: v,
        median_month: Math.round(mid),
        published: perMonth === null ? "–" : `${Math.round(perMonth)} (year ÷ ${monthly.rows.length})`,
        difference: share === null ? "–" : `${Math.round(100 * (share - 1))}%`,
        status: flagged ? "flagged" : v === null ? "hidden" : "in line",
        explanation: flagged
          ? `${share !== null && share < 1 ? "Well below" : "Well above"} the median month. ${m.cause ?? "No cause found in the extract."}`
          : "",
      });
    });
    const total = shown.reduce((s, v) => s + v, 0);
    const diff = m.published === null ? null : total - m.published;
    rows.push({
      measure: m.name,
      period: "Year",
      local: total,
      median_month: Math.round(mid),
      published: m.published === null ? "–" : String(m.published),
      difference: diff === null ? "–" : String(diff),
      status: diff === null ? "–" : Math.abs(diff) <= 2.5 * monthly.rows.length ? "agrees" : "flagged",
      explanation: diff !== null && Math.abs(diff) > 2.5 * monthly.rows.length ? (m.cause ?? "") : "",
    });
  }
  return {
    id: "reconciliation-monthly",
    page: "reconciliation",
    title: "Month by month: local figures against the median month and the published year",
    method: `Each month's referrals received and finished courses in the local extract (rounded counts, as on the overview's monthly table), against the median month of the year and NHS England's published figure for the year (spread evenly over its months). A month below ${100 * lowMonthShare}% or above ${100 * highMonthShare}% of the median month is flagged and explained with the cause the annual reconciliation found; the year's sum of rounded months is compared with the published year, agreeing when within 2.5 a month (the rounding).`,
    columns: [
      { key: "measure", label: "Measure", kind: "label" },
      { key: "period", label: "Month", kind: "label" },
      { key: "local", label: "Local extract", kind: "count" },
      { key: "median_month", label: "Median month", kind: "text" },
      { key: "published", label: "Published", kind: "text" },
      { key: "difference", label: "Difference", kind: "text" },
      { key: "status", label: "Status", kind: "text" },
      { key: "explanation", label: "Explanation", kind: "text" },
    ],
    rows,
  };
}

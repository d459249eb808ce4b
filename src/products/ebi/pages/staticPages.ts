import { policyStatement } from "../../../disclosure/policy.ts";
import type { LoadedRelease } from "../release/readRelease.ts";

const esc = (s: unknown) =>
  String(s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
const n = (v: number) => v.toLocaleString("en-GB");

/** How every figure is made, with this release's settings. */
export function methodsPage(release: LoadedRelease): string {
  const m = release.manifest;
  const baselines = Object.entries(m.periods.baseline)
    .map(([list, p]) => `<li>${esc(list)}: ${esc(p.start)} to ${esc(p.end)}</li>`)
    .join("");
  return `<h1>How these figures are calculated</h1>
<h2>What is counted</h2>
<p>Each intervention is a rule in a versioned rule set (${m.rule_sets.map((s) => `${esc(s.id)} ${esc(s.version)}`).join(", ")}): procedure and diagnosis codes at a position, age and sex limits, exclusions, and two global rules: emergency admissions are not counted, and a spell is not counted if any of its diagnoses is a cancer (C00–C97, D00–D09, D37–D48). One count is ${esc(m.counting_unit?.definition ?? "a spell (a stay in hospital), once however many of its episodes match")}. Each intervention page shows its rule in words and codes, with its source and confidence.</p>
<h2>Baselines and goals</h2>
<ul>${baselines}</ul>
<p>Rates are per 100,000 population, directly age-sex standardised to the European Standard Population 2013 with Dobson 95% intervals, and not calculated below 10 spells. ${esc(m.goal.method)} The goal percentile in this release is the ${m.goal.percentile}th. The goal is for the latest 12 months (${esc(m.periods.latest.start)} to ${esc(m.periods.latest.end)}). The monthly trajectory spreads each goal over the year with England's baseline seasonal profile. Progress is the share of the asked reduction (baseline − goal) the latest 12 months have made, from 0% (no fewer spells than the baseline) to "goal met"; under half a spell asked is "no reduction asked". The opportunity left is the cost of the latest 12 months' spells still above the goal: £0 once it is met.</p>
<h2>Money</h2><p>${esc(m.costs.source)}</p>
<h2>Control charts</h2>
<p>Monthly spells are charted as XmR charts (NHS “Making Data Count”): mean ± 2.66 × mean moving range, recalculated at the programme's start (April 2019), the pandemic (March 2020) and recovery (April 2021); fewer than 13 points give trial limits (marked on the chart). Special causes: a point beyond a limit, 7 points rising or falling, 2 of 3 beyond two thirds of the limits, 7 on one side of the mean. Lower activity is improvement. Assurance compares the goal for the period (the goal year's spells × its months ÷ 12) with the limits. April and May 2020, when planned care stopped, are charted but left out of the mean, the moving ranges and every rule, so the collapse is never read as improvement. A chart is drawn monthly when every month is published, otherwise quarterly when every quarter is, and says so; rolling 12-month totals share 11 of every 12 months and are not charted with limits.</p>
<h2>Time periods</h2><p>Quarters are of the financial year (Q1 April–June); financial years run April to March; a rolling 12 months ends with its month. A quarter's, year's or rolling total is the sum of its months only when every one of them is published, or the release's own total where it publishes one for that window (the baseline year, the latest 12 months); otherwise it is hidden, since a total beside its published months would reveal a hidden one.</p>
<h2>Variation and funnels</h2><p>Percentiles of baseline standardised rates use Hyndman and Fan type 7 over the organisations of a level whose figures are published; a page's "peers' median" is that percentile for its own level, the same median the intervention page gives for sub-ICB locations. N-fold variation is the 90th ÷ 10th percentile. Funnel limits at 95% and 99.8% use exact Poisson limits on the population.</p>
<h2>Inequality</h2><p>Deprivation comes from the LSOA of residence through the Index of Multiple Deprivation (${esc(
    m.reference
      .filter((r) => r.dataset === "imd")
      .map((r) => r.vintage)
      .join(", ") || "not loaded",
  )}); decile 1 is most deprived. The rate ratio and gap compare the age-sex standardised rates of the most and least deprived groups (the rates shown), with intervals from each rate's 95% limits; the slope index of inequality is the modelled rate of the most deprived minus that of the least deprived over population-weighted ranks (positive when the most deprived have more), and the relative index their ratio.</p>
<h2>Disclosure control</h2><p>${esc(m.disclosure.policy_name ?? "Disclosure rule")}: ${esc(policyStatement(m.disclosure))}.${m.disclosure.source ? ` Source: ${esc(m.disclosure.source)}` : ""}</p><p>${esc(m.disclosure.method)}</p><p>On this public side, percentiles, N-fold variation, goals, opportunities, money and the goal trajectory are computed from the published figures only: the spread of rates counts only sub-ICB locations whose figures are published, and an ICB's, region's or England's opportunity sums those of its published sub-ICB locations.</p>`;
}

/** What went in and what could not be used. */
export function dataQualityPage(release: LoadedRelease): string {
  const m = release.manifest;
  const inputs = m.inputs
    .map(
      (i) =>
        `<tr><td>${esc(i.kind)}</td><td>${esc(i.file.split("/").at(-1))}</td><td class="ebi-num">${n(i.rows_read)}</td><td class="ebi-num">${n(i.rows_accepted)}</td><td class="ebi-num">${n(i.rows_quarantined)}</td><td><code>${esc(i.sha256.slice(0, 12))}</code></td></tr>`,
    )
    .join("");
  const reference = m.reference
    .map((r) => `<li>${esc(r.dataset)} ${esc(r.vintage)} (<code>${esc(r.sha256.slice(0, 12))}</code>)</li>`)
    .join("");
  return `<h1>Data quality</h1>
<p>${n(m.rows.read)} rows read; ${n(m.rows.accepted)} accepted and ${n(m.rows.quarantined)} quarantined (kept aside with a reason: a missing key, a duplicate, no usable date, or an impossible primary code). Accepted + quarantined = read.</p>
<div class="ebi-table-scroll" tabindex="0" role="region" aria-label="Files loaded"><table class="nhsuk-table"><caption class="nhsuk-table__caption">Files loaded</caption><thead><tr><th scope="col">Kind</th><th scope="col">File</th><th scope="col" class="ebi-num">Read</th><th scope="col" class="ebi-num">Accepted</th><th scope="col" class="ebi-num">Quarantined</th><th scope="col">sha256</th></tr></thead><tbody>${inputs}</tbody></table></div>
<h2>Reference data</h2><ul>${reference}</ul>
<p>Each load has a full report (completeness and validity of every key field by provider and month) in the workspace's <code>reports/</code> folder.</p>`;
}

/** Every table of the release, whole, as CSV and Excel, and the bulk files of spells. */
export function downloadsPage(release: LoadedRelease): string {
  const tables: [string, string, string][] = [
    ["tables/interventions", "Interventions and their rules", "every rule set"],
    ["tables/organisations", "Organisations and their hierarchy", "every level"],
    ["tables/monthly", "Monthly spells", "every intervention and organisation"],
    [
      "tables/baselines",
      "Baselines, goals, latest 12 months, progress and money",
      "every intervention and commissioner",
    ],
    ["tables/trajectory", "Goal trajectories by month", "every intervention and commissioner"],
    ["tables/variation", "Spread of sub-ICB standardised rates", "every intervention"],
    [
      "tables/equity",
      "Rates by deprivation, ethnic group, age and sex",
      "every intervention and organisation",
    ],
  ];
  const bulk: [string, string, string][] = [
    ["activity", "Monthly spells of every intervention, England", "?level=england"],
    ["activity", "Quarterly spells of every intervention, England", "?level=england&period=quarter"],
    [
      "activity",
      "Financial-year spells of every intervention, England",
      "?level=england&period=financial_year",
    ],
    ["activity", "Monthly spells of every intervention, every sub-ICB location", "?level=sub_icb"],
    ["activity", "Quarterly spells of every intervention, every ICB", "?level=icb&period=quarter"],
  ];
  const rowOf = (path: string, text: string, note: string, query = "") =>
    `<tr><th scope="row">${esc(text)}${note ? `<span class="nhsuk-body-s">: ${esc(note)}</span>` : ""}</th><td><a href="/api/v1/${path}.csv${esc(query)}" download>CSV<span class="nhsuk-u-visually-hidden">: ${esc(text)}</span></a></td><td><a href="/api/v1/${path}.xlsx${esc(query)}" download>Excel<span class="nhsuk-u-visually-hidden">: ${esc(text)}</span></a></td></tr>`;
  const head = `<thead><tr><th scope="col">File</th><th scope="col">CSV</th><th scope="col">Excel</th></tr></thead>`;
  return `<h1>Downloads</h1><p>Every file comes from the public side of release ${esc(release.id)}: hidden figures are marked [c], and each organisation's and intervention's name sits beside its code. CSV and Excel hold every row.</p>
<h2>The release's tables, whole</h2>
<div class="ebi-table-scroll" tabindex="0" role="region" aria-label="The release's tables"><table class="nhsuk-table" id="release-tables"><caption class="nhsuk-table__caption">Each table of the release</caption>${head}<tbody>${tables.map(([p, t, n]) => rowOf(p, t, n)).join("")}</tbody></table></div>
<h2>Spells of every intervention</h2>
<div class="ebi-table-scroll" tabindex="0" role="region" aria-label="Spells of every intervention"><table class="nhsuk-table" id="bulk"><caption class="nhsuk-table__caption">Spells by period, every intervention at once</caption>${head}<tbody>${bulk.map(([p, t, q]) => rowOf(p, t, "", q)).join("")}</tbody></table></div>
<p>A quarter's or a financial year's total is shown only where every month in it is published, or where the release publishes that total itself (the baseline year, the latest 12 months): a total over a hidden month would let it be worked out.</p>
<p>The API (<a href="/api/docs">documentation</a>) returns the same tables as JSON, and any of them as CSV (<code>.csv</code>) or Excel (<code>.xlsx</code>); add <code>period=quarter</code>, <code>financial_year</code> or <code>rolling_12</code> to <code>/api/v1/activity</code> for coarser periods.</p>`;
}

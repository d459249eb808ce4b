import { policyStatement } from "../../disclosure/policy.ts";
import type { LoadedRelease } from "../../release/readRelease.ts";

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
<p>Monthly spells are charted as XmR charts (NHS “Making Data Count”): mean ± 2.66 × mean moving range, recalculated at the programme's start (April 2019), the pandemic (March 2020) and recovery (April 2021); fewer than 13 points give trial limits. Special causes: a point beyond a limit, 7 points rising or falling, 2 of 3 beyond two thirds of the limits, 7 on one side of the mean. Lower activity is improvement. Assurance compares the monthly goal with the limits.</p>
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
<table class="nhsuk-table"><caption class="nhsuk-table__caption">Files loaded</caption><thead><tr><th scope="col">Kind</th><th scope="col">File</th><th scope="col" class="ebi-num">Read</th><th scope="col" class="ebi-num">Accepted</th><th scope="col" class="ebi-num">Quarantined</th><th scope="col">sha256</th></tr></thead><tbody>${inputs}</tbody></table>
<h2>Reference data</h2><ul>${reference}</ul>
<p>Each load has a full report (completeness and validity of every key field by provider and month) in the workspace's <code>reports/</code> folder.</p>`;
}

/** Every table of the release as CSV and Excel. */
export function downloadsPage(release: LoadedRelease): string {
  const tables = [
    ["interventions", "Interventions and their rules", ""],
    ["baselines", "Baselines, goals, latest 12 months and money (every organisation)", ""],
    ["variation", "Variation between sub-ICB locations", ""],
    ["organisations", "Organisations and hierarchy", "?limit=1000"],
    [
      "activity",
      "Monthly spells of every intervention, England",
      `?intervention=${encodeURIComponent(release.interventions.find((i) => i.measurable)?.intervention_id ?? "")}`,
    ],
  ];
  const rows = tables
    .map(
      ([name, text, query]) =>
        `<tr><td>${esc(text)}</td><td><a href="/api/v1/${name}.csv${query}" download>CSV</a></td><td><a href="/api/v1/${name}.xlsx${query}" download>Excel</a></td></tr>`,
    )
    .join("");
  return `<h1>Downloads</h1><p>Every table comes from the public side of release ${esc(release.id)}: hidden figures are marked [c].</p>
<table class="nhsuk-table"><caption class="nhsuk-table__caption">Tables</caption><thead><tr><th scope="col">Table</th><th scope="col">CSV</th><th scope="col">Excel</th></tr></thead><tbody>${rows}</tbody></table>
<p>The API (<a href="/api/docs">documentation</a>) returns the same tables as JSON, and any of them as CSV (<code>.csv</code>) or Excel (<code>.xlsx</code>).</p>`;
}

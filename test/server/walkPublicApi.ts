import type { FastifyInstance } from "fastify";
import type { LoadedRelease } from "../../src/products/ebi/release/readRelease.ts";

/** Fields holding observed counts of spells. */
export const observedCountFields = ["spells", "baseline_spells", "latest_spells"];
/** Fields holding counts of spells: observed ones and the modelled goal and opportunity (the walk's default). */
export const countFields = [...observedCountFields, "goal_spells", "opportunity_spells"];

/** Every public API URL for a release: each route × intervention × organisation × breakdown. */
export function publicUrls(release: LoadedRelease, options: { orgsPerLevel?: number } = {}): string[] {
  const per = options.orgsPerLevel ?? Number.POSITIVE_INFINITY;
  const levels = ["england", "region", "icb", "sub_icb", "provider"] as const;
  const orgs = levels.flatMap((l) => release.organisations.filter((o) => o.level === l).slice(0, per));
  const urls = [
    "/api/v1/release",
    "/api/v1/interventions",
    "/api/v1/organisations?limit=10000",
    "/api/v1/variation",
  ];
  for (const o of orgs) urls.push(`/api/v1/organisations/${o.org_code}?level=${o.level}`);
  for (const i of release.interventions) {
    const id = i.intervention_id;
    urls.push(
      `/api/v1/interventions/${id}`,
      `/api/v1/baselines?intervention=${id}&limit=10000`,
      `/api/v1/variation?intervention=${id}`,
    );
    for (const level of levels)
      for (const breakdown of ["month", "financial_year"])
        urls.push(`/api/v1/activity?intervention=${id}&level=${level}&breakdown=${breakdown}&limit=10000`);
    for (const o of orgs) {
      const at = `intervention=${id}&org=${o.org_code}&level=${o.level}`;
      urls.push(`/api/v1/activity?${at}&breakdown=children&limit=10000`, `/api/v1/spc?${at}`);
      if (o.level === "provider") continue;
      urls.push(`/api/v1/goals/trajectory?${at}`);
      for (const dimension of ["imd_quintile", "imd_decile", "ethnic_group", "age_band", "sex"])
        for (const period of ["baseline", "latest"])
          urls.push(`/api/v1/equity?${at}&dimension=${dimension}&period=${period}`);
    }
  }
  return urls;
}

/** Problems in one JSON answer: a count of 1..threshold anywhere in it, or a public primary/secondary marker. */
export function disclosureProblems(
  url: string,
  body: unknown,
  threshold = 5,
  fields = countFields,
): string[] {
  const problems: string[] = [];
  const visit = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) visit(v, `${path}[${i}]`);
    } else if (value && typeof value === "object")
      for (const [key, inner] of Object.entries(value)) {
        if (fields.includes(key) && typeof inner === "number" && inner >= 1 && inner <= threshold)
          problems.push(`${url} ${path}.${key} = ${inner}`);
        if (key === "suppressed" && (inner === "primary" || inner === "secondary"))
          problems.push(`${url} ${path}.suppressed = ${inner} (tells small counts apart)`);
        visit(inner, `${path}.${key}`);
      }
  };
  visit(body, "");
  return problems;
}

/** Problems in a CSV answer: a count column holding 1..threshold, or a 0 where the JSON says redacted. */
export function csvDisclosureProblems(
  url: string,
  csv: string,
  threshold = 5,
  fields = countFields,
): string[] {
  const [header, ...lines] = csv.trim().split("\r\n");
  const names = csvCells(header ?? "");
  const problems: string[] = [];
  for (const line of lines) {
    const cells = csvCells(line);
    names.forEach((name, i) => {
      const n = Number(cells[i]);
      if (fields.includes(name) && cells[i] !== "" && n >= 1 && n <= threshold)
        problems.push(`${url} ${name} = ${cells[i]}`);
    });
  }
  return problems;
}

/** The fields of one CSV line, quoted fields (with "" for a quote) read whole. */
export function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

/** Walks every public endpoint (JSON, and CSV for tables) and returns every disclosure problem found. */
export async function walkPublicApi(
  app: FastifyInstance,
  release: LoadedRelease,
  options: { orgsPerLevel?: number; threshold?: number; csv?: boolean; fields?: string[] } = {},
): Promise<{ urls: number; problems: string[] }> {
  const problems: string[] = [];
  const urls = publicUrls(release, options);
  for (const url of urls) {
    const response = await app.inject({ method: "GET", url });
    if (response.statusCode !== 200) {
      problems.push(`${url} answered ${response.statusCode}`);
      continue;
    }
    problems.push(...disclosureProblems(url, response.json(), options.threshold, options.fields));
    if (
      options.csv !== false &&
      !url.includes("/organisations/") &&
      !url.includes("/interventions/") &&
      !url.endsWith("/release")
    ) {
      const csv = await app.inject({ method: "GET", url, headers: { accept: "text/csv" } });
      problems.push(...csvDisclosureProblems(url, csv.body, options.threshold, options.fields));
    }
  }
  return { urls: urls.length, problems };
}

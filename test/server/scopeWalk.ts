import type { FastifyInstance } from "fastify";
import type { LoadedRelease } from "../../src/products/ebi/release/readRelease.ts";
import { csvCells, publicUrls } from "./walkPublicApi.ts";

/** True when `level|code` (or, with no level known, `code` at any level) is in `scope`. */
const covered = (scope: ReadonlySet<string>, code: string, level: string | null) =>
  level ? scope.has(`${level}|${code}`) : [...scope].some((k) => k.endsWith(`|${code}`));

/**
 * Every place where `answer` differs from the anonymous answer to the same URL, attributed to the
 * nearest organisation (an object's `org_code`/`level`, else the URL's `org`/`level`), that is not
 * in `scope`: each one is a registered figure the user should not have received.
 */
export function outOfScopeDifferences(
  url: string,
  anonymous: unknown,
  answer: unknown,
  scope: ReadonlySet<string>,
): string[] {
  const params = new URL(url, "http://x.invalid").searchParams;
  const problems: string[] = [];
  const visit = (a: unknown, b: unknown, path: string, org: string | null, level: string | null) => {
    // An item only one side has is compared with an empty one, so it is attributed to its organisation.
    if (b && typeof b === "object" && !Array.isArray(b) && (a === undefined || a === null)) a = {};
    if (Array.isArray(a) && Array.isArray(b)) {
      // Items only one side has are compared with nothing, and attributed to their own organisation.
      if (a.length > b.length) problems.push(`${url} ${path}: ${a.length - b.length} items fewer signed in`);
      for (const [i, item] of b.entries()) visit(a[i], item, `${path}[${i}]`, org, level);
      return;
    }
    if (a && b && typeof a === "object" && typeof b === "object") {
      const o = b as Record<string, unknown>;
      const code = typeof o.org_code === "string" ? o.org_code : org;
      const lvl = typeof o.org_code === "string" ? (typeof o.level === "string" ? o.level : null) : level;
      // `omitted` counts the funnel's points without a usable rate: it falls by those in scope.
      for (const key of new Set([...Object.keys(a), ...Object.keys(o)]))
        if (key !== "redaction" && key !== "omitted")
          visit((a as Record<string, unknown>)[key], o[key], `${path}.${key}`, code, lvl);
      return;
    }
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return;
    if (!org || !covered(scope, org, level))
      problems.push(`${url} ${path}: ${String(a)} → ${String(b)} (organisation ${org ?? "unknown"})`);
  };
  visit(anonymous, answer, "", params.get("org"), params.get("org") ? params.get("level") : null);
  return problems;
}

/** The same for CSV: rows compared line by line, attributed by their org_code and level columns. */
export function csvOutOfScopeDifferences(
  url: string,
  anonymous: string,
  answer: string,
  scope: ReadonlySet<string>,
): string[] {
  const lines = (text: string) =>
    text
      .trim()
      .split("\r\n")
      .filter((l) => l !== "registered: not for publication");
  const [header = "", ...a] = lines(anonymous);
  const [, ...b] = lines(answer);
  const names = csvCells(header);
  const orgAt = names.indexOf("org_code");
  const levelAt = names.indexOf("level");
  const params = new URL(url, "http://x.invalid").searchParams;
  const problems: string[] = [];
  // A registered answer may have other rows only for an organisation the user may see (a control
  // chart drawn monthly once the hidden months are filled in, where the public one falls back to quarters).
  const urlOrg = params.get("org");
  if (a.length !== b.length && !(urlOrg && covered(scope, urlOrg, params.get("level"))))
    problems.push(`${url}: ${a.length} rows anonymous, ${b.length} signed in`);
  b.forEach((line, i) => {
    if (line === a[i]) return;
    const cells = csvCells(line);
    const org = orgAt >= 0 ? (cells[orgAt] ?? null) : params.get("org");
    const level = levelAt >= 0 ? (cells[levelAt] ?? null) : params.get("level");
    if (!org || !covered(scope, org, level)) problems.push(`${url} row ${i + 1}: ${a[i]} → ${line}`);
  });
  return problems;
}

/** The API URLs of the walk (every route × intervention × organisation × breakdown), with their CSV forms. */
export function walkUrls(release: LoadedRelease): { json: string[]; csv: string[] } {
  const json = publicUrls(release);
  const csv = json
    .filter((u) => /^\/api\/v1\/(activity|baselines|variation|goals\/trajectory|spc|equity)\?/.test(u))
    .map((u) => u.replace(/^(\/api\/v1\/[^?]+)\?/, "$1.csv?"));
  return { json, csv };
}

/** The page URLs: overview, every organisation, every intervention at every organisation, equity, search. */
export function pageUrls(release: LoadedRelease): string[] {
  const urls = ["/", "/search?q=alpha", "/downloads"];
  for (const o of release.organisations) {
    if (o.level !== "england") urls.push(`/organisations/${o.org_code}`);
    for (const i of release.interventions.filter((x) => x.measurable)) {
      urls.push(`/interventions/${i.intervention_id}?org=${o.org_code}`);
      urls.push(`/equity?intervention=${i.intervention_id}&org=${o.org_code}&dimension=sex`);
    }
  }
  return urls;
}

export const inject = (app: FastifyInstance, url: string, cookie?: string) =>
  app.inject({ method: "GET", url, headers: cookie ? { cookie } : {} });

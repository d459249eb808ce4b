import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEvents } from "../../src/audit/auditLog.ts";
import { buildApp } from "../../src/products/buildApp.ts";
import { type LoadedRelease, readRelease } from "../../src/products/ebi/release/readRelease.ts";
import { registeredValues, writeRegisteredFixture } from "../fixtures/release/registeredFixture.ts";
import { fixture } from "../fixtures/release/releaseFixture.ts";
import { type RegisteredTestApp, registeredTestApp } from "./registeredApp.ts";
import { csvOutOfScopeDifferences, inject, outOfScopeDifferences, pageUrls, walkUrls } from "./scopeWalk.ts";
import { type CookieJar, signIn } from "./signInFlow.ts";

let t: RegisteredTestApp;
let publicApp: FastifyInstance;
let release: LoadedRelease;
beforeAll(async () => {
  const { releasesDir } = await writeRegisteredFixture();
  release = await readRelease(releasesDir);
  publicApp = await buildApp({ release, rateLimit: 0 });
  t = await registeredTestApp({ releasesDir });
});
afterAll(async () => {
  await publicApp?.close();
  await t?.close();
});

const get = (url: string, jar?: CookieJar, headers: Record<string, string> = {}) =>
  t.app.inject({ method: "GET", url, headers: { ...(jar ? { cookie: jar.header() } : {}), ...headers } });

const scopes: Record<string, string[]> = {
  "icb-analyst": ["icb|I1", "sub_icb|S1", "sub_icb|S2"],
  "other-icb-analyst": ["icb|I2", "sub_icb|S3"],
  "sub-icb-analyst": ["sub_icb|S1"],
  "provider-analyst": ["provider|P1"],
};

describe("sign-in through the built-in provider", () => {
  it("signs a demo ICB user in and shows its sub-ICB's hidden grommets as numbers, privately", async () => {
    const { jar, final } = await signIn(t.send, "icb-analyst", { returnTo: "/account" });
    expect(final.status).toBe(302);
    expect(final.location).toBe("/account");
    const activity = await get(`/api/v1/activity?intervention=${fixture.grommets}&org=S2`, jar);
    expect(activity.statusCode).toBe(200);
    expect(activity.headers["cache-control"]).toBe("private, no-store");
    const items = activity.json().items as { spells: number | null; suppressed: string | null }[];
    expect(items.map((r) => r.spells)).toEqual(
      fixture.months.map((_, i) => registeredValues.grommets("S2", i)),
    );
    expect(items.every((r) => r.suppressed === "redacted")).toBe(true);
    const other = await get(`/api/v1/activity?intervention=${fixture.grommets}&org=S3`, jar);
    expect((other.json().items as { spells: number | null }[]).every((r) => r.spells === null)).toBe(true);
  });

  it("audits every request sent a kept registered answer, and keeps each scope's answers apart", async () => {
    const url = `/api/v1/activity?intervention=${fixture.grommets}&org=S2&kept-answer-test=1`;
    const { jar: icb } = await signIn(t.send, "icb-analyst");
    const { jar: other } = await signIn(t.send, "other-icb-analyst");
    const answers = [await get(url, icb), await get(url, icb), await get(url, icb)];
    const expected = fixture.months.map((_, i) => registeredValues.grommets("S2", i));
    for (const a of answers)
      expect((a.json().items as { spells: number | null }[]).map((r) => r.spells)).toEqual(expected);
    // Another ICB's user asking the same URL gets the public answer, not the kept registered one.
    const theirs = await get(url, other);
    expect((theirs.json().items as { spells: number | null }[]).every((r) => r.spells === null)).toBe(true);
    await t.access.audit.flush();
    const reads = (await listEvents(t.state)).filter(
      (e) => e.kind === "read" && e.detail.route?.endsWith("kept-answer-test=1"),
    );
    expect(reads.map((e) => e.detail.username)).toEqual(["icb-analyst", "icb-analyst", "icb-analyst"]);
    for (const e of reads)
      expect(e.detail).toMatchObject({ organisations: ["S2"], tables: ["monthly"], unredacted: true });
  });

  it("marks registered CSV and Excel downloads as not for publication", async () => {
    const { jar } = await signIn(t.send, "icb-analyst");
    const csv = await get(`/api/v1/activity.csv?intervention=${fixture.grommets}&org=S2`, jar);
    expect(csv.body.split("\r\n")[0]).toBe("registered: not for publication");
    expect(csv.headers["ebi-classification"]).toBe("registered: not for publication");
    expect(csv.body).toMatch(new RegExp(`${fixture.grommets},[^,]+,sub_icb,S2,[^,]+,2018-04-01,9,redacted`));
    const anonymous = await get(`/api/v1/activity.csv?intervention=${fixture.grommets}&org=S2`);
    expect(anonymous.body).not.toContain("registered");
    expect(anonymous.headers["cache-control"]).toBe("public, max-age=300");
  });

  it("shows a signed-in user's pages privately, with the public's hidden figures marked", async () => {
    const { jar } = await signIn(t.send, "other-icb-analyst");
    const page = await get(`/interventions/${fixture.grommets}?org=S3`, jar);
    expect(page.headers["cache-control"]).toBe("private, no-store");
    expect(page.body).toContain("Registered view");
    const baseline = await get(`/organisations/S3`, jar);
    expect(baseline.body).toContain(`${registeredValues.s3GrommetsBaseline} <span class="ebi-hidden-mark"`);
    const anonymous = await get(`/organisations/S3`);
    expect(anonymous.body).not.toContain('class="ebi-hidden-mark" title');
    expect(anonymous.body).toContain("[c]");
  });
});

describe("scope is enforced where data is read", () => {
  const { json: jsonUrls, csv: csvUrls } = { json: [] as string[], csv: [] as string[] };
  beforeAll(() => {
    const urls = walkUrls(release);
    jsonUrls.push(...urls.json);
    csvUrls.push(...urls.csv);
  });

  it("gives an anonymous request exactly the public service's answers on every API route and format", async () => {
    const differences: string[] = [];
    for (const url of [...jsonUrls, ...csvUrls]) {
      const [a, b] = await Promise.all([inject(publicApp, url), inject(t.app, url)]);
      if (a.body !== b.body) differences.push(url);
    }
    expect(jsonUrls.length).toBeGreaterThan(300);
    expect(differences).toEqual([]);
  }, 120_000);

  for (const [username, scope] of Object.entries(scopes))
    it(`gives ${username} registered figures of ${scope.join(", ")} only, on every API route as JSON and CSV, and audits only those`, async () => {
      const { jar } = await signIn(t.send, username);
      const cookie = jar.header();
      const allowed = new Set(scope);
      const problems: string[] = [];
      let differing = 0;
      for (const url of jsonUrls) {
        const [a, b] = await Promise.all([inject(publicApp, url), inject(t.app, url, cookie)]);
        expect(b.statusCode, url).toBe(a.statusCode);
        if (a.statusCode !== 200) continue;
        const found = outOfScopeDifferences(url, a.json(), b.json(), allowed);
        problems.push(...found);
        if (a.body !== b.body) differing++;
      }
      for (const url of csvUrls) {
        const [a, b] = await Promise.all([inject(publicApp, url), inject(t.app, url, cookie)]);
        problems.push(...csvOutOfScopeDifferences(url, a.body, b.body, allowed));
      }
      for (const url of pageUrls(release)) await inject(t.app, url, cookie);
      await t.access.audit.flush();
      expect(problems).toEqual([]);
      // The walk is only a test if the user did receive registered figures somewhere.
      if (username !== "provider-analyst") expect(differing).toBeGreaterThan(0);
      const codes = new Set(scope.map((k) => k.split("|")[1]));
      const reads = (await listEvents(t.state)).filter(
        (e) => e.kind === "read" && e.detail.username === username,
      );
      expect(reads.length).toBeGreaterThan(0);
      const seen = new Set(reads.flatMap((e) => e.detail.organisations ?? []));
      expect([...seen].filter((o) => !codes.has(o))).toEqual([]);
    }, 180_000);

  it("treats a forged, tampered or expired session cookie as anonymous", async () => {
    const { jar } = await signIn(t.send, "icb-analyst");
    const real = jar.cookies.get("ebi_session") as string;
    const url = `/api/v1/activity?intervention=${fixture.grommets}&org=S2`;
    const anonymous = await get(url);
    const tampered = `${real.slice(0, -2)}${real.endsWith("AA") ? "BB" : "AA"}`;
    for (const cookie of [
      `ebi_session=${"A".repeat(43)}`,
      `ebi_session=${tampered}`,
      "ebi_session=not-a-session",
    ]) {
      const answer = await t.app.inject({ method: "GET", url, headers: { cookie } });
      expect(answer.body).toBe(anonymous.body);
      expect(answer.headers["cache-control"]).toBe("public, max-age=300");
    }
    t.clock.advanceMinutes(13 * 60);
    const expired = await get(url, jar);
    t.clock.advanceMinutes(-13 * 60);
    expect(expired.body).toBe(anonymous.body);
    // Once lapsed the session is gone: going back in time does not revive it.
    expect((await get(url, jar)).body).toBe(anonymous.body);
  });
});

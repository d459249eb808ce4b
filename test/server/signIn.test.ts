import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEvents } from "../../src/audit/auditLog.ts";
import { hashPassword } from "../../src/identity/passwords.ts";
import { upsertUser } from "../../src/identity/users.ts";
import { type RegisteredTestApp, registeredTestApp } from "./registeredApp.ts";
import { CookieJar, signIn } from "./signInFlow.ts";

let t: RegisteredTestApp;
beforeAll(async () => {
  t = await registeredTestApp();
});
afterAll(() => t?.close());

const account = async (jar: CookieJar) =>
  t.app.inject({ method: "GET", url: "/account", headers: { cookie: jar.header() } });
const signedIn = async (jar: CookieJar) => (await account(jar)).statusCode === 200;

describe("GET /sign-in and the built-in provider", () => {
  it("goes back to a returnTo on this site, and to / for one that leaves it", async () => {
    expect((await signIn(t.send, "icb-analyst", { returnTo: "/organisations/S1?x=1" })).final.location).toBe(
      "/organisations/S1?x=1",
    );
    for (const returnTo of [
      "//evil.example/",
      "https://evil.example/",
      "/\\evil.example",
      "/\r\nLocation: https://evil.example",
      "javascript:alert(1)",
    ])
      expect((await signIn(t.send, "icb-analyst", { returnTo })).final.location, returnTo).toBe("/");
  });

  it("refuses a login form posted without its token", async () => {
    const jar = new CookieJar();
    let r = await t.send("GET", "/sign-in", {});
    jar.take(r.setCookies);
    while (r.location && !r.location.includes("/sign-in/provider/")) {
      r = await t.send(
        "GET",
        new URL(r.location, "http://x").pathname + new URL(r.location, "http://x").search,
        { cookie: jar.header() },
      );
      jar.take(r.setCookies);
    }
    const form = new URL(r.location as string, "http://x").pathname;
    const posted = await t.send(
      "POST",
      form,
      { cookie: jar.header(), "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
      "username=icb-analyst",
    );
    expect(posted.status).toBe(403);
  });

  it("refuses a callback whose state this browser did not start (login CSRF)", async () => {
    const started = await t.send("GET", "/sign-in", {});
    const state = new URL(started.location as string).searchParams.get("state");
    const forged = await t.send("GET", `/sign-in/callback?code=abc&state=${state}`, { accept: "text/html" });
    expect(forged.status).toBe(401);
  });

  it("issues a new session id at every sign-in and ends the one before (no fixation)", async () => {
    const planted = new CookieJar();
    planted.cookies.set("ebi_session", "P".repeat(43));
    const { jar } = await signIn(t.send, "icb-analyst", { jar: planted });
    const first = jar.cookies.get("ebi_session") as string;
    expect(first).not.toBe("P".repeat(43));
    const before = new CookieJar();
    before.cookies.set("ebi_session", first);
    const second = await signIn(t.send, "sub-icb-analyst", { jar });
    expect(second.final.status, second.final.body.slice(0, 400)).toBe(302);
    expect(jar.cookies.get("ebi_session")).not.toBe(first);
    expect(await signedIn(before)).toBe(false);
    expect(await signedIn(jar)).toBe(true);
  });

  it("sets the session cookie HttpOnly, SameSite=Lax and Secure (localhost counts as secure)", async () => {
    const { final } = await signIn(t.send, "icb-analyst");
    const cookie = final.setCookies.find((c) => c.startsWith("ebi_session="));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/i);
  });

  it("lapses after 30 minutes without a request, and not while requests keep coming", async () => {
    const { jar } = await signIn(t.send, "icb-analyst");
    t.clock.advanceMinutes(20);
    expect(await signedIn(jar)).toBe(true);
    t.clock.advanceMinutes(20);
    expect(await signedIn(jar)).toBe(true);
    t.clock.advanceMinutes(31);
    expect(await signedIn(jar)).toBe(false);
  });

  it("signs a local account in with its password only, auditing the failures", async () => {
    await upsertUser(t.state, t.clock, {
      subject: "local-ig",
      username: "local-ig",
      name: "Local IG lead",
      org_code: "I2",
      org_type: "icb",
      role: "approver",
      source: "local",
      password_hash: await hashPassword("correct horse battery"),
    });
    const wrong = await signIn(t.send, "local-ig", { password: "wrong password!" });
    expect(wrong.final.status).toBe(401);
    expect(wrong.jar.cookies.has("ebi_session")).toBe(false);
    const right = await signIn(t.send, "local-ig", { password: "correct horse battery" });
    expect(right.final.status).toBe(302);
    expect(await signedIn(right.jar)).toBe(true);
    const events = await listEvents(t.state);
    expect(events.some((e) => e.kind === "sign-in-failed" && e.detail.username === "local-ig")).toBe(true);
    expect(events.some((e) => e.kind === "sign-in" && e.detail.username === "local-ig")).toBe(true);
  });

  it("refuses sign-in for a username after 10 failures in 5 minutes", async () => {
    for (let i = 0; i < 10; i++) expect((await signIn(t.send, "nobody-here")).final.status).toBe(401);
    expect((await signIn(t.send, "nobody-here")).final.status).toBe(429);
  });
});

describe("POST /sign-out", () => {
  it("needs the session's form token, then ends the session", async () => {
    const { jar } = await signIn(t.send, "icb-analyst");
    const cookie = jar.header();
    const form = { "content-type": "application/x-www-form-urlencoded", cookie, accept: "text/html" };
    expect((await t.send("POST", "/sign-out", form, "_csrf=wrong")).status).toBe(403);
    expect(await signedIn(jar)).toBe(true);
    const page = await account(jar);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] as string;
    const out = await t.send("POST", "/sign-out", form, `_csrf=${encodeURIComponent(csrf)}`);
    expect(out.status).toBe(302);
    expect(await signedIn(jar)).toBe(false);
  });
});

describe("grants through the pages", () => {
  const form = (jar: CookieJar) => ({
    "content-type": "application/x-www-form-urlencoded",
    cookie: jar.header(),
    accept: "text/html",
  });
  const csrfOf = async (jar: CookieJar, path: string) =>
    /name="_csrf" value="([^"]+)"/.exec(
      (await t.app.inject({ method: "GET", url: path, headers: { cookie: jar.header() } })).body,
    )?.[1] as string;
  const s2Spells = async (jar: CookieJar) =>
    (
      (
        await t.app.inject({
          method: "GET",
          url: "/api/v1/activity?intervention=test-set/grommets&org=S2",
          headers: { cookie: jar.header() },
        })
      ).json().items as { spells: number | null }[]
    )[0]?.spells;

  it("widens a user's scope once another user with the approver role approves, and not after 180 days", async () => {
    const { jar: user } = await signIn(t.send, "sub-icb-analyst");
    expect(await s2Spells(user)).toBeNull();
    const csrf = await csrfOf(user, "/access");
    const asked = await t.send(
      "POST",
      "/access",
      form(user),
      `_csrf=${encodeURIComponent(csrf)}&org=S2&purpose=${encodeURIComponent("cover for a colleague on leave")}`,
    );
    expect(asked.status).toBe(302);
    const viewerAdmin = await t.app.inject({
      method: "GET",
      url: "/admin/grants",
      headers: { cookie: user.header(), accept: "text/html" },
    });
    expect(viewerAdmin.statusCode).toBe(403);
    const { jar: approver } = await signIn(t.send, "icb-approver");
    const page = await t.app.inject({
      method: "GET",
      url: "/admin/grants",
      headers: { cookie: approver.header() },
    });
    const id = /\/admin\/grants\/([^/]+)\/approve/.exec(page.body)?.[1] as string;
    const approverCsrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] as string;
    expect((await t.send("POST", `/admin/grants/${id}/approve`, form(approver), "_csrf=forged")).status).toBe(
      403,
    );
    expect(
      (
        await t.send(
          "POST",
          `/admin/grants/${id}/approve`,
          form(approver),
          `_csrf=${encodeURIComponent(approverCsrf)}`,
        )
      ).status,
    ).toBe(302);
    // A replica trusts its own lookup of a session (and its grants) for two seconds.
    t.clock.advanceMinutes(0.05);
    expect(await s2Spells(user)).toBe(9);
    t.clock.advanceMinutes(181 * 24 * 60);
    const { jar: later } = await signIn(t.send, "sub-icb-analyst");
    expect(await s2Spells(later)).toBeNull();
  });
});

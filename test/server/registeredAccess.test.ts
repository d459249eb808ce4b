import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registeredValues } from "../fixtures/release/registeredFixture.ts";
import { fixture } from "../fixtures/release/releaseFixture.ts";
import { type RegisteredTestApp, registeredTestApp } from "./registeredApp.ts";
import { type CookieJar, signIn } from "./signInFlow.ts";

let t: RegisteredTestApp;
beforeAll(async () => {
  t = await registeredTestApp();
});
afterAll(() => t?.close());

const get = (url: string, jar?: CookieJar, headers: Record<string, string> = {}) =>
  t.app.inject({ method: "GET", url, headers: { ...(jar ? { cookie: jar.header() } : {}), ...headers } });

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
  });
});

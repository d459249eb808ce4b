import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEvents } from "../../src/audit/auditLog.ts";
import { publishFixtureAudit } from "../fixtures/approvals/publishedAudit.ts";
import { type RegisteredTestApp, registeredTestApp } from "./registeredApp.ts";
import { type CookieJar, signIn } from "./signInFlow.ts";

let t: RegisteredTestApp;
const jars = new Map<string, CookieJar>();
beforeAll(async () => {
  t = await registeredTestApp();
  await publishFixtureAudit(t.state);
  for (const user of ["icb-analyst", "other-icb-analyst", "provider-analyst", "national-analyst"])
    jars.set(user, (await signIn(t.send, user)).jar);
});
afterAll(() => t?.close());

const get = (url: string, user?: string) =>
  t.app.inject({ url, headers: user ? { cookie: jars.get(user)?.header() ?? "" } : {} });
const items = async (table: string, user: string) =>
  ((await get(`/api/v1/approvals/${table}`, user)).json() as { items: Record<string, unknown>[] }).items;

describe("the approvals audit API", () => {
  it("answers anonymous requests 401 with the problem's code, and pages send them to sign in", async () => {
    const api = await get("/api/v1/approvals/challenge_list");
    expect(api.statusCode).toBe(401);
    expect(api.json()).toMatchObject({ code: "EBI_SIGN_IN_REQUIRED" });
    expect(api.body).not.toContain("SP-");
    const page = await get("/approvals/challenge-list");
    expect(page.statusCode).toBe(302);
    expect(page.headers.location).toBe("/sign-in?returnTo=%2Fapprovals%2Fchallenge-list");
  });

  it("gives each user only the rows of organisations in their scope, commissioner or provider", async () => {
    const spells = async (user: string) => (await items("challenge_list", user)).map((r) => r.spell_id);
    expect(await spells("icb-analyst")).toEqual(["SP-P1-I1"]);
    expect(await spells("other-icb-analyst")).toEqual(["SP-P9-I2", "SP-P1-I2"]);
    expect(await spells("provider-analyst")).toEqual(["SP-P1-I1", "SP-P1-I2"]);
    expect(await spells("national-analyst")).toEqual(["SP-P1-I1", "SP-P9-I2", "SP-P1-I2"]);
    expect((await items("commissioners", "icb-analyst")).map((r) => r.organisation)).toEqual(["I1"]);
    expect((await items("providers", "icb-analyst")).map((r) => r.organisation)).toEqual([]);
    expect((await items("providers", "provider-analyst")).map((r) => r.organisation)).toEqual(["P1"]);
    expect((await items("exceptions_exceptions", "other-icb-analyst")).map((r) => r.detail)).toEqual([
      "EXC-I2",
    ]);
    expect((await items("sample", "provider-analyst")).map((r) => r.spell_id)).toEqual(["SM-P1"]);
    // A breakdown of no organisation is national: only a national scope reads it.
    expect(await items("groups", "icb-analyst")).toEqual([]);
    expect(await items("groups", "national-analyst")).toHaveLength(1);
  });

  it("marks CSV and Excel downloads as registered, private, with the same rows", async () => {
    const csv = await get("/api/v1/approvals/challenge_list.csv", "icb-analyst");
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["cache-control"]).toBe("private, no-store");
    const lines = csv.body.trim().split("\r\n");
    expect(lines[0]).toBe("registered: not for publication");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain("SP-P1-I1");
    const xlsx = await get("/api/v1/approvals/challenge_list.xlsx", "other-icb-analyst");
    expect(xlsx.headers["ebi-classification"]).toBe("registered: not for publication");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const text = book.worksheets.flatMap((s) => s.getSheetValues().flat().map(String)).join(" ");
    expect(text).toContain("SP-P9-I2");
    expect(text).not.toContain("SP-P1-I1");
  });

  it("records every read with the organisations and table it returned", async () => {
    await get("/api/v1/approvals/challenge_list?check=audit", "other-icb-analyst");
    await t.access.audit.flush();
    const event = (await listEvents(t.state)).find(
      (e) => e.kind === "read" && e.detail.route === "GET /api/v1/approvals/challenge_list?check=audit",
    );
    expect(event?.detail).toMatchObject({
      organisations: ["I2"],
      tables: ["approvals_challenge_list"],
      unredacted: true,
      username: "other-icb-analyst",
    });
  });
});

describe("the approvals audit pages", () => {
  it("show the audit, the challenge list, the exceptions and the sample of the user's scope only", async () => {
    const audit = await get("/approvals", "icb-analyst");
    expect(audit.statusCode).toBe(200);
    expect(audit.headers["cache-control"]).toBe("private, no-store");
    expect(audit.body).toContain("Registered: not for publication");
    expect(audit.body).toContain("75.0%");
    expect(audit.body).not.toContain(">I2<");
    const challenge = await get("/approvals/challenge-list", "other-icb-analyst");
    expect(challenge.body).toContain("SP-P9-I2");
    expect(challenge.body).not.toContain("SP-P1-I1");
    const exceptions = await get("/approvals/exceptions", "provider-analyst");
    expect(exceptions.body).toContain("EXC-P1");
    expect(exceptions.body).not.toContain("EXC-I2");
    const sample = await get("/approvals/sample", "provider-analyst");
    expect(sample.body).toContain("SM-P1");
    expect(sample.body).not.toContain("SM-P9");
  });
});

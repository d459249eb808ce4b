import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEvents } from "../../src/audit/auditLog.ts";
import { buildApp } from "../../src/products/buildApp.ts";
import { readRelease } from "../../src/products/ebi/release/readRelease.ts";
import { writeRegisteredFixture } from "../fixtures/release/registeredFixture.ts";
import { writeRegisteredReview } from "../fixtures/talking-therapies/registeredReview.ts";
import { type RegisteredTestApp, registeredTestApp } from "./registeredApp.ts";
import { type CookieJar, signIn } from "./signInFlow.ts";

let t: RegisteredTestApp;
let publicApp: FastifyInstance;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "tt-registered-"));
  await writeRegisteredReview(dir);
  process.env.EBI_TT_REGISTERED_DIR = dir;
  const { releasesDir } = await writeRegisteredFixture();
  t = await registeredTestApp({ releasesDir });
  publicApp = await buildApp({ release: await readRelease(releasesDir), rateLimit: 0 });
}, 120_000);
afterAll(async () => {
  delete process.env.EBI_TT_REGISTERED_DIR;
  await publicApp?.close();
  await t?.close();
});

const get = (url: string, jar?: CookieJar) =>
  t.app.inject({ method: "GET", url, headers: jar ? { cookie: jar.header() } : {} });

const ttReads = async (username: string) => {
  await t.access.audit.flush();
  return (await listEvents(t.state)).filter(
    (e) =>
      e.kind === "read" &&
      e.detail.username === username &&
      (e.detail.tables ?? []).some((x: string) => x.startsWith("talking-therapies/")),
  );
};

describe("registered talking-therapies pages", () => {
  it("sends anonymous users to sign in and refuses the API without a session", async () => {
    for (const path of [
      "/talking-therapies/practitioners",
      "/talking-therapies/practitioners/T1",
      "/talking-therapies/at-risk",
    ]) {
      const page = await get(path);
      expect(page.statusCode, path).toBe(302);
      expect(page.headers.location).toBe(`/sign-in?returnTo=${encodeURIComponent(path)}`);
    }
    for (const file of ["practitioners", "practitioners.csv", "at-risk.xlsx"]) {
      const api = await get(`/api/v1/talking-therapies/registered/${file}`);
      expect(api.statusCode, file).toBe(401);
      expect(api.json().code).toBe("EBI_TT_SIGN_IN_REQUIRED");
      expect(api.body).not.toContain("T1");
    }
  });

  it("refuses signed-in users outside the service's provider, and records nothing read", async () => {
    const { jar } = await signIn(t.send, "icb-analyst");
    const page = await get("/talking-therapies/practitioners", jar);
    expect(page.statusCode).toBe(403);
    expect(page.body).not.toContain("T1");
    const api = await get("/api/v1/talking-therapies/registered/at-risk.csv", jar);
    expect(api.statusCode).toBe(403);
    expect(api.body).not.toContain("P11");
    expect(await ttReads("icb-analyst")).toEqual([]);
  });

  it("shows the service's own staff each practitioner, privately, and audits every read", async () => {
    const { jar } = await signIn(t.send, "tt-service-lead");
    const peers = await get("/talking-therapies/practitioners", jar);
    expect(peers.statusCode).toBe(200);
    expect(peers.headers["cache-control"]).toBe("private, no-store");
    expect(peers.body).toContain('href="/talking-therapies/practitioners/T3"');
    // Peer view: every practitioner here has fewer than 10 courses, so no rate is shown.
    expect(peers.body).toContain("fewer than 10 courses");
    const one = await get("/talking-therapies/practitioners/T1", jar);
    expect(one.statusCode).toBe(200);
    expect(one.body).toContain("PWP");
    const risk = await get("/talking-therapies/at-risk", jar);
    expect(risk.body).toContain("P11");
    expect(risk.body).toContain("no treatment for 30 days");
    const reads = await ttReads("tt-service-lead");
    expect(reads.map((r) => r.detail.tables)).toEqual([
      ["talking-therapies/practitioners"],
      ["talking-therapies/practitioners"],
      ["talking-therapies/at-risk"],
    ]);
    expect(reads.every((r) => r.detail.organisations?.join() === "provider|RMY" && r.detail.unredacted)).toBe(
      true,
    );
  });

  it("serves the tables as JSON, CSV and a real Excel workbook, each marked not for publication", async () => {
    const { jar } = await signIn(t.send, "tt-service-lead");
    const json = await get("/api/v1/talking-therapies/registered/practitioners", jar);
    expect(json.json().rows.map((r: { practitioner: string }) => r.practitioner)).toEqual(["T1", "T2", "T3"]);
    expect(json.json().redaction).toBe("registered: not for publication");
    const csv = await get("/api/v1/talking-therapies/registered/at-risk.csv", jar);
    const lines = csv.body.split("\r\n");
    expect(lines[0]).toBe("registered: not for publication");
    expect(lines[2]).toBe(
      "P11,,26A,2025-01-10,2,2025-03-01,30,no PHQ-9 score; no anxiety score; no treatment for 30 days",
    );
    const xlsx = await get("/api/v1/talking-therapies/registered/practitioners.xlsx", jar);
    expect(xlsx.headers["content-type"]).toContain("spreadsheetml");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet("data");
    expect(sheet?.getRow(1).getCell(1).value).toBe("registered: not for publication");
    expect(sheet?.getRow(3).getCell(1).value).toBe("T1");
    expect(sheet?.getRow(3).getCell(2).value).toBe("PWP");
  });

  it("describes the talking-therapies JSON routes in the OpenAPI document", async () => {
    const doc = (await get("/api/docs/json")).json() as {
      paths: Record<string, { get?: { tags?: string[] } }>;
    };
    for (const path of [
      "/api/v1/talking-therapies/tables/{id}",
      "/api/v1/talking-therapies/registered/{file}",
    ])
      expect(doc.paths[path]?.get?.tags, path).toEqual(["talking-therapies"]);
  });

  it("is not served at all without registered access", async () => {
    const page = await publicApp.inject({ method: "GET", url: "/talking-therapies/practitioners" });
    expect(page.statusCode).toBe(404);
    const api = await publicApp.inject({
      method: "GET",
      url: "/api/v1/talking-therapies/registered/practitioners",
    });
    expect(api.statusCode).toBe(404);
  });
});

import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import type { FastifyInstance } from "fastify";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEvents } from "../../src/audit/auditLog.ts";
import { buildApp } from "../../src/products/buildApp.ts";
import { readRelease } from "../../src/products/ebi/release/readRelease.ts";
import { type RegisteredAccess, registeredAccess } from "../../src/server/registeredAccess.ts";
import { openState, type StateDb } from "../../src/state/stateDb.ts";
import { registeredValues, writeRegisteredFixture } from "../fixtures/release/registeredFixture.ts";
import { fixture } from "../fixtures/release/releaseFixture.ts";

const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const axeSource = readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

let app: FastifyInstance;
let access: RegisteredAccess;
let state: StateDb;
let browser: Browser;
let base: string;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  const { releasesDir } = await writeRegisteredFixture();
  const port = await freePort();
  base = `http://localhost:${port}`;
  state = await openState({ dir: null });
  access = await registeredAccess({
    registered: await readRelease(releasesDir, undefined, "registered"),
    state,
    publicUrl: base,
    identity: { kind: "builtin", demo: true },
  });
  app = await buildApp({ release: await readRelease(releasesDir), access, rateLimit: 0 });
  await app.listen({ port, host: "127.0.0.1" });
  browser = await chromium.launch({ executablePath: chromiumPath });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await state?.close();
});

/** A page that fails the test on any console error, failed request or page error. */
async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`${m.text()} ${m.location().url}`);
  });
  page.on("requestfailed", (r) => {
    if (r.failure()?.errorText !== "net::ERR_ABORTED") errors.push(`request failed: ${r.url()}`);
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return { page, errors };
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const result = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: Document) => Promise<unknown> } }).axe;
    return axe.run(document);
  })) as { violations: { id: string; impact: string }[] };
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
}

const cells = (page: Page, selector: string) => page.locator(selector).allTextContents();

describe("registered access in a real browser", () => {
  it("signs in through the real flow and shows its own organisation's hidden figures as numbers, others' still hidden", async () => {
    const { page, errors } = await newPage();
    const s3 = `/interventions/${fixture.grommets}?org=S3`;
    await page.goto(base + s3);
    expect((await cells(page, "table tbody tr td:nth-child(2)")).slice(0, 3)).toEqual(["[c]", "[c]", "[c]"]);
    await page.click("text=Sign in");
    await page.waitForURL(/\/sign-in\/provider\//);
    expect(await seriousViolations(page)).toEqual([]);
    await page.fill("input[name=username]", "other-icb-analyst");
    await page.click('form[action^="/sign-in/provider/"] button[type=submit]');
    await page.waitForURL(base + s3, { timeout: 10_000 }).catch(async (e) => {
      throw new Error(`${e}: at ${page.url()}: ${(await page.content()).slice(0, 600)} ${errors.join(" ")}`);
    });
    expect(await page.textContent(".ebi-registered")).toContain("Registered view");
    // The control chart's table and the funnel's table mark each figure the public sees hidden.
    const months = (await cells(page, "#period-table tbody tr td:nth-child(2)"))
      .slice(0, 3)
      .map((t) => t.trim());
    expect(months).toEqual([0, 1, 2].map((i) => `${registeredValues.grommets("S3", i)} hidden publicly`));
    const ranked = page.locator("#ranked tbody tr");
    const s3Row = ranked.filter({ has: page.locator('a[href$="org=S3"]') });
    expect(await s3Row.locator(".ebi-hidden-mark").count()).toBeGreaterThan(0);
    // Figures the public sees too carry no mark.
    expect(await ranked.locator(".ebi-hidden-mark").count()).toBe(
      await s3Row.locator(".ebi-hidden-mark").count(),
    );
    const response = await page.goto(`${base}/organisations/S3`);
    expect(response?.headers()["cache-control"]).toBe("private, no-store");
    expect(await page.locator("text=hidden publicly").count()).toBeGreaterThan(1);
    // S2 belongs to another ICB: still hidden for this user.
    await page.goto(`${base}/interventions/${fixture.grommets}?org=S2`);
    expect((await cells(page, "table tbody tr td:nth-child(2)")).slice(0, 3)).toEqual(["[c]", "[c]", "[c]"]);
    await page.goto(`${base}/account`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.click("button:has-text('Sign out')");
    await page.waitForURL(`${base}/`);
    await page.goto(base + s3);
    expect((await cells(page, "table tbody tr td:nth-child(2)")).slice(0, 3)).toEqual(["[c]", "[c]", "[c]"]);
    expect(errors).toEqual([]);
    await access.audit.flush();
    const kinds = (await listEvents(state)).map((e) => e.kind);
    expect(kinds).toContain("sign-in");
    expect(kinds).toContain("read");
    expect(kinds).toContain("sign-out");
    await page.close();
  });
});

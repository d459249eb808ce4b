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
import { publishFixtureAudit } from "../fixtures/approvals/publishedAudit.ts";
import { writeRegisteredFixture } from "../fixtures/release/registeredFixture.ts";

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
  await publishFixtureAudit(state);
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

describe("the approvals audit in a real browser", () => {
  it("signs a provider user in, shows the audit pages of its own rows, passes axe, and audits the reads", async () => {
    const { page, errors } = await newPage();
    await page.goto(`${base}/approvals/challenge-list`);
    await page.waitForURL(/\/sign-in\/provider\//);
    await page.fill("input[name=username]", "provider-analyst");
    await page.click('form[action^="/sign-in/provider/"] button[type=submit]');
    await page.waitForURL(`${base}/approvals/challenge-list`, { timeout: 10_000 });
    const spells = (await page.locator("table tbody tr td:nth-child(3)").allTextContents()).map((t) =>
      t.trim(),
    );
    expect(spells).toEqual(["SP-P1-I1", "SP-P1-I2"]);
    expect(await page.textContent("h1")).toBe("Challenge list");
    expect(await seriousViolations(page)).toEqual([]);
    for (const [link, text] of [
      ["Prior approval audit", "P1"],
      ["Exceptions report", "EXC-P1"],
      ["Case-note audit sample", "SM-P1"],
    ] as const) {
      await page.click(`nav[aria-label="Approvals audit"] a:has-text("${link}")`);
      await page.waitForLoadState();
      expect(await page.textContent("h1")).toBe(link);
      expect(await page.textContent("main")).toContain(text);
      expect(await seriousViolations(page)).toEqual([]);
    }
    expect(await page.textContent("main")).not.toContain("SM-P9");
    const download = await page.request.get(`${base}/api/v1/approvals/sample.csv`);
    expect((await download.text()).split("\r\n")[0]).toBe("registered: not for publication");
    expect(errors).toEqual([]);
    await access.audit.flush();
    const tables = (await listEvents(state))
      .filter((e) => e.kind === "read")
      .flatMap((e) => e.detail.tables ?? []);
    expect(new Set(tables)).toEqual(
      new Set([
        "approvals_challenge_list",
        "approvals_providers",
        "approvals_exceptions_exceptions",
        "approvals_sample",
      ]),
    );
    await page.close();
  });
});

import { mkdtempSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeRegisteredFixture } from "../fixtures/release/registeredFixture.ts";
import { writeRegisteredReview } from "../fixtures/talking-therapies/registeredReview.ts";
import { type RegisteredTestApp, registeredTestApp } from "../server/registeredApp.ts";
import { signIn } from "../server/signInFlow.ts";

const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const axeSource = readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

let t: RegisteredTestApp;
let browser: Browser;
let context: BrowserContext;
let base: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "tt-registered-browser-"));
  await writeRegisteredReview(dir);
  process.env.EBI_TT_REGISTERED_DIR = dir;
  const { releasesDir } = await writeRegisteredFixture();
  t = await registeredTestApp({ releasesDir });
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: chromiumPath });
  // Signed in through the built-in provider in-process; the browser carries the session cookie.
  const { jar } = await signIn(t.send, "tt-service-lead");
  context = await browser.newContext();
  await context.addCookies([...jar.cookies].map(([name, value]) => ({ name, value, url: base })));
}, 120_000);
afterAll(async () => {
  delete process.env.EBI_TT_REGISTERED_DIR;
  await browser?.close();
  await t?.close();
});

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const result = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: Document) => Promise<unknown> } }).axe;
    return axe.run(document);
  })) as { violations: { id: string; impact: string; nodes: { html: string }[] }[] };
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.nodes.length}): ${v.nodes[0]?.html.slice(0, 120)}`);
}

const pages = [
  ["practitioner peer view", "/talking-therapies/practitioners", "Practitioner dashboards"],
  ["one practitioner", "/talking-therapies/practitioners/T2", "Practitioner T2"],
  ["recovery at risk", "/talking-therapies/at-risk", "Recovery at risk"],
] as const;

describe("the registered talking-therapies pages in a browser", () => {
  it.each(pages)(
    "shows the %s to the service lead with no serious accessibility violation",
    async (_n, path, heading) => {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      const response = await page.goto(base + path, { waitUntil: "load" });
      expect(response?.status()).toBe(200);
      expect(await page.locator("h1").textContent()).toBe(heading);
      expect(await page.locator("text=registered: not for publication").count()).toBeGreaterThan(0);
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  it("sends a browser without a session to sign in", async () => {
    // The sign-in goes on to the identity provider's public address, so the redirect is checked itself.
    const anonymous = await browser.newContext();
    const response = await anonymous.request.get(`${base}/talking-therapies/at-risk`, { maxRedirects: 0 });
    expect(response.status()).toBe(302);
    expect(response.headers().location).toBe("/sign-in?returnTo=%2Ftalking-therapies%2Fat-risk");
    expect(await response.text()).not.toContain("P11");
    await anonymous.close();
  });
});

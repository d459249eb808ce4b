/**
 * Saves screenshots of the main pages to docs/screenshots/ (`npm run screenshots`), from a server
 * already running at $BASE_URL (default http://localhost:3000), with Debian's Chromium.
 */
import { chromium } from "playwright-core";

const base = process.env.BASE_URL ?? "http://localhost:3000";
const pages: [string, string][] = [
  ["overview", "/"],
  ["intervention", "/interventions/ebi-list-1/knee-arthroscopy-osteoarthritis"],
  ["organisation", `/organisations/${process.env.ORG ?? "QA1"}`],
  ["equity", "/equity?intervention=ebi-list-1/tonsillectomy&dimension=imd_decile"],
  ["compare-areas", "/compare?intervention=ebi-list-2/appropriate-colonoscopy&level=sub_icb"],
  ["area-at-a-glance", `/areas/${process.env.ORG ?? "QA1"}`],
  ["map", "/map?intervention=ebi-list-2/appropriate-colonoscopy&level=sub_icb"],
  ["api-docs", "/api/docs"],
];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
for (const [name, path] of pages) {
  await page.goto(base + path, { waitUntil: "networkidle" });
  await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: name !== "api-docs" });
  process.stdout.write(`docs/screenshots/${name}.png\n`);
}
await browser.close();

/**
 * Saves screenshots of the main pages to docs/screenshots/ (`npm run screenshots`), from a server
 * already running at $BASE_URL (default http://localhost:3000), with Debian's Chromium.
 */
import { chromium } from "playwright-core";

const base = process.env.BASE_URL ?? "http://localhost:3000";
const org = process.env.ORG ?? "QA0";
const pages: [string, string, number][] = [
  ["overview", "/", 1400],
  ["intervention", `/interventions/ebi-list-1/benign-skin-lesions?org=${org}`, 1400],
  ["organisation", `/organisations/${org}`, 1400],
  ["equity", "/equity?intervention=ebi-list-1/tonsillectomy&dimension=imd_decile", 1400],
  ["downloads", "/downloads", 1400],
  ["compare-areas", "/compare?intervention=ebi-list-2/appropriate-colonoscopy&level=sub_icb", 1400],
  ["area-at-a-glance", `/areas/${org}`, 1400],
  ["map", "/map?intervention=ebi-list-2/appropriate-colonoscopy&level=sub_icb", 1400],
  ["not-found", "/no-such-page", 1400],
  ["api-docs", "/api/docs", 1400],
  ["organisation-phone", `/organisations/${org}`, 390],
  ["intervention-phone", `/interventions/ebi-list-1/benign-skin-lesions?org=${org}&period=quarter`, 390],
  [
    "compare-areas-phone",
    "/compare?intervention=ebi-list-2/appropriate-colonoscopy&level=icb&period=quarter",
    390,
  ],
  ["area-at-a-glance-phone", `/areas/${org}`, 390],
  ["map-phone", "/map?intervention=ebi-list-2/appropriate-colonoscopy&level=icb", 390],
  ["overview-phone", "/", 390],
];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" });
for (const [name, path, width] of pages) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(base + path, { waitUntil: "networkidle" });
  await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: name !== "api-docs" });
  process.stdout.write(`docs/screenshots/${name}.png\n`);
  await page.close();
}
await browser.close();

import { writeFileSync } from "node:fs";
import { it } from "vitest";
import { readRelease } from "../src/release/readRelease.ts";
import { buildApp } from "../src/server/app.ts";
it("renders", async () => {
  process.env.EBI_TT_PUBLIC_DIR = "/tmp/ttpub/public";
  const releasesDir = "/tmp/ttpub/rel/releases";
  const app = await buildApp({ release: await readRelease(releasesDir) });
  for (const p of ["", "/access", "/severity", "/outcomes", "/equity", "/staffing", "/staffing?investment=16000000", "/data-quality", "/reconciliation", "/report"]) {
    const r = await app.inject(`/talking-therapies${p}`);
    console.log(p, r.statusCode, r.body.length);
    writeFileSync(`/tmp/ttpub/page${p.replace(/[/?=]/g, "_")}.html`, r.body);
    if (r.statusCode !== 200) console.log(r.body.slice(0, 2000));
  }
  await app.close();
}, 120000);

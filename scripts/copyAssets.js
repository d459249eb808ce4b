#!/usr/bin/env node
// `npm run build`, after tsc: copies every file under src/ that tsc does not compile (rule sets,
// templates, static assets, shipped data) beside the compiled code, wherever a module keeps them,
// then stamps the build so `bin/ebi.js` knows which sources it was made from.
import { cpSync, readdirSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

const src = fileURLToPath(new URL("../src/", import.meta.url));
const dist = fileURLToPath(new URL("../dist/", import.meta.url));

for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || entry.name.endsWith(".ts")) continue;
  const from = `${entry.parentPath}/${entry.name}`;
  cpSync(from, `${dist}${relative(src, from)}`);
}
writeFileSync(`${dist}.built`, `${new Date().toISOString()}\n`);

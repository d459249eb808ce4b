#!/usr/bin/env node
// `npm run build`, after tsc: copies the files the compiled code reads beside it (rule sets,
// templates, static assets), then stamps the build so `bin/ebi.js` knows which sources it was made from.
import { cpSync, writeFileSync } from "node:fs";

for (const dir of ["rules/sets", "web/templates", "web/static"])
  cpSync(new URL(`../src/${dir}`, import.meta.url), new URL(`../dist/${dir}`, import.meta.url), {
    recursive: true,
  });
writeFileSync(new URL("../dist/.built", import.meta.url), `${new Date().toISOString()}\n`);

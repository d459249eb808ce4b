#!/usr/bin/env node
// Runs the compiled CLI when `npm run build` has made one from the current sources (an installed
// package, or a clone after a build): it starts about a second sooner. Otherwise tsx runs the
// TypeScript directly, so no build step stands between a clone and `ebi`.
import { readdirSync, statSync } from "node:fs";

const src = new URL("../src/", import.meta.url);
const stamp = new URL("../dist/.built", import.meta.url);

/** The newest modification time under a folder, in ms; 0 when it does not exist. */
function newest(dir) {
  try {
    return Math.max(
      0,
      ...readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => statSync(`${entry.parentPath}/${entry.name}`).mtimeMs),
    );
  } catch {
    return 0;
  }
}

function builtAt() {
  try {
    return statSync(stamp).mtimeMs;
  } catch {
    return -1;
  }
}

if (builtAt() >= newest(src)) {
  await import("../dist/cli/main.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}

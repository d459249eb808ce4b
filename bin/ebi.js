#!/usr/bin/env node
// Runs the TypeScript CLI directly: tsx registers the loader, so no build step stands between a clone and `ebi`.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");

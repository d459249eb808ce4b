import type { Command } from "commander";
import { registerBuild } from "./commands/build.ts";
import { registerClassify } from "./commands/classify.ts";
import { registerDemo } from "./commands/demo.ts";
import { registerDocs } from "./commands/docs.ts";
import { registerIngest } from "./commands/ingest.ts";
import { registerReference } from "./commands/reference.ts";
import { registerReleases } from "./commands/releases.ts";
import { registerRules } from "./commands/rules.ts";
import { registerServe } from "./commands/serve.ts";
import { registerStart } from "./commands/start.ts";

/**
 * Every command the CLI offers. Each command lives in its own file under commands/ and registers
 * itself here: parse options, call one domain function, show progress.
 */
export const commandRegistrations: ReadonlyArray<(program: Command) => void> = [
  registerStart,
  registerDemo,
  registerReference,
  registerIngest,
  registerRules,
  registerClassify,
  registerBuild,
  registerReleases,
  registerServe,
  registerDocs,
];

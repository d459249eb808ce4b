import type { Command } from "commander";
import { registerDemo } from "./commands/demo.ts";
import { registerDocs } from "./commands/docs.ts";
import { registerIngest } from "./commands/ingest.ts";
import { registerReference } from "./commands/reference.ts";

/**
 * Every command the CLI offers. Each command lives in its own file under commands/ and registers
 * itself here: parse options, call one domain function, show progress.
 */
export const commandRegistrations: ReadonlyArray<(program: Command) => void> = [
  registerDemo,
  registerReference,
  registerIngest,
  registerDocs,
];

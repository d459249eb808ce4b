import type { Command } from "commander";

type Registration = (program: Command) => void;

/**
 * Every command the CLI offers, by name, loaded on demand: each lives in its own file under
 * commands/ (parse options, call one domain function, show progress). Running one command loads
 * only its file, so `ebi serve` starts without the build's or the generator's code.
 */
export const commandLoaders: Record<string, () => Promise<Registration>> = {
  start: () => import("./commands/start.ts").then((m) => m.registerStart),
  demo: () => import("./commands/demo.ts").then((m) => m.registerDemo),
  reference: () => import("./commands/reference.ts").then((m) => m.registerReference),
  ingest: () => import("./commands/ingest.ts").then((m) => m.registerIngest),
  rules: () => import("./commands/rules.ts").then((m) => m.registerRules),
  classify: () => import("./commands/classify.ts").then((m) => m.registerClassify),
  approvals: () => import("./commands/approvals.ts").then((m) => m.registerApprovals),
  build: () => import("./commands/build.ts").then((m) => m.registerBuild),
  releases: () => import("./commands/releases.ts").then((m) => m.registerReleases),
  serve: () => import("./commands/serve.ts").then((m) => m.registerServe),
  docs: () => import("./commands/docs.ts").then((m) => m.registerDocs),
  "talking-therapies": () => import("./commands/talkingTherapies.ts").then((m) => m.registerTalkingTherapies),
  tt: () => import("./commands/talkingTherapies.ts").then((m) => m.registerTalkingTherapies),
  audit: () => import("./commands/audit.ts").then((m) => m.registerAudit),
  users: () => import("./commands/users.ts").then((m) => m.registerUsers),
  "planned-care": () => import("./commands/plannedCare.ts").then((m) => m.registerPlannedCare),
  products: () => import("./commands/products.ts").then((m) => m.registerProducts),
};

/** The registrations needed for `argv`: the named command's, or every one (for help and unknown commands). */
export async function commandRegistrations(argv: readonly string[]): Promise<Registration[]> {
  const name = argv.slice(2).find((a, i, all) => !a.startsWith("-") && all[i - 1] !== "--home");
  const loader = name ? commandLoaders[name] : undefined;
  return Promise.all(loader ? [loader()] : Object.values(commandLoaders).map((load) => load()));
}

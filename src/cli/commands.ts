import type { Command } from "commander";

type Registration = (program: Command) => void;

/**
 * The spine's own commands, by name, loaded on demand: each lives in its own file under commands/
 * (parse options, call one domain function, show progress). Running one command loads only its
 * file, so `ebi serve` starts without the build's or the generator's code. A product's commands
 * come from its declaration (`Product.commands`), not from here.
 */
export const commandLoaders: Record<string, () => Promise<Registration>> = {
  start: () => import("./commands/start.ts").then((m) => m.registerStart),
  demo: () => import("./commands/demo.ts").then((m) => m.registerDemo),
  reference: () => import("./commands/reference.ts").then((m) => m.registerReference),
  releases: () => import("./commands/releases.ts").then((m) => m.registerReleases),
  serve: () => import("./commands/serve.ts").then((m) => m.registerServe),
  docs: () => import("./commands/docs.ts").then((m) => m.registerDocs),
  audit: () => import("./commands/audit.ts").then((m) => m.registerAudit),
  users: () => import("./commands/users.ts").then((m) => m.registerUsers),
  products: () => import("./commands/products.ts").then((m) => m.registerProducts),
};

/**
 * Every command the CLI offers: the spine's and each product's (its declared commands and their
 * aliases), by name. Products' commands come from their light command modules, so finding one
 * loads no product's code.
 */
export async function allCommandLoaders(): Promise<Record<string, () => Promise<Registration>>> {
  const { productCommands } = await import("../products/productCommands.ts");
  const loaders = { ...commandLoaders };
  for (const product of productCommands) {
    for (const [name, load] of Object.entries(product.loaders)) loaders[name] = load;
    for (const [alias, name] of Object.entries(product.aliases ?? {})) {
      const load = product.loaders[name];
      if (load) loaders[alias] = load;
    }
  }
  return loaders;
}

/** The registrations needed for `argv`: the named command's, or every one (for help and unknown commands). */
export async function commandRegistrations(argv: readonly string[]): Promise<Registration[]> {
  const name = argv.slice(2).find((a, i, all) => !a.startsWith("-") && all[i - 1] !== "--home");
  const spine = name ? commandLoaders[name] : undefined;
  if (spine) return [await spine()];
  const loaders = await allCommandLoaders();
  const loader = name && Object.hasOwn(loaders, name) ? loaders[name] : undefined;
  if (loader) return [await loader()];
  // One registration may serve two names (an alias): register each once.
  return [...new Set(await Promise.all(Object.values(loaders).map((load) => load())))];
}

import type { Command } from "commander";
import { EbiError } from "../errors/index.ts";
import type { ServedProduct } from "../server/servedProduct.ts";

/** Adds one command (with its options and subcommands) to the `ebi` program. */
export type CommandRegistration = (program: Command) => void;

/** One kind of file a product reads. */
export interface ProductInput {
  name: string;
  /** One sentence of what a row is. */
  description: string;
}

/** One named step of a product's build, with the names it reads and writes. */
export interface ProductStage {
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
}

/** One table a product publishes. */
export interface ProductTable {
  name: string;
  /** One sentence of what a row is. */
  description: string;
}

/**
 * A product on the shared spine, declared in one place: what it reads, how it is built, what it
 * publishes, its CLI commands and (through `ServedProduct`) its routes, pages and header links.
 */
export interface Product extends ServedProduct {
  name: string;
  /** One sentence of what it answers. */
  description: string;
  inputs: readonly ProductInput[];
  /** Its build, stage by stage, in the order they run (the list its build hands the stage runner). */
  stages: readonly ProductStage[];
  tables: readonly ProductTable[];
  /** The `ebi` commands it offers, by name: the keys of its `commands.ts` (none is named in `cli/`). */
  commands: readonly string[];
  /** Other names one of its commands answers to (`tt` for `talking-therapies`), alias → command. */
  commandAliases?: Readonly<Record<string, string>>;
  /** Loads one of its `commands`' registration: a command's code is loaded only when it runs. */
  loadCommand(name: string): Promise<CommandRegistration>;
  /** The folder of its shipped rule sets, if it has rules. */
  ruleSetsDir?: string;
}

/** Loads each command of a product by name, so a command's code is loaded only when it runs. */
export type CommandLoaders = Readonly<Record<string, () => Promise<CommandRegistration>>>;

/**
 * A product's `ebi` commands, declared in a light module of their own (`<product>/commands.ts`,
 * dynamic imports only) so the CLI finds a command without loading any product's code.
 */
export interface ProductCommands {
  product: string;
  loaders: CommandLoaders;
  /** Other names a command answers to, alias → command. */
  aliases?: Readonly<Record<string, string>>;
}

/** The registration of command `name` from a product's `loaders`, or a typed error naming the ones there are. */
export function loadCommandFrom(
  productId: string,
  loaders: CommandLoaders,
  name: string,
): Promise<CommandRegistration> {
  const load = Object.hasOwn(loaders, name) ? loaders[name] : undefined;
  if (!load)
    throw new EbiError(
      "EBI_USAGE",
      `Product ${productId} has no command ${JSON.stringify(name)}: it offers ${Object.keys(loaders).join(", ")}.`,
    );
  return load();
}

import type { ServedProduct } from "../server/servedProduct.ts";

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
  /**
   * Its build, stage by stage, in the order they run. Empty while a product's build is still one
   * function (run by its command).
   */
  stages: readonly ProductStage[];
  tables: readonly ProductTable[];
  /** The `ebi` commands it offers (each registered in `cli/commands.ts`). */
  commands: readonly string[];
  /** The folder of its shipped rule sets, if it has rules. */
  ruleSetsDir?: string;
}

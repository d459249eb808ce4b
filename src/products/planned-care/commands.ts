import type { ProductCommands } from "../Product.ts";

/** Planned care's `ebi` command. */
export const plannedCareCommands: ProductCommands = {
  product: "planned-care",
  loaders: { "planned-care": () => import("./commands/plannedCare.ts").then((m) => m.registerPlannedCare) },
};

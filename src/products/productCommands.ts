import { ebiCommands } from "./ebi/commands.ts";
import type { ProductCommands } from "./Product.ts";
import { plannedCareCommands } from "./planned-care/commands.ts";
import { talkingTherapiesCommands } from "./talking-therapies/commands.ts";

/**
 * The commands of every product of `productList.ts`, from each one's light `commands.ts`: the CLI
 * reads this, not the list, so running a command loads only that command's code. A test checks
 * it names exactly the listed products and their declared commands.
 */
export const productCommands: readonly ProductCommands[] = [
  ebiCommands,
  talkingTherapiesCommands,
  plannedCareCommands,
];

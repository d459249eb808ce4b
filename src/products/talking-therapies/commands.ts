import type { ProductCommands } from "../Product.ts";

/** Talking therapies' `ebi` command (`ebi tt` for short). */
export const talkingTherapiesCommands: ProductCommands = {
  product: "talking-therapies",
  loaders: {
    "talking-therapies": () =>
      import("./commands/talkingTherapies.ts").then((m) => m.registerTalkingTherapies),
  },
  aliases: { tt: "talking-therapies" },
};

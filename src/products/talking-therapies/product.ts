import { fileURLToPath } from "node:url";
import { loadCommandFrom, type Product } from "../Product.ts";
import { talkingTherapiesCommands } from "./commands.ts";
import { measureStages } from "./measureStages.ts";
import { reviewTables } from "./public/reviewTables.ts";
import { tableLayouts } from "./tables.ts";

/** NHS Talking Therapies: IAPT data set tables in, NHS England's measures and a service review out. */
export const talkingTherapiesProduct: Product = {
  id: "talking-therapies",
  name: "NHS Talking Therapies",
  description:
    "NHS England's Talking Therapies measures per service and area, reconciled with the published figures.",
  inputs: tableLayouts.map((t) => ({
    name: t.name,
    description: `IAPT data set table ${t.name}${t.required ? "" : " (optional)"}`,
  })),
  stages: measureStages,
  tables: reviewTables.map((t) => ({ name: t.id, description: t.title })),
  commands: Object.keys(talkingTherapiesCommands.loaders),
  commandAliases: talkingTherapiesCommands.aliases,
  loadCommand: (name) => loadCommandFrom("talking-therapies", talkingTherapiesCommands.loaders, name),
  templates: fileURLToPath(new URL("./templates/", import.meta.url)),
  navigation: [{ href: "/talking-therapies", text: "Talking therapies", key: "talking-therapies" }],
  async loadRoutes() {
    const pages = await import("./pages/talkingTherapiesPages.ts");
    return async (app) => {
      await app.register(pages.talkingTherapiesPages);
    };
  },
};

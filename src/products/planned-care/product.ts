import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCommandFrom, type Product } from "../Product.ts";
import { plannedCareStages } from "./buildPlannedCare.ts";
import { plannedCareCommands } from "./commands.ts";
import { shippedGroupsFile } from "./loadGroups.ts";
import { waitingListFields } from "./waits/waitingListFields.ts";

/** Planned-care equity: who gets planned care and who waits, by deprivation and ethnic group. */
export const plannedCareProduct: Product = {
  id: "planned-care",
  name: "Planned-care equity",
  description: "Planned-care activity and waits by deprivation and ethnic group, per commissioner.",
  inputs: [
    { name: "apc_episodes", description: "HES admitted patient care episodes, shared with EBI" },
    { name: "waiting_list", description: `waiting-list snapshot (${waitingListFields.length} fields)` },
  ],
  stages: plannedCareStages,
  tables: [
    { name: "cells", description: "planned-care counts per procedure group, area and stratum, protected" },
    { name: "inequality", description: "rates and inequality indices per procedure group, year and area" },
    { name: "waits", description: "waits per procedure group and area by deprivation and ethnic group" },
  ],
  commands: Object.keys(plannedCareCommands.loaders),
  loadCommand: (name) => loadCommandFrom("planned-care", plannedCareCommands.loaders, name),
  ruleSetsDir: dirname(shippedGroupsFile),
  templates: fileURLToPath(new URL("./templates/", import.meta.url)),
  navigation: [{ href: "/planned-care", text: "Planned care", key: "planned-care" }],
  async loadRoutes() {
    const pages = await import("./pages/plannedCarePages.ts");
    return async (app, { access }) => {
      await app.register(pages.plannedCarePages, { access });
    };
  },
};

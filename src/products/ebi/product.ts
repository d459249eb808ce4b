import { fileURLToPath } from "node:url";
import { hesApcLayout, hesOpLayout } from "../../activity/inputLayouts.ts";
import { approvalFields } from "../../approvals/approvalFields.ts";
import { shippedSetsDir } from "../../rules/loadRuleSets.ts";
import { loadCommandFrom, type Product } from "../Product.ts";
import { buildStages } from "./buildStages.ts";
import { ebiCommands } from "./commands.ts";
import { releaseTableDeclarations } from "./release/tables.ts";

/** Evidence-Based Interventions: HES activity flagged by the EBI rule sets, per commissioner and provider. */
export const ebiProduct: Product = {
  id: "ebi",
  name: "Evidence-Based Interventions",
  description:
    "How often each Evidence-Based Intervention is done, per commissioner and provider, against its baseline and goal.",
  inputs: [
    { name: hesApcLayout.table, description: "HES admitted patient care episodes (one row per episode)" },
    { name: hesOpLayout.table, description: "HES outpatient appointments (one row per appointment)" },
    {
      name: "approvals",
      description: `prior approvals and individual funding requests (${approvalFields.length} fields)`,
    },
  ],
  stages: buildStages,
  tables: releaseTableDeclarations,
  commands: Object.keys(ebiCommands.loaders),
  loadCommand: (name) => loadCommandFrom("ebi", ebiCommands.loaders, name),
  ruleSetsDir: shippedSetsDir,
  templates: fileURLToPath(new URL("./templates/", import.meta.url)),
  navigation: [
    { href: "/", text: "England overview", key: "overview" },
    { href: "/organisations", text: "Areas", key: "areas" },
    { href: "/equity", text: "Equity", key: "equity" },
    { href: "/methods", text: "Methods", key: "methods", group: "about" },
    { href: "/data-quality", text: "Data quality", key: "data-quality", group: "about" },
    { href: "/downloads", text: "Downloads", key: "downloads", group: "about" },
  ],
  async loadRoutes() {
    const [approvals, api, pages, areas] = await Promise.all([
      import("./pages/approvalPages.ts"),
      import("./api/index.ts"),
      import("./pages/registerPages.ts"),
      import("./pages/areaPages.ts"),
    ]);
    return async (app, { access }) => {
      if (access) approvals.approvalPages(app, access);
      api.registerApiRoutes(app);
      pages.registerPages(app);
      await app.register(areas.areaPages);
    };
  },
};

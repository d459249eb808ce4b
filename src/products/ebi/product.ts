import { fileURLToPath } from "node:url";
import { hesApcLayout, hesOpLayout } from "../../activity/inputLayouts.ts";
import { approvalFields } from "../../approvals/approvalFields.ts";
import { releaseTableDeclarations } from "../../release/tables.ts";
import { shippedSetsDir } from "../../rules/loadRuleSets.ts";
import { type CommandLoaders, loadCommandFrom, type Product } from "../Product.ts";
import { buildStages } from "./buildStages.ts";

/** EBI's `ebi` commands: loading, rules, classifying, approvals and the build. */
const commandLoaders: CommandLoaders = {
  ingest: () => import("./commands/ingest.ts").then((m) => m.registerIngest),
  rules: () => import("./commands/rules.ts").then((m) => m.registerRules),
  classify: () => import("./commands/classify.ts").then((m) => m.registerClassify),
  approvals: () => import("./commands/approvals.ts").then((m) => m.registerApprovals),
  build: () => import("./commands/build.ts").then((m) => m.registerBuild),
};

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
  commands: Object.keys(commandLoaders),
  loadCommand: (name) => loadCommandFrom("ebi", commandLoaders, name),
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

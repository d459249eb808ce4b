import type { ProductCommands } from "../Product.ts";

/** EBI's `ebi` commands: loading, rules, classifying, approvals and the build. */
export const ebiCommands: ProductCommands = {
  product: "ebi",
  loaders: {
    ingest: () => import("./commands/ingest.ts").then((m) => m.registerIngest),
    rules: () => import("./commands/rules.ts").then((m) => m.registerRules),
    classify: () => import("./commands/classify.ts").then((m) => m.registerClassify),
    approvals: () => import("./commands/approvals.ts").then((m) => m.registerApprovals),
    build: () => import("./commands/build.ts").then((m) => m.registerBuild),
  },
};

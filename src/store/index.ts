export { fileSha256 } from "./fileSha256.ts";
export { openStore } from "./openStore.ts";
export { storeSchema } from "./schema.ts";
export { resolveWorkspace, type Workspace } from "./workspace.ts";

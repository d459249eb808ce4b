import { Database, type DatabaseOptions } from "../db/index.ts";
import { storeSchema } from "./schema.ts";

/** Opens the store at `path`, creating any missing table. */
export async function openStore(path: string, options: DatabaseOptions = {}): Promise<Database> {
  const database = await Database.open(path, options);
  if (!options.readOnly) {
    for (const statement of storeSchema) await database.run(statement, undefined, "create store schema");
  }
  return database;
}

import { randomBytes } from "node:crypto";
import type { Queryable } from "./stateDb.ts";

/**
 * A named secret kept in the state database, made on first use (32 random bytes unless `make`
 * says otherwise), so every replica signs alike.
 */
export async function serverSecret(
  db: Queryable,
  name: string,
  make: () => string = () => randomBytes(32).toString("base64url"),
): Promise<string> {
  await db.query("INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [
    name,
    make(),
  ]);
  const [row] = await db.query<{ value: string }>("SELECT value FROM server_secrets WHERE name = $1", [name]);
  return (row as { value: string }).value;
}

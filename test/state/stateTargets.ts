import { randomBytes } from "node:crypto";
import pg from "pg";
import { openState, type StateDb } from "../../src/state/stateDb.ts";

/** A state database to run a test against, fresh each time it is opened. */
export interface StateTarget {
  name: "pglite" | "postgres";
  open(): Promise<StateDb>;
}

/**
 * Embedded PostgreSQL always; a PostgreSQL server too when DATABASE_URL is set (each open makes a
 * new database on it, dropped when closed). In CI the server is required, so it is never skipped.
 */
export function stateTargets(): StateTarget[] {
  const url = process.env.DATABASE_URL;
  if (process.env.CI && !url)
    throw new Error("CI must export DATABASE_URL (see .ci/run) so state tests run on a server too.");
  const targets: StateTarget[] = [{ name: "pglite", open: () => openState({ dir: null }) }];
  if (url)
    targets.push({ name: "postgres", open: () => freshDatabase(url).then((u) => openStateDropping(u, url)) });
  return targets;
}

/** A new empty database on the server of `url`; its URL. */
export async function freshDatabase(url: string): Promise<string> {
  const name = `ebi_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const fresh = new URL(url);
  fresh.pathname = `/${name}`;
  return fresh.href;
}

async function openStateDropping(freshUrl: string, adminUrl: string): Promise<StateDb> {
  const db = await openState({ url: freshUrl, dir: null });
  return {
    ...db,
    kind: db.kind,
    query: db.query,
    transaction: db.transaction,
    close: async () => {
      await db.close();
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${new URL(freshUrl).pathname.slice(1)}`);
      } finally {
        await admin.end();
      }
    },
  };
}

import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/products/buildApp.ts";
import { readRelease } from "../../src/products/ebi/release/readRelease.ts";
import { type RegisteredAccess, registeredAccess } from "../../src/server/registeredAccess.ts";
import { openState, type StateDb } from "../../src/state/stateDb.ts";
import { writeRegisteredFixture } from "../fixtures/release/registeredFixture.ts";
import type { Exchange, Send } from "./signInFlow.ts";

/** A clock the test moves: starts at the real time (the provider's tokens are checked against it). */
export class TestClock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  advanceMinutes(minutes: number): void {
    this.offset += minutes * 60_000;
  }
}

export interface RegisteredTestApp {
  app: FastifyInstance;
  access: RegisteredAccess;
  state: StateDb;
  clock: TestClock;
  send: Send;
  close(): Promise<void>;
}

/**
 * The fixture release served with registered access: embedded PostgreSQL in memory (or `url`), the
 * built-in provider with the demo users, requests made in-process.
 */
export async function registeredTestApp(
  options: { url?: string; releasesDir?: string } = {},
): Promise<RegisteredTestApp> {
  const releasesDir = options.releasesDir ?? (await writeRegisteredFixture()).releasesDir;
  const [release, registered] = await Promise.all([
    readRelease(releasesDir),
    readRelease(releasesDir, undefined, "registered"),
  ]);
  const state = await openState({ url: options.url, dir: null });
  const clock = new TestClock();
  const access = await registeredAccess({
    registered,
    state,
    publicUrl: "http://localhost:3000",
    identity: { kind: "builtin", demo: true },
    clock,
  });
  const app = await buildApp({ release, access, rateLimit: 0 });
  const send: Send = async (method, path, headers, body) => {
    const response = await app.inject({
      method,
      url: path,
      headers,
      ...(body !== undefined ? { payload: body } : {}),
    });
    const raw = response.headers["set-cookie"];
    const exchange: Exchange = {
      status: response.statusCode,
      location: (response.headers.location as string | undefined) ?? null,
      setCookies: raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)],
      body: response.body,
    };
    return exchange;
  };
  return {
    app,
    access,
    state,
    clock,
    send,
    close: async () => {
      await app.close();
      await access.audit.flush();
      await state.close();
    },
  };
}

/**
 * Effects passed into domain code so it never reaches for `console`, `Date.now()` or a terminal.
 * The CLI passes real ones; tests pass `quietEffects()` with a fixed clock.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** Progress of one named stage; `total` may be unknown. */
export interface Progress {
  start(stage: string, total?: number): void;
  update(done: number, detail?: string): void;
  /** Ends the stage; `summary` is shown beside it (e.g. "1,234 rows in 2.1 s"). */
  finish(summary?: string): void;
}

export interface Clock {
  /** Current time. */
  now(): Date;
}

export interface Effects {
  logger: Logger;
  progress: Progress;
  clock: Clock;
}

/** Effects that print nothing and use `at` as the time (default 2026-01-01T00:00:00Z). */
export function quietEffects(at: Date = new Date("2026-01-01T00:00:00Z")): Effects & { messages: string[] } {
  const messages: string[] = [];
  return {
    messages,
    logger: { info: (m) => messages.push(m), warn: (m) => messages.push(`warn: ${m}`) },
    progress: { start() {}, update() {}, finish() {} },
    clock: { now: () => new Date(at) },
  };
}

/** The machine's clock, for callers that were given no other. */
export const systemClock: Clock = { now: () => new Date() };

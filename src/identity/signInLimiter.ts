import type { Clock } from "../effects/index.ts";

/** Attempts allowed per client address (and per username) in a sliding window; each replica counts its own. */
export class SignInLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly max = 10,
    private readonly windowMs = 5 * 60_000,
  ) {}

  /** Counts one attempt for each key; false when any key already used up its window. */
  allow(...keys: string[]): boolean {
    const now = this.clock.now().getTime();
    let allowed = true;
    for (const key of keys) {
      const recent = (this.attempts.get(key) ?? []).filter((t) => now - t < this.windowMs);
      if (recent.length >= this.max) allowed = false;
      recent.push(now);
      this.attempts.set(key, recent);
    }
    if (this.attempts.size > 10_000)
      for (const [key, times] of this.attempts)
        if (times.every((t) => now - t >= this.windowMs)) this.attempts.delete(key);
    return allowed;
  }
}

import type { Clock } from "../effects/index.ts";

/** Events allowed per key (a client address, a username) in a sliding window; each replica counts its own. */
export class SignInLimiter {
  private readonly events = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    readonly max = 10,
    private readonly windowMs = 5 * 60_000,
  ) {}

  private recent(key: string, now: number): number[] {
    return (this.events.get(key) ?? []).filter((t) => now - t < this.windowMs);
  }

  /** True when any key has used up its window. */
  blocked(...keys: string[]): boolean {
    const now = this.clock.now().getTime();
    return keys.some((key) => this.recent(key, now).length >= this.max);
  }

  /** Counts one event for each key. */
  count(...keys: string[]): void {
    const now = this.clock.now().getTime();
    for (const key of keys) this.events.set(key, [...this.recent(key, now), now]);
    if (this.events.size > 10_000)
      for (const [key, times] of this.events)
        if (times.every((t) => now - t >= this.windowMs)) this.events.delete(key);
  }

  /** Counts one event and says whether it was within the limit. */
  allow(...keys: string[]): boolean {
    const ok = !this.blocked(...keys);
    this.count(...keys);
    return ok;
  }
}

import { AsyncLocalStorage } from "node:async_hooks";

/** What one request read of the registered side: organisations, tables, and whether any figure is hidden publicly. */
export class ReadTracker {
  readonly organisations = new Set<string>();
  readonly tables = new Set<string>();
  unredacted = false;

  note(org: string, table: string, hiddenPublicly: boolean): void {
    this.organisations.add(org);
    this.tables.add(table);
    if (hiddenPublicly) this.unredacted = true;
  }

  get empty(): boolean {
    return this.organisations.size === 0;
  }

  /** What has been noted so far, to be noted again by a request served the same answer. */
  snapshot(): ReadSnapshot {
    return {
      organisations: [...this.organisations],
      tables: [...this.tables],
      unredacted: this.unredacted,
    };
  }

  /** Notes everything another request noted in making an answer this one is sent as kept. */
  absorb(reads: ReadSnapshot): void {
    for (const org of reads.organisations) this.organisations.add(org);
    for (const table of reads.tables) this.tables.add(table);
    if (reads.unredacted) this.unredacted = true;
  }
}

/** The reads one answer noted: organisations, tables and whether any figure was hidden publicly. */
export interface ReadSnapshot {
  organisations: readonly string[];
  tables: readonly string[];
  unredacted: boolean;
}

/** The tracker of the request being handled, if any: registered figures note themselves in it when read. */
export const currentReads = new AsyncLocalStorage<ReadTracker>();

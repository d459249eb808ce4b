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
}

/** The tracker of the request being handled, if any: registered figures note themselves in it when read. */
export const currentReads = new AsyncLocalStorage<ReadTracker>();

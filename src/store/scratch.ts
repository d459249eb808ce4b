import { rmSync } from "node:fs";

/** Clean-ups to run if the process is interrupted (Ctrl-C, `kill`) before their work finishes. */
const pending = new Set<() => void>();
const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function runAll(): void {
  for (const cleanup of pending) {
    try {
      cleanup();
    } catch {
      // the rest still run: one failed removal must not keep patient rows elsewhere on disk
    }
  }
  pending.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  process.exit(signal === "SIGINT" ? 130 : 143);
}

/**
 * Registers a clean-up (removing a scratch copy of patient-level rows) to run if the process is
 * interrupted or exits first; returns the function that runs it now and unregisters it, for the
 * `finally` of the work. A SIGKILL runs nothing: whatever it leaves is removed when the store is
 * next opened for writing (`clearSpill`) or the next build starts.
 */
export function onInterrupt(cleanup: () => void): () => void {
  if (pending.size === 0) {
    for (const s of signals) process.on(s, onSignal);
    process.on("exit", runAll);
  }
  pending.add(cleanup);
  return () => {
    if (!pending.delete(cleanup)) return;
    cleanup();
    if (pending.size === 0) {
      for (const s of signals) process.off(s, onSignal);
      process.off("exit", runAll);
    }
  };
}

/** `onInterrupt` for a file or folder: removed on interruption, or when the returned function is called. */
export function scratchPath(path: string): () => void {
  return onInterrupt(() => rmSync(path, { recursive: true, force: true }));
}

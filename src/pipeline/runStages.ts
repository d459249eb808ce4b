import type { Effects } from "../effects/index.ts";
import { EbiError } from "../errors/index.ts";

/**
 * One step of a build: a pure function or one SQL step over named inputs, producing named outputs.
 * Names are the keys of the build's state (values in memory) or tables it creates in the engine.
 */
export interface Stage<S> {
  name: string;
  /** What it reads: keys of the state that must be set before it runs. */
  inputs: readonly (keyof S & string)[];
  /** What it writes: keys of the state it sets. */
  outputs: readonly (keyof S & string)[];
  /** False for a quick bookkeeping step that is not shown as progress. */
  shown?: boolean;
  /** Runs the stage; returns a one-line summary for the progress display. */
  run(state: S, effects: Effects): Promise<string | undefined> | string | undefined;
}

/** How long one stage took. */
export interface StageTiming {
  stage: string;
  /** Milliseconds. */
  ms: number;
  summary?: string;
}

/**
 * Checks that every stage's inputs are set before it (by `given` or an earlier stage's outputs),
 * so a list in the wrong order fails before anything runs. Throws EBI_INTERNAL naming the stage.
 */
export function checkStageOrder<S>(stages: readonly Stage<S>[], given: readonly string[]): void {
  const available = new Set<string>(given);
  for (const stage of stages) {
    const missing = stage.inputs.filter((input) => !available.has(input));
    if (missing.length > 0)
      throw new EbiError(
        "EBI_INTERNAL",
        `Build stage ${stage.name} reads ${missing.join(", ")}, which no earlier stage writes.`,
        { stage: stage.name, missing },
      );
    for (const output of stage.outputs) available.add(output);
  }
}

/**
 * Runs stages in order over one state, timing each and reporting the shown ones as progress;
 * after a stage, each of its outputs must be set. Returns the timings, in order.
 */
export async function runStages<S extends object>(
  stages: readonly Stage<S>[],
  state: S,
  effects: Effects,
): Promise<StageTiming[]> {
  checkStageOrder(
    stages,
    Object.keys(state).filter((k) => (state as Record<string, unknown>)[k] !== undefined),
  );
  const timings: StageTiming[] = [];
  for (const stage of stages) {
    const shown = stage.shown ?? true;
    if (shown) effects.progress.start(stage.name);
    const started = performance.now();
    const summary = (await stage.run(state, effects)) ?? undefined;
    const ms = performance.now() - started;
    if (shown) effects.progress.finish(summary);
    for (const output of stage.outputs)
      if ((state as Record<string, unknown>)[output] === undefined)
        throw new EbiError("EBI_INTERNAL", `Build stage ${stage.name} did not write ${output}.`, {
          stage: stage.name,
          output,
        });
    timings.push({ stage: stage.name, ms, ...(summary ? { summary } : {}) });
  }
  return timings;
}

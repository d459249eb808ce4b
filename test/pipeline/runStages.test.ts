import { describe, expect, it } from "vitest";
import { quietEffects } from "../../src/effects/index.ts";
import { checkStageOrder, runStages, type Stage } from "../../src/pipeline/runStages.ts";
import { buildStages } from "../../src/products/ebi/buildStages.ts";

type State = { a?: number; b?: number; c?: number };

const double: Stage<State> = {
  name: "double",
  inputs: ["a"],
  outputs: ["b"],
  run: (s) => {
    s.b = (s.a ?? 0) * 2;
    return `b = ${s.b}`;
  },
};
const addOne: Stage<State> = {
  name: "add one",
  inputs: ["b"],
  outputs: ["c"],
  run: (s) => {
    s.c = (s.b ?? 0) + 1;
    return undefined;
  },
};

describe("runStages", () => {
  it("runs stages in order, reports each as progress and times it", async () => {
    const effects = quietEffects();
    const shown: string[] = [];
    effects.progress = {
      start: (s) => shown.push(`start ${s}`),
      update() {},
      finish: (m) => shown.push(`finish ${m}`),
    };
    const state: State = { a: 4 };
    const timings = await runStages([double, addOne], state, effects);
    expect(state.c).toBe(9);
    expect(shown).toEqual(["start double", "finish b = 8", "start add one", "finish undefined"]);
    expect(timings.map((t) => t.stage)).toEqual(["double", "add one"]);
    expect(timings.every((t) => t.ms >= 0)).toBe(true);
  });

  it("refuses a list in which a stage reads what no earlier stage writes, before running any", async () => {
    const state: State = { a: 1 };
    await expect(runStages([addOne, double], state, quietEffects())).rejects.toThrow(/add one reads b/);
    expect(state.b).toBeUndefined();
  });

  it("fails a stage that does not write an output it declares", async () => {
    const lazy: Stage<State> = { name: "lazy", inputs: ["a"], outputs: ["b"], run: () => undefined };
    await expect(runStages([lazy], { a: 1 }, quietEffects())).rejects.toThrow(/lazy did not write b/);
  });

  it("orders the build so every stage's inputs come from settings or earlier stages", () => {
    const settings = [
      "connection",
      "writer",
      "releaseId",
      "builtAt",
      "ruleSets",
      "unit",
      "interventions",
      "measurable",
      "baselines",
      "requestedBaselines",
      "goalPercentile",
      "costs",
      "policy",
      "registeredOnly",
    ];
    expect(() => checkStageOrder(buildStages, settings)).not.toThrow();
    expect(() => checkStageOrder([...buildStages].reverse(), settings)).toThrow(/reads/);
  });
});

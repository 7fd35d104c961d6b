import {beforeAll, describe, expect, it} from "vitest";
import {decodeCheckpoint, encodeCheckpoint} from "../../../src/lib/train/checkpoint.js";
import {evalResultsJsonl, parseRunExport, type RunExport} from "../../../src/lib/train/runExport.js";
import {RunRecorder} from "../../../src/lib/train/runRecorder.js";
import {Trainer, type EvalLine, type StepMetrics} from "../../../src/lib/train/trainer.js";
import {useBackend} from "../backends.js";
import {tinySetup} from "./fixtures.js";

const PLACE = {backend: "wasm", machine: "test machine"};
const BASE = {batchSize: 4, steps: 4, warmupSteps: 1, evalEvery: 2, seed: 3};

/** A stand-in evaluation: one line whose metric is the step it ran at. */
function countingSetup() {
  let calls = 0;
  const evaluate = async (): Promise<EvalLine[]> => [{key: "probe", dataset: "probe", metrics: {main_metric: ++calls / 10}}];
  return {...tinySetup(), evaluate};
}

beforeAll(() => useBackend("wasm"));

describe("RunRecorder", () => {
  it("exports a finished run as the CLI used to build it from the events", async () => {
    const trainer = await Trainer.create(countingSetup(), BASE);
    const recorder = new RunRecorder(trainer, PLACE);
    // What scripts/train.ts assembled by hand before the recorder: every step, every evaluation, the final sentence.
    const curves: StepMetrics[] = [];
    const evaluations: RunExport["evaluations"] = [];
    let outcome = "";
    trainer.on((e) => {
      if (e.type === "step") curves.push(e.metrics);
      if (e.type === "eval") evaluations.push({step: e.step, lines: e.lines});
      if (e.type === "state" && (e.state === "done" || e.state === "stopped")) outcome = e.reason;
    });
    const started = performance.now();
    await trainer.start();
    const wall = (performance.now() - started) / 1000;

    const run = recorder.export();
    const s = trainer.settings;
    expect(run).toMatchObject({format: "dm-clip-run", version: 1, name: `${s.student}-wc${s.contrastiveWeight}-wd${s.distillWeight}-seed3`, settings: s, curves, evaluations, outcome});
    expect(outcome).toBe("finished 4 steps");
    expect(run.curves.map((m) => m.step)).toEqual([1, 2, 3, 4]);
    expect(run.evaluations.map((e) => e.step)).toEqual([2, 4]);
    expect(run.environment).toMatchObject({...PLACE, stepsDone: 4});
    expect(run.environment.seconds).toBeGreaterThan(0);
    expect(run.environment.seconds).toBeLessThanOrEqual(wall);
    expect(recorder.export("my-run").name).toBe("my-run");
    // It is a run file: it reads back, and its last evaluation is the DataComp result.
    expect(parseRunExport(JSON.stringify(run), "run.json")).toEqual(run);
    expect(JSON.parse(evalResultsJsonl(run))).toEqual(evaluations[1].lines[0]);
    recorder.dispose();
    trainer.dispose();
  });

  it("starts over on a reset and on a restored checkpoint, and leaves pauses out of the time", async () => {
    const setup = tinySetup();
    const trainer = await Trainer.create(setup, {...BASE, steps: 50, evalEvery: 0});
    const recorder = new RunRecorder(trainer, PLACE);
    for (let i = 0; i < 2; i++) await trainer.trainStep();
    const checkpoint = encodeCheckpoint(await trainer.checkpoint());
    const twoSteps = recorder.export().environment.seconds;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = performance.now();
    await trainer.trainStep();
    // The idle 0.2 s before the step does not count: the third step adds no more than it took.
    expect(recorder.export().environment.seconds - twoSteps).toBeLessThanOrEqual((performance.now() - before) / 1000 + 1e-3);

    await trainer.reset();
    expect(recorder.export()).toMatchObject({curves: [], evaluations: [], outcome: "reset", environment: {stepsDone: 0, seconds: 0}});
    await trainer.trainStep();
    expect(recorder.export().curves.map((m) => m.step)).toEqual([1]);

    await trainer.resume(decodeCheckpoint(checkpoint, "two.ckpt"), "two.ckpt");
    expect(recorder.export()).toMatchObject({curves: [], outcome: "restored at step 2", environment: {stepsDone: 2}});
    await trainer.trainStep();
    expect(recorder.export().curves.map((m) => m.step)).toEqual([3]);
    recorder.dispose();
    trainer.dispose();
  });

  it("says why a run that failed stopped", async () => {
    const setup = tinySetup();
    const failing = {
      ...setup,
      async createSource(settings: Parameters<typeof setup.createSource>[0], drawn: number) {
        const source = await setup.createSource(settings, drawn);
        let n = 0;
        return {...source, next: async () => (++n > 2 ? Promise.reject(new Error("shard-00003.bin: HTTP 404")) : source.next())};
      }
    };
    const trainer = await Trainer.create(failing, {...BASE, evalEvery: 0});
    const recorder = new RunRecorder(trainer, PLACE);
    await trainer.start();
    expect(recorder.export()).toMatchObject({outcome: "shard-00003.bin: HTTP 404", environment: {stepsDone: 2}});
    recorder.dispose();
    trainer.dispose();
  });
});

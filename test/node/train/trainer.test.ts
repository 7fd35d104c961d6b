import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {divergence, Trainer, type StepMetrics} from "../../../src/lib/train/trainer.js";
import {NODE_BACKENDS, useBackend} from "../backends.js";
import {tinyModel, tinySetup} from "./fixtures.js";

const BASE = {batchSize: 8, steps: 1000, warmupSteps: 5, evalEvery: 0, learningRate: 1e-3};

describe.each(NODE_BACKENDS)("Trainer on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it("applies a live weight change on the very next step, without touching the optimizer", async () => {
    const trainer = await Trainer.create(tinySetup({teachers: true}), {...BASE, contrastiveWeight: 1, distillWeight: 0});
    const seen: StepMetrics[] = [];
    trainer.on((e) => e.type === "step" && seen.push(e.metrics));
    const first = await trainer.trainStep();
    expect(first.distill).not.toBeNull();
    // Weights (1, 0): the total is the contrastive term alone.
    expect(first.total).toBeCloseTo(first.contrastive, 5);
    trainer.update({contrastiveWeight: 0.25, distillWeight: 0.75});
    const second = await trainer.trainStep();
    expect([second.contrastiveWeight, second.distillWeight]).toEqual([0.25, 0.75]);
    expect(second.total).toBeCloseTo(0.25 * second.contrastive + 0.75 * second.distill!, 4);
    expect(seen.map((m) => m.step)).toEqual([1, 2]);
    expect(() => trainer.update({batchSize: 4} as never)).toThrow(/"batchSize" needs a restart/);
    trainer.dispose();
  });

  it("distils each teacher at its own learned scale, not at their mean", async () => {
    // The fixture's teachers learned scales 20 and 30: their mean, 25, set for both, must differ.
    const first = async (teacherScale: number | null) => {
      const trainer = await Trainer.create(tinySetup({teachers: true}), {...BASE, teacherScale});
      const metrics = await trainer.trainStep();
      trainer.dispose();
      return metrics;
    };
    const own = await first(null);
    const mean = await first(25);
    expect(own.teacherScale).toEqual([20, 30]);
    expect(mean.teacherScale).toEqual([25, 25]);
    expect(Math.abs(own.distill! - mean.distill!)).toBeGreaterThan(1e-4);
  });

  it("repeats a run exactly from its seed, and reset starts it over", async () => {
    const run = async () => {
      const trainer = await Trainer.create(tinySetup({teachers: true}), {...BASE, seed: 5});
      const losses = [];
      for (let i = 0; i < 3; i++) losses.push((await trainer.trainStep()).total);
      await trainer.reset();
      expect(trainer.step).toBe(0);
      const again = (await trainer.trainStep()).total;
      trainer.dispose();
      return {losses, again};
    };
    const a = await run();
    const b = await run();
    expect(a.losses).toEqual(b.losses);
    expect(a.again).toBe(a.losses[0]);
  });

  it("keeps its tensor count flat over many steps", async () => {
    const trainer = await Trainer.create(tinySetup(), {...BASE, batchSize: 4, learningRate: 1e-4});
    await trainer.trainStep();
    const before = tf.memory().numTensors;
    for (let i = 0; i < (backend === "wasm" ? 500 : 60); i++) await trainer.trainStep();
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
  });

  it("keeps its tensor count flat across resets, restarts and steps whose loss throws", async () => {
    const setup = tinySetup({teachers: true});
    let failing = false;
    const trainer = await Trainer.create(
      {
        ...setup,
        createModel: (s) => {
          const model = tinyModel(s.seed);
          const encodeText = model.encodeText.bind(model);
          // The image encoder has already run (and tfjs has taped it) when the text side throws.
          model.encodeText = (tokens) => {
            if (failing) throw new Error("text encoder failed");
            return encodeText(tokens);
          };
          return model;
        }
      },
      {...BASE, batchSize: 4}
    );
    await trainer.trainStep();
    await trainer.reset();
    await trainer.trainStep();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await trainer.reset();
      await trainer.restart({seed: 2 + i});
    }
    expect(tf.memory().numTensors).toBe(before);
    await trainer.trainStep();
    failing = true;
    for (let i = 0; i < 3; i++) await expect(trainer.trainStep()).rejects.toThrow("text encoder failed");
    expect(trainer.step).toBe(1);
    failing = false;
    await trainer.trainStep();
    expect(trainer.step).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
  });

  it("refuses bad restart settings without pausing or touching the run", async () => {
    const trainer = await Trainer.create(tinySetup(), {...BASE, batchSize: 4, seed: 7});
    const running = trainer.start();
    await expect(trainer.restart({warmupSteps: 5000})).rejects.toThrow(/settings.warmupSteps \(5000\) must not exceed settings.steps \(1000\)/);
    expect(trainer.state).toBe("running");
    await trainer.pause();
    await running;
    expect(trainer.step).toBeGreaterThan(0);
    expect(trainer.settings.seed).toBe(7);
    trainer.dispose();
  });

  it("stops a run whose logit scale collapses at learning rate 1, instead of sitting at ln(batch)", async () => {
    const trainer = await Trainer.create(tinySetup({teachers: true}), {...BASE, steps: 40, warmupSteps: 0, learningRate: 1});
    const states: string[] = [];
    trainer.on((e) => e.type === "state" && states.push(`${e.state}: ${e.reason}`));
    await trainer.start();
    expect(states.at(-1)).toMatch(/^stopped: diverged at step \d+: the logit scale collapsed to 0\.\d+/);
    expect(trainer.step).toBeLessThan(10);
    await expect(trainer.trainStep()).rejects.toThrow(/the run is stopped/);
    trainer.dispose();
  });

  it("stops itself when a step turns NaN, naming the step", async () => {
    const setup = tinySetup();
    // From the third batch on, one pixel is NaN: everything downstream of it becomes NaN.
    const poisoned = {
      ...setup,
      async createSource(settings: Parameters<typeof setup.createSource>[0], drawn: number) {
        const source = await setup.createSource(settings, drawn);
        let n = 0;
        return {
          ...source,
          async next() {
            const batch = await source.next();
            if (++n >= 3) batch.images.data[0] = NaN;
            return batch;
          }
        };
      }
    };
    const trainer = await Trainer.create(poisoned, {...BASE, batchSize: 4});
    const states: string[] = [];
    trainer.on((e) => e.type === "state" && states.push(`${e.state} (${e.cause}): ${e.reason}`));
    await trainer.start();
    expect(trainer.state).toBe("stopped");
    expect(trainer.step).toBe(3);
    expect(states.at(-1)).toMatch(/^stopped \(diverged\): diverged at step 3: total is NaN/);
    await expect(trainer.trainStep()).rejects.toThrow(/the run is stopped at step 3/);
    trainer.dispose();
  });

  it("gives every state change a cause to branch on, beside the sentence", async () => {
    const trainer = await Trainer.create(tinySetup(), {...BASE, batchSize: 4, steps: 2, warmupSteps: 1});
    const causes: string[] = [];
    trainer.on((e) => e.type === "state" && causes.push(`${e.state} ${e.cause}`));
    const running = trainer.start();
    await trainer.pause();
    await running;
    await trainer.reset();
    await trainer.start();
    expect(causes).toEqual(["running started", "paused paused", "ready reset", "running started", "done finished"]);
    trainer.dispose();
  });

  it("pause stops the loop; start resumes from the same step", async () => {
    const trainer = await Trainer.create(tinySetup(), {...BASE, batchSize: 4});
    const running = trainer.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await trainer.pause();
    await running;
    const stepAtPause = trainer.step;
    expect(trainer.state).toBe("paused");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(trainer.step).toBe(stepAtPause);
    const again = trainer.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await trainer.pause();
    await again;
    expect(trainer.step).toBeGreaterThan(stepAtPause);
    trainer.dispose();
  });
});

describe("divergence", () => {
  const m = (over: Partial<StepMetrics>): StepMetrics => ({
    step: 50, total: 2, contrastive: 2, distill: 1, logitScale: 14, gradNorm: 1, learningRate: 1e-3,
    contrastiveWeight: 1, distillWeight: 0, teacherScale: null, imagesPerSecond: 10, ...over
  });
  it("accepts a healthy step", () => expect(divergence(m({}), 2, 10)).toBeNull());
  it("names every non-finite quantity", () => {
    expect(divergence(m({gradNorm: Infinity, distill: NaN}), 2, 10)).toBe("distill is NaN, gradNorm is Infinity");
  });
  it("flags a collapsed logit scale and a zero gradient norm (a dead run at ln(batch))", () => {
    expect(divergence(m({logitScale: 0, gradNorm: 0, total: Math.log(64)}), Math.log(64), 10)).toBe(
      "the logit scale collapsed to 0.00 (below 1: the softmax is all but uniform), the gradient norm is 0 (nothing can learn)"
    );
    expect(divergence(m({logitScale: 1.5}), 2, 10)).toBeNull();
  });
  it("flags a loss over 4× the first step's after warm-up only", () => {
    expect(divergence(m({total: 9}), 2, 10)).toMatch(/the loss 9.000 is over 4× the first step's 2.000/);
    expect(divergence(m({total: 9, step: 5}), 2, 10)).toBeNull();
  });
});

import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {decodeCheckpoint, encodeCheckpoint, type Checkpoint} from "../../../src/lib/train/checkpoint.js";
import {Trainer} from "../../../src/lib/train/trainer.js";
import {useBackend} from "../backends.js";
import {tinyModel, tinySetup} from "./fixtures.js";

beforeAll(() => useBackend("wasm"));

async function trainedCheckpoint(settings = {}) {
  const setup = tinySetup({teachers: true});
  const trainer = await Trainer.create(setup, {batchSize: 4, steps: 50, warmupSteps: 2, evalEvery: 0, ...settings});
  for (let i = 0; i < 3; i++) await trainer.trainStep();
  const bytes = encodeCheckpoint({
    model: trainer.model.config,
    tokenizer: setup.tokenizer.toJSON(),
    weights: await trainer.model.exportWeights(),
    step: trainer.step,
    optimizer: await trainer.exportOptimizer(),
    meta: {note: "test", settings: trainer.settings}
  });
  return {trainer, bytes, setup};
}

/** Everything a failed load must leave alone: position, settings, weights, moments. */
async function snapshot(t: Trainer) {
  return {step: t.step, state: t.state, settings: {...t.settings}, weights: await t.model.exportWeights(), optimizer: await t.exportOptimizer()};
}

describe("checkpoints", () => {
  it("restore weights, optimizer moments and step exactly", async () => {
    const {trainer, bytes, setup} = await trainedCheckpoint();
    // Decode from a view inside a larger buffer, as Node's file reads hand it over.
    const padded = Buffer.concat([Buffer.alloc(13, 7), Buffer.from(bytes)]).subarray(13);
    const restored = decodeCheckpoint(padded, "padded");
    expect(restored.step).toBe(3);
    expect(restored.meta).toEqual({note: "test", settings: {...trainer.settings}});

    const resumed = await Trainer.create(setup, {seed: 7});
    await resumed.resume(restored, "padded");
    expect(resumed.step).toBe(3);
    expect(resumed.settings).toEqual(trainer.settings);
    const [a, b] = [await trainer.model.exportWeights(), await resumed.model.exportWeights()];
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, w] of a) expect(b.get(name)!.values, name).toEqual(w.values);
    expect(await resumed.exportOptimizer()).toEqual(await trainer.exportOptimizer());
    for (const t of [trainer, resumed]) t.dispose();
  });

  it("reject damage, naming the checkpoint and the field", async () => {
    const {trainer, bytes} = await trainedCheckpoint();
    trainer.dispose();
    expect(() => decodeCheckpoint(new Uint8Array([1, 2, 3]), "tiny.ckpt")).toThrow(/checkpoint tiny.ckpt: not a DM-CLIP Lab checkpoint/);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 100), "cut.ckpt")).toThrow(/checkpoint cut.ckpt: .* lies outside the file \(truncated\?/);
    const badHeader = bytes.slice();
    badHeader[12] = 0x78; // the header's opening "{" becomes "x"
    expect(() => decodeCheckpoint(badHeader, "header.ckpt")).toThrow(/checkpoint header.ckpt: the header is not valid JSON/);
    const nan = bytes.slice();
    new DataView(nan.buffer).setFloat32(nan.length - 4, NaN, true);
    expect(() => decodeCheckpoint(nan, "nan.ckpt")).toThrow(/checkpoint nan.ckpt: optimizer v ".*" holds non-finite values/);
  });
});

describe("resuming a checkpoint", () => {
  it("that does not fit leaves the live run exactly as it was, and leaks nothing", async () => {
    const live = await Trainer.create(tinySetup({teachers: true}), {batchSize: 4, steps: 50, warmupSteps: 2, evalEvery: 0, seed: 7});
    for (let i = 0; i < 3; i++) await live.trainStep();
    const before = await snapshot(live);
    const {trainer, bytes} = await trainedCheckpoint();
    trainer.dispose();
    const good = decodeCheckpoint(bytes, "good.ckpt");
    // A teacher: another width, its own settings and no settings at all.
    const teacher = tinyModel(900, 12);
    const teacherWeights = await teacher.exportWeights();
    teacher.dispose();
    const bad: [string, Checkpoint, RegExp][] = [
      ["teacher.ckpt", {...good, model: {...good.model, image: {...good.model.image, embedDim: 12}}, weights: teacherWeights}, /checkpoint teacher.ckpt: its model does not match the vim student its settings describe: config.image.embedDim is 12 in the checkpoint, 16 here/],
      ["weights.ckpt", {...good, weights: teacherWeights}, /checkpoint weights.ckpt: ClipModel.importWeights: "[^"]+" must have shape/],
      ["moments.ckpt", {...good, optimizer: {...good.optimizer!, moments: {...good.optimizer!.moments, logit_scale: {m: new Float32Array(1), v: new Float32Array(2), shape: []}}}}, /checkpoint moments.ckpt: AdamW.importState: moments of "logit_scale" must have shape \[\] \(1 values each\), got \[\] with 1 and 2 values/],
      ["nosettings.ckpt", {...good, meta: {}}, /checkpoint nosettings.ckpt: it holds no training settings/],
      ["badsettings.ckpt", {...good, meta: {settings: {...trainer.settings, learningRate: 5}}}, /checkpoint badsettings.ckpt: settings.learningRate: expected a number/],
      ["noopt.ckpt", {...good, optimizer: undefined}, /checkpoint noopt.ckpt: it holds no optimizer state/],
      ["late.ckpt", {...good, step: 51}, /checkpoint late.ckpt: its step 51 lies past the end of its schedule \(50 steps\)/]
    ];
    // One failed load first, so that tfjs's one-off caches do not count as a leak.
    await expect(live.resume(bad[0][1], "first.ckpt")).rejects.toThrow();
    const tensors = tf.memory().numTensors;
    for (const [label, checkpoint, error] of bad) {
      await expect(live.resume(checkpoint, label), label).rejects.toThrow(error);
      expect(tf.memory().numTensors, label).toBe(tensors);
    }
    expect(await snapshot(live)).toEqual(before);
    live.dispose();
  });
});

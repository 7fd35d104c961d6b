import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {decodeCheckpoint, encodeCheckpoint, type Checkpoint} from "../../../src/lib/train/checkpoint.js";
import {modelConfigProblem, modelFromCheckpoint, studentModel} from "../../../src/lib/train/models.js";
import {Trainer, type StepMetrics} from "../../../src/lib/train/trainer.js";
import {useBackend} from "../backends.js";
import {tinyModel, tinySetup, tokenizer} from "./fixtures.js";

beforeAll(() => useBackend("wasm"));

async function trainedCheckpoint(settings = {}) {
  const setup = tinySetup({teachers: true});
  const trainer = await Trainer.create(setup, {batchSize: 4, steps: 50, warmupSteps: 2, evalEvery: 0, ...settings});
  for (let i = 0; i < 3; i++) await trainer.trainStep();
  const bytes = encodeCheckpoint(await trainer.checkpoint({note: "test"}));
  return {trainer, bytes, setup};
}

/** The checkpoint with its JSON header changed by `edit` (the arrays after it kept as they are). */
function withHeader(bytes: Uint8Array, edit: (header: any) => unknown): Uint8Array {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
  const body = bytes.subarray((12 + length + 3) & ~3);
  const edited = edit(header);
  const json = new TextEncoder().encode(JSON.stringify(edited === undefined ? header : edited));
  const start = (12 + json.length + 3) & ~3;
  const out = new Uint8Array(start + body.length);
  out.set(bytes.subarray(0, 8));
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(body, start);
  return out;
}

/** Everything a failed load must leave alone: position, settings, weights, moments. */
async function snapshot(t: Trainer) {
  return {step: t.step, state: t.state, settings: {...t.settings}, weights: await t.model.exportWeights(), optimizer: (await t.checkpoint()).optimizer};
}

describe("checkpoints", () => {
  it("restore weights, optimizer moments and step exactly", async () => {
    const {trainer, bytes, setup} = await trainedCheckpoint();
    // Decode from a view inside a larger buffer, as Node's file reads hand it over.
    const padded = Buffer.concat([Buffer.alloc(13, 7), Buffer.from(bytes)]).subarray(13);
    const restored = decodeCheckpoint(padded, "padded");
    expect(restored.step).toBe(3);
    expect(restored.meta).toEqual({note: "test", settings: {...trainer.settings}, firstLoss: expect.any(Number)});

    const resumed = await Trainer.create(setup, {seed: 7});
    await resumed.resume(restored, "padded");
    expect(resumed.step).toBe(3);
    expect(resumed.settings).toEqual(trainer.settings);
    const [a, b] = [await trainer.model.exportWeights(), await resumed.model.exportWeights()];
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, w] of a) expect(b.get(name)!.values, name).toEqual(w.values);
    expect((await resumed.checkpoint()).optimizer).toEqual((await trainer.checkpoint()).optimizer);
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

  it("check every header entry before reading it, naming it", async () => {
    const {trainer, bytes} = await trainedCheckpoint();
    trainer.dispose();
    expect(decodeCheckpoint(withHeader(bytes, () => undefined), "same.ckpt").step).toBe(3);
    const cases: [(h: any) => unknown, RegExp][] = [
      [() => null, /the header must be a JSON object, got null/],
      [(h) => void (h.weights[1] = null), /weights\[1\] must be an object with name, shape, offset and length, got null/],
      [(h) => void delete h.weights[0].shape, /weights\[0\] \("[^"]+"\): shape must be an array of integers ≥ 0, got undefined/],
      [(h) => void (h.weights[0].shape = [2, -2]), /weights\[0\] \("[^"]+"\): shape must be an array of integers ≥ 0, got \[2,-2\]/],
      [(h) => void (h.weights[2].offset = -4), /weights\[2\] \("[^"]+"\): offset must be an integer ≥ 0, got -4/],
      [(h) => void (h.weights[2].length = "9"), /weights\[2\] \("[^"]+"\): length must be an integer ≥ 0, got "9"/],
      [(h) => void h.optimizer.v.pop(), /the optimizer has (\d+) "m" moments but (\d+) "v" moments/],
      [(h) => void (h.optimizer.v = h.optimizer.v.reverse()), /optimizer.v\[0\] \("[^"]+" \[[\d,]*\]\) does not pair with optimizer.m\[0\]/],
      [(h) => void (h.optimizer.m[0] = null), /optimizer.m\[0\] must be an object/],
      [(h) => void (h.optimizer = {m: [], v: [], step: -1}), /"optimizer.step" must be an integer ≥ 0, got -1/],
      [(h) => void (h.optimizer = null), /header field "optimizer" must hold arrays "m" and "v"/]
    ];
    for (const [edit, error] of cases) expect(() => decodeCheckpoint(withHeader(bytes, edit), "bad.ckpt"), String(error)).toThrow(error);
  });

  it("rebuild a model only when its config fits the weights, freeing it when loading fails", async () => {
    const {trainer, bytes} = await trainedCheckpoint();
    trainer.dispose();
    const good = decodeCheckpoint(bytes, "good.ckpt");
    const loaded = modelFromCheckpoint(good);
    loaded.model.dispose();
    const tensors = tf.memory().numTensors;
    const huge = {...good, model: {...good.model, image: {...good.model.image, width: 4096, depth: 4096}}};
    expect(() => modelFromCheckpoint(huge)).toThrow(/modelFromCheckpoint: the model config needs at least \d+ parameters, but the checkpoint holds \d+ weight values/);
    const absurd = {...good, model: {...good.model, text: {...good.model.text, width: 1e9}}};
    expect(() => modelFromCheckpoint(absurd)).toThrow("modelFromCheckpoint: model.text.width must be an integer in [1, 4096], got 1000000000");
    expect(() => modelFromCheckpoint({...good, model: null as never})).toThrow("modelFromCheckpoint: model.image.width must be an integer");
    const wrong = new Map(good.weights);
    wrong.delete("logit_scale");
    expect(() => modelFromCheckpoint({...good, weights: wrong})).toThrow(/weights lacks "logit_scale"/);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it("never call a real model's config too large for its own weights", async () => {
    for (const kind of ["vim", "vit"] as const) {
      const model = studentModel(kind, tokenizer, 1);
      expect(modelConfigProblem(model.config, model.parameterCounts().total), kind).toBeNull();
      model.dispose();
    }
    const tiny = tinyModel(1);
    expect(modelConfigProblem(tiny.config, tiny.parameterCounts().total)).toBeNull();
    tiny.dispose();
  });
});

describe("resuming a checkpoint", () => {
  it("from checkpoint() trains on exactly as the run that never stopped: same batches, losses and weights", async () => {
    const settings = {batchSize: 4, steps: 6, warmupSteps: 2, evalEvery: 0, seed: 5};
    // What a step's metrics say about the arithmetic (not the clock).
    const arithmetic = ({imagesPerSecond, ...rest}: StepMetrics) => rest;
    const unbroken = await Trainer.create(tinySetup({teachers: true}), settings);
    const all: StepMetrics[] = [];
    const captions: string[][] = [];
    for (let i = 0; i < 6; i++) {
      all.push(await unbroken.trainStep());
      captions.push([...unbroken.batch!.captions]);
    }

    const first = await Trainer.create(tinySetup({teachers: true}), settings);
    for (let i = 0; i < 3; i++) await first.trainStep();
    const saved = decodeCheckpoint(encodeCheckpoint(await first.checkpoint()), "mid.ckpt");
    first.dispose();
    expect(saved.meta.firstLoss).toBe(all[0].total);

    // Built straight from the checkpoint, as the CLI resumes (the page resumes a live trainer, above).
    const resumed = await Trainer.resumed(tinySetup({teachers: true}), saved, "mid.ckpt");
    expect(resumed.step).toBe(3);
    const rest: StepMetrics[] = [];
    for (let i = 3; i < 6; i++) {
      rest.push(await resumed.trainStep());
      expect(resumed.batch!.captions, `step ${i + 1}'s batch`).toEqual(captions[i]);
    }
    expect(rest.map(arithmetic)).toEqual(all.slice(3).map(arithmetic));
    const [a, b] = [await unbroken.model.exportWeights(), await resumed.model.exportWeights()];
    for (const [name, w] of a) expect(b.get(name)!.values, name).toEqual(w.values);
    expect(resumed.state).toBe("done");
    for (const t of [unbroken, resumed]) t.dispose();
  });

  it("keeps the divergence check's reference, the first step's loss, when the checkpoint has it", async () => {
    const {trainer, bytes, setup} = await trainedCheckpoint({warmupSteps: 1});
    trainer.dispose();
    const saved = decodeCheckpoint(bytes, "mid.ckpt");
    // A run whose first loss had been tiny: the next loss is far over 4× it.
    const resumed = await Trainer.create(setup);
    await resumed.resume({...saved, meta: {...saved.meta, firstLoss: 0.01}}, "mid.ckpt");
    await expect(resumed.trainStep()).rejects.toThrow(/diverged at step 4: the loss \d+\.\d+ is over 4× the first step's 0\.010/);
    // A page checkpoint saved before the reference was kept: the first resumed step becomes it.
    const older = await Trainer.create(setup);
    await older.resume({...saved, meta: {settings: saved.meta.settings}}, "older.ckpt");
    expect((await older.trainStep()).step).toBe(4);
    await expect(older.resume({...saved, meta: {...saved.meta, firstLoss: "3"}}, "odd.ckpt")).rejects.toThrow('checkpoint odd.ckpt: meta.firstLoss must be a finite number or null, got "3"');
    for (const t of [resumed, older]) t.dispose();
  });

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
    // Built straight from a checkpoint that does not fit: the same errors, and nothing left over.
    // One setup for all: the fixture's frozen teachers are tensors of their own.
    const setup = tinySetup({teachers: true});
    const idle = tf.memory().numTensors;
    for (const [label, checkpoint, error] of bad) {
      await expect(Trainer.resumed(setup, checkpoint, label), label).rejects.toThrow(error);
      expect(tf.memory().numTensors, label).toBe(idle);
    }
  });
});

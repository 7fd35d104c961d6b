import * as tf from "@tensorflow/tfjs";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {ClipModel, type ClipModelConfig} from "../../../src/lib/clip/clipModel.js";
import type {ImageEncoderConfig} from "../../../src/lib/clip/imageEncoder.js";
import {LOGIT_SCALE} from "../../../src/lib/clip/presets.js";
import {VitEncoder, type VitConfig} from "../../../src/lib/clip/vit.js";
import {dmclipLoss, type LossWeights} from "../../../src/lib/distill/dmclipLoss.js";
import {Rng} from "../../../src/lib/random/rng.js";
import {NODE_BACKENDS, useBackend} from "../backends.js";
import {relativeError} from "../relativeError.js";
import {modelLossWithGrads, randomImages, tinyModelCase, TINY_TEXT, TINY_VIT, tokens} from "./fixtures.js";

const CONFIG: ClipModelConfig = {image: TINY_VIT, text: TINY_TEXT, ...LOGIT_SCALE};
const CAPTIONS = [[4, 5, 6], [7, 8], [9, 10, 11, 12], [13], [14, 15], [16, 17, 18, 19]];

/** A batch of six images and captions, and one teacher's (normalised, 10-d) embeddings of it. */
function batch(seed: number) {
  const rng = new Rng(seed);
  const teacher = (noise: number) =>
    tf.tidy(() => {
      const base = tf.tensor2d(Array.from({length: 6}, (_, i) => Array.from({length: 10}, (_, j) => (i === j ? 1 : 0) + noise * rng.normal())));
      return tf.div(base, tf.norm(base, 2, 1, true)) as tf.Tensor2D;
    });
  return {images: randomImages(rng, 6, 16), tokens: tokens(CAPTIONS), teacherImages: [teacher(0.3)], teacherTexts: [teacher(0.3)]};
}

type Batch = ReturnType<typeof batch>;

function loss(model: ClipModel, b: Batch, weights: LossWeights) {
  return dmclipLoss({
    studentImage: model.encodeImage(b.images),
    studentText: model.encodeText(b.tokens),
    logitScale: model.logitScale(),
    teacherImages: b.teacherImages,
    teacherTexts: b.teacherTexts,
    teacherScale: 20,
    weights
  });
}

const disposeBatch = (b: Batch) => tf.dispose([b.images, b.tokens, ...b.teacherImages, ...b.teacherTexts]);

describe.each(NODE_BACKENDS)("ClipModel on %s", (backend) => {
  let model: ClipModel;
  let data: Batch;
  beforeAll(async () => {
    await useBackend(backend);
    model = ClipModel.fromConfig(CONFIG);
    data = batch(1);
  });
  afterAll(() => {
    model.dispose();
    disposeBatch(data);
  });

  it("returns L2-normalised [batch, embedDim] embeddings", async () => {
    for (const e of [model.encodeImage(data.images), model.encodeText(data.tokens)]) {
      expect(e.shape).toEqual([6, 12]);
      const norms = tf.tidy(() => tf.norm(e, 2, 1));
      for (const n of await norms.data()) expect(n).toBeCloseTo(1, 5);
      tf.dispose([e, norms]);
    }
  });

  it("lists every parameter, the log logit scale included", () => {
    const vars = model.trainableVariables();
    expect(vars).toContain(model.logScale);
    expect(vars.length).toBe(model.image.params.vars.size + model.text.params.vars.size + 1);
    const counts = model.parameterCounts();
    expect(counts.total).toBe(vars.reduce((n, v) => n + v.size, 0));
    expect(counts.image).toBe(model.image.params.count());
  });

  it("starts at s = 1/0.07, passes gradients to log s, and caps s at 100", async () => {
    const s = model.logitScale();
    expect((await s.data())[0]).toBeCloseTo(1 / 0.07, 4);
    // d/d(log s) = s · dL/ds: compare the variable's gradient with the loss's gradient in s.
    const weights = {contrastive: 0.5, distill: 0.5};
    const {grads} = tf.variableGrads(() => loss(model, data, weights).total, [model.logScale]);
    const dLogS = (await grads[model.logScale.name].data())[0];
    const u = model.encodeImage(data.images);
    const v = model.encodeText(data.tokens);
    const dS = tf.grad((scale: tf.Tensor) =>
      dmclipLoss({studentImage: u, studentText: v, logitScale: scale as tf.Scalar, teacherImages: data.teacherImages, teacherTexts: data.teacherTexts, teacherScale: 20, weights}).total
    )(s);
    expect(Math.abs(dLogS)).toBeGreaterThan(1e-4);
    expect(dLogS).toBeCloseTo((1 / 0.07) * (await dS.data())[0], 5);

    const saved = model.logScale.clone();
    model.logScale.assign(tf.scalar(Math.log(200)));
    const capped = model.logitScale();
    expect((await capped.data())[0]).toBeCloseTo(100, 3);
    const {grads: cappedGrads} = tf.variableGrads(() => loss(model, data, weights).total, [model.logScale]);
    expect((await cappedGrads[model.logScale.name].data())[0]).toBe(0);
    model.logScale.assign(saved);
    tf.dispose([s, u, v, dS, saved, capped, ...Object.values(grads), ...Object.values(cappedGrads)]);
  });

  it("rebuilds from its JSON config and round-trips named weights", async () => {
    const same = ClipModel.fromConfig(JSON.parse(JSON.stringify(model.config)));
    const otherVit: VitConfig = {...TINY_VIT, seed: 99};
    const other = ClipModel.fromConfig({...CONFIG, image: otherVit, text: {...TINY_TEXT, seed: 98}});
    const encode = async (m: ClipModel) => {
      const [u, v] = [m.encodeImage(data.images), m.encodeText(data.tokens)];
      const out = [...(await u.data()), ...(await v.data())];
      tf.dispose([u, v]);
      return out;
    };
    const reference = await encode(model);
    expect(await encode(same)).toEqual(reference); // seeded initialisation, any backend
    expect(relativeError(await encode(other), reference)).toBeGreaterThan(1e-2);

    const weights = await model.exportWeights();
    expect([...weights.keys()]).toContain("logit_scale");
    expect([...weights.keys()]).toContain("text.token_embedding");
    expect(weights.get("image.conv1.weight")?.shape).toEqual([48, 16]);
    other.importWeights(weights);
    expect(await encode(other)).toEqual(reference);

    const without = new Map(weights);
    without.delete("text.ln_final.bias");
    expect(() => other.importWeights(without)).toThrow(/weights lacks "text\.ln_final\.bias"/);
    const reshaped = new Map(weights).set("image.proj.weight", {values: new Float32Array(16 * 12), shape: [12, 16]});
    expect(() => other.importWeights(reshaped)).toThrow(/"image\.proj\.weight" must have shape \[16,12\], got \[12,16\]/);
    const extra = new Map(weights).set("image.head.weight", {values: new Float32Array(1), shape: [1]});
    expect(() => other.importWeights(extra)).toThrow(/names this model lacks: image\.head\.weight/);
    same.dispose();
    other.dispose();
  });

  it("builds other image encoders through the builder it is given", () => {
    const vim = {...TINY_VIT, kind: "vim"} as unknown as ImageEncoderConfig;
    expect(() => ClipModel.fromConfig({...CONFIG, image: vim})).toThrow(/pass a builder for image encoders of kind "vim"/);
    const built: ImageEncoderConfig[] = [];
    const m = ClipModel.fromConfig(CONFIG, (c) => {
      built.push(c);
      return new VitEncoder(c as VitConfig);
    });
    expect(built).toEqual([TINY_VIT]);
    m.dispose();
    expect(() => ClipModel.fromConfig({...CONFIG, text: {...TINY_TEXT, embedDim: 8}})).toThrow(/embedDim 12 must equal the text encoder's 8/);
  });

  it("trains 50 Adam steps with a flat tensor count, weights changed mid-run without a reset", async () => {
    const trained = ClipModel.fromConfig(CONFIG);
    const optimizer = tf.train.adam(3e-3);
    const weights: LossWeights = {contrastive: 1, distill: 0};
    const totals: number[] = [];
    let afterFirst = 0;
    for (let step = 0; step < 50; step++) {
      if (step === 25) Object.assign(weights, {contrastive: 0.25, distill: 0.75}); // a slider moved
      const cost = optimizer.minimize(() => loss(trained, data, weights).total, true, trained.trainableVariables());
      totals.push((await (cost as tf.Scalar).data())[0]);
      cost?.dispose();
      if (step === 0) afterFirst = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(afterFirst);
    expect(totals[24]).toBeLessThan(0.8 * totals[0]);
    expect(totals[49]).toBeLessThan(totals[25]);
    optimizer.dispose();
    trained.dispose();
  });
});

describe("ClipModel gradients agree between cpu and wasm", () => {
  it("for every variable of the DM-CLIP loss", async () => {
    const modelCase = tinyModelCase(new Rng(2));
    const results = [];
    for (const backend of NODE_BACKENDS) {
      await useBackend(backend);
      results.push(await modelLossWithGrads(modelCase));
    }
    const [cpu, wasm] = results;
    expect(wasm.loss).toBeCloseTo(cpu.loss, 4);
    cpu.grads.forEach((g, i) => expect(relativeError(wasm.grads[i], g)).toBeLessThan(1e-4));
    for (const r of results) expect(r.leaked).toBe(0);
  });
});

import * as tf from "@tensorflow/tfjs";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {conv3x3Stride2, ConvStem} from "../../../src/lib/clip/convStem.js";
import {VitEncoder} from "../../../src/lib/clip/vit.js";
import {ParamStore} from "../../../src/lib/nn/params.js";
import {Rng} from "../../../src/lib/random/rng.js";
import {NODE_BACKENDS, relativeError, useBackend} from "../backends.js";

const rng = new Rng(11);
const randn = (n: number): Float32Array => Float32Array.from({length: n}, () => rng.normal());
const [b, h, w, c, out] = [2, 6, 8, 3, 5];
const x = randn(b * h * w * c);
const weight = randn(9 * c * out);
const bias = randn(out);
const upstream = randn(b * (h / 2) * (w / 2) * out);

/**
 * The plain reference: tf.conv2d on the cpu backend (the only Node backend with
 * Conv2DBackpropFilter), padding 1 on each side then stride 2, and its gradients through the
 * loss Σ y·upstream.
 */
async function reference(): Promise<{y: Float32Array; dx: Float32Array; dw: Float32Array; db: Float32Array}> {
  await useBackend("cpu");
  return tf.tidy(() => {
    const f = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => {
      const padded = tf.pad(xs as tf.Tensor4D, [[0, 0], [1, 1], [1, 1], [0, 0]]);
      return tf.add(tf.conv2d(padded, ws.reshape([3, 3, c, out]) as tf.Tensor4D, 2, "valid"), bs);
    };
    const inputs = [tf.tensor4d(x, [b, h, w, c]), tf.tensor2d(weight, [9 * c, out]), tf.tensor1d(bias)];
    const y = f(inputs[0], inputs[1], inputs[2]);
    const grads = tf.grads((a: tf.Tensor, wt: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.mul(f(a, wt, bs), tf.tensor(upstream, y.shape))))(inputs);
    return {y: y.dataSync() as Float32Array, dx: grads[0].dataSync() as Float32Array, dw: grads[1].dataSync() as Float32Array, db: grads[2].dataSync() as Float32Array};
  });
}

let expected: Awaited<ReturnType<typeof reference>>;
beforeAll(async () => {
  expected = await reference();
});

describe.each(NODE_BACKENDS)("convolutional stem on %s", (backend) => {
  beforeAll(() => useBackend(backend));
  afterAll(() => useBackend("cpu"));

  it("conv3x3Stride2 equals conv2d (stride 2, padding 1), forward and all three gradients", async () => {
    const before = tf.memory().numTensors;
    const inputs = [tf.tensor4d(x, [b, h, w, c]), tf.tensor2d(weight, [9 * c, out]), tf.tensor1d(bias)];
    const y = conv3x3Stride2(inputs[0] as tf.Tensor4D, inputs[1] as tf.Tensor2D, inputs[2] as tf.Tensor1D);
    expect(y.shape).toEqual([b, h / 2, w / 2, out]);
    const up = tf.tensor(upstream, y.shape);
    const grads = tf.grads((a: tf.Tensor, wt: tf.Tensor, bs: tf.Tensor) =>
      tf.sum(tf.mul(conv3x3Stride2(a as tf.Tensor4D, wt as tf.Tensor2D, bs as tf.Tensor1D), up))
    )(inputs);
    expect(relativeError(await y.data(), expected.y)).toBeLessThan(1e-5);
    expect(relativeError(await grads[0].data(), expected.dx)).toBeLessThan(1e-5);
    expect(relativeError(await grads[1].data(), expected.dw)).toBeLessThan(1e-5);
    expect(relativeError(await grads[2].data(), expected.db)).toBeLessThan(1e-5);
    tf.dispose([...inputs, y, up, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("refuses odd sizes and a weight of the wrong height, naming what it expected", () => {
    const odd = tf.zeros([1, 5, 4, 3]) as tf.Tensor4D;
    const even = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    const wrong = tf.zeros([9 * 2, 4]) as tf.Tensor2D;
    expect(() => conv3x3Stride2(odd, tf.zeros([27, 4]) as tf.Tensor2D, null)).toThrow(/height and width must be even, got \[1,5,4,3\]/);
    expect(() => conv3x3Stride2(even, wrong, null)).toThrow(/weight must be \[9·3, out\], got \[18,4\]/);
    tf.dispose([odd, even, wrong]);
  });

  it("a stem of three convolutions turns 64 px into the 8×8 tokens of 8-px patches, and a ViT checks its stride", () => {
    const stem = new ConvStem(new ParamStore(1), {channels: [4, 6, 8]}, 12);
    expect(stem.stride).toBe(8);
    const images = tf.zeros([2, 64, 64, 3]) as tf.Tensor4D;
    const tokens = stem.apply(images);
    expect(tokens.shape).toEqual([2, 64, 12]);
    const base = {kind: "vit", imageSize: 64, width: 16, depth: 1, heads: 2, mlpRatio: 2, embedDim: 8, seed: 1} as const;
    expect(() => new VitEncoder({...base, patchSize: 16, stem: {channels: [4, 6, 8]}})).toThrow(/stem's stride 8 must equal config.patchSize 16/);
    expect(() => new ConvStem(new ParamStore(1), {channels: []}, 12)).toThrow(/config.channels must be a non-empty list/);
    tf.dispose([images, tokens]);
  });
});

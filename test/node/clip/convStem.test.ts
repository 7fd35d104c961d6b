import * as tf from "@tensorflow/tfjs";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {conv3x3Stride2, ConvStem} from "../../../src/lib/clip/convStem.js";
import {VitEncoder} from "../../../src/lib/clip/vit.js";
import {ParamStore} from "../../../src/lib/nn/params.js";
import {Rng} from "../../../src/lib/random/rng.js";
import {NODE_BACKENDS, useBackend} from "../backends.js";
import {relativeError} from "../relativeError.js";

const rng = new Rng(11);
const randn = (n: number): Float32Array => Float32Array.from({length: n}, () => rng.normal());
const [b, h, w, c, out] = [2, 6, 8, 3, 5];
const x = randn(b * h * w * c);
const weight = randn(9 * c * out);
const bias = randn(out);
const upstream = randn(b * (h / 2) * (w / 2) * out);

/**
 * The plain reference: loops over y[b,i,j,o] = bias[o] + Σ x[b, 2i+r−1, 2j+s−1, k]·W[(r·3+s)·c+k, o]
 * (out-of-image pixels are 0), and its gradients through the loss Σ y·upstream. Checked in turn
 * against tf.conv2d on the cpu backend, the only Node backend with Conv2DBackpropFilter.
 */
function plainReference(): {y: Float32Array; dx: Float32Array; dw: Float32Array; db: Float32Array} {
  const [oh, ow] = [h / 2, w / 2];
  const y = new Float32Array(b * oh * ow * out);
  const dx = new Float32Array(x.length);
  const dw = new Float32Array(weight.length);
  const db = new Float32Array(out);
  for (let n = 0; n < b; n++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let o = 0; o < out; o++) {
          const at = ((n * oh + i) * ow + j) * out + o;
          let sum = bias[o];
          db[o] += upstream[at];
          for (let r = 0; r < 3; r++) {
            for (let s = 0; s < 3; s++) {
              const [row, col] = [2 * i + r - 1, 2 * j + s - 1];
              if (row < 0 || row >= h || col < 0 || col >= w) continue;
              for (let k = 0; k < c; k++) {
                const xi = ((n * h + row) * w + col) * c + k;
                const wi = ((r * 3 + s) * c + k) * out + o;
                sum += x[xi] * weight[wi];
                dx[xi] += weight[wi] * upstream[at];
                dw[wi] += x[xi] * upstream[at];
              }
            }
          }
          y[at] = sum;
        }
      }
    }
  }
  return {y, dx, dw, db};
}

async function conv2dOnCpu(): Promise<{y: Float32Array; dx: Float32Array; dw: Float32Array; db: Float32Array}> {
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

const expected = plainReference();

it("the plain loops agree with tf.conv2d's forward and gradients on cpu", async () => {
  const viaConv2d = await conv2dOnCpu();
  for (const key of ["y", "dx", "dw", "db"] as const) expect(relativeError(viaConv2d[key], expected[key])).toBeLessThan(1e-5);
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

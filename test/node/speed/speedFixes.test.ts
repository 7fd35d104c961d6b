import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {ParamStore} from "../../../src/lib/nn/params.js";
import {Rng} from "../../../src/lib/random/rng.js";
import {planTranspose} from "../../../src/lib/runtime/fastTransposeWasm.js";
import {installSpeedFixes, installedSpeedFixes, uninstallSpeedFixes} from "../../../src/lib/runtime/speedFixes.js";
import {NODE_BACKENDS, relativeError, useBackend} from "../backends.js";
import {TinyViTBlock} from "./tinyViTBlock.js";

const TOLERANCE = 1e-4;

function randomTensor(rng: Rng, shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({length: size}, () => rng.normal()), shape);
}

/** Runs `f` (which returns tensors it owns) and reads every value back, disposing the tensors. */
async function values(f: () => tf.Tensor[]): Promise<Float32Array[]> {
  const tensors = f();
  const out = await Promise.all(tensors.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(tensors);
  return out;
}

/** `f` evaluated with the stock kernels and gradients, then with the fixes installed again. */
async function stockThenFixed(backend: string, f: () => tf.Tensor[]): Promise<[Float32Array[], Float32Array[]]> {
  uninstallSpeedFixes(backend);
  let stock: Float32Array[];
  try {
    stock = await values(f);
  } finally {
    installSpeedFixes(backend);
  }
  return [stock, await values(f)];
}

function expectClose(actual: Float32Array[], expected: Float32Array[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    expect(a.length, `output ${i}`).toBe(expected[i].length);
    expect(relativeError(a, expected[i]), `output ${i}`).toBeLessThan(TOLERANCE);
  });
}

/** Value and gradients of sum(f(a, b) ⊙ w) with respect to a and b, w fixed. */
function valueAndGrads(f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, a: tf.Tensor, b: tf.Tensor, w: tf.Tensor) {
  return (): tf.Tensor[] =>
    tf.tidy(() => {
      const {value, grads} = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(f(x, y), w)))([a, b]);
      return [f(a, b), value, ...grads];
    });
}

function outShape(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): number[] {
  const m = transposeA ? aShape[aShape.length - 1] : aShape[aShape.length - 2];
  const n = transposeB ? bShape[bShape.length - 2] : bShape[bShape.length - 1];
  const batch = tf.broadcast_util.assertAndGetBroadcastShape(aShape.slice(0, -2), bShape.slice(0, -2));
  return [...batch, m, n];
}

// [a shape, b shape] without transposes; transposed variants swap the last two axes.
// [2,6]·[6,9] and its batch-1 twin are cheaper swapped, (bᵀ·aᵀ)ᵀ, on wasm.
const MATMUL_SHAPES: Array<[number[], number[]]> = [
  [[7, 5], [5, 3]],
  [[2, 6], [6, 9]],
  [[1, 2, 6], [1, 6, 9]],
  [[3, 7, 5], [3, 5, 4]],
  [[2, 3, 6, 5], [2, 3, 5, 1]],
  [[1, 1, 4], [1, 4, 6]]
];
// Batch axes broadcast on one side or both: stock tfjs cannot take these gradients.
const BROADCAST_SHAPES: Array<[number[], number[]]> = [
  [[2, 3, 6, 5], [5, 4]],
  [[6, 5], [3, 5, 4]],
  [[1, 6, 5], [4, 5, 3]],
  [[2, 1, 6, 5], [1, 3, 5, 4]]
];
const TRANSPOSES: Array<[boolean, boolean]> = [
  [false, false],
  [false, true],
  [true, false],
  [true, true]
];

function swapLastTwo(shape: number[], swap: boolean): number[] {
  return swap ? [...shape.slice(0, -2), shape[shape.length - 1], shape[shape.length - 2]] : shape;
}

describe("planTranspose", () => {
  it("splits permutations into steps that move at most four axes", () => {
    const rng = new Rng(3);
    for (let rank = 1; rank <= 8; rank++) {
      for (let trial = 0; trial < 20; trial++) {
        const shape = Array.from({length: rank}, () => 1 + rng.int(4));
        const perm = rng.shuffle([...Array(rank).keys()]);
        for (const step of planTranspose(shape, perm)) {
          let fixed = 0;
          while (step.perm[fixed] === fixed) fixed++;
          expect(step.perm.length - fixed, `[${shape}] by [${perm}]`).toBeLessThanOrEqual(4);
          expect(step.shape.every((s) => s > 1)).toBe(true);
        }
      }
    }
  });

  it("merges axes that stay neighbours", () => {
    expect(planTranspose([4, 5, 3, 2, 6], [2, 0, 3, 1, 4])).toEqual([
      {shape: [20, 3, 12], perm: [1, 0, 2]},
      {shape: [12, 5, 2, 6], perm: [0, 2, 1, 3]}
    ]);
    expect(planTranspose([2, 3, 4], [0, 1, 2])).toEqual([{shape: [24], perm: [0]}]);
  });
});

describe.each(NODE_BACKENDS)("speed fixes on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it("are installed by useBackend, once, and stay installed across a backend switch", async () => {
    const wasmKernels = ["BatchMatMul", "Transpose", "Identity", "Cast", "Slice", "SplitV", "Unpack", "Concat", "Pack", "Reverse", "Tanh"];
    const expected = [...(backend === "wasm" ? wasmKernels : ["BatchMatMul"]), "BatchMatMul gradient"];
    expect(installedSpeedFixes(backend)).toEqual(expected);
    const kernel = tf.getKernel("BatchMatMul", backend);
    installSpeedFixes(backend);
    expect(tf.getKernel("BatchMatMul", backend)).toBe(kernel);
    for (const other of NODE_BACKENDS) await useBackend(other);
    await useBackend(backend);
    expect(installedSpeedFixes(backend)).toEqual(expected);
    expect(tf.getKernel("BatchMatMul", backend)).toBe(kernel);
  });

  it("reject an unknown backend by name", () => {
    expect(() => installSpeedFixes("nosuch")).toThrow(/backendName "nosuch"/);
  });

  it.each(TRANSPOSES)("keep matMul's values and gradients (transposeA=%s, transposeB=%s)", async (transposeA, transposeB) => {
    const rng = new Rng(11);
    for (const [aPlain, bPlain] of MATMUL_SHAPES) {
      const a = randomTensor(rng, swapLastTwo(aPlain, transposeA));
      const b = randomTensor(rng, swapLastTwo(bPlain, transposeB));
      const w = randomTensor(rng, outShape(a.shape, b.shape, transposeA, transposeB));
      const before = tf.memory().numTensors;
      const [stock, fixed] = await stockThenFixed(
        backend,
        valueAndGrads((x, y) => tf.matMul(x, y, transposeA, transposeB), a, b, w)
      );
      expectClose(fixed, stock);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([a, b, w]);
    }
  });

  it.each(TRANSPOSES)("train matMul over broadcast batch axes (transposeA=%s, transposeB=%s)", async (transposeA, transposeB) => {
    const rng = new Rng(12);
    for (const [aPlain, bPlain] of BROADCAST_SHAPES) {
      const a = randomTensor(rng, swapLastTwo(aPlain, transposeA));
      const b = randomTensor(rng, swapLastTwo(bPlain, transposeB));
      const shape = outShape(a.shape, b.shape, transposeA, transposeB);
      const w = randomTensor(rng, shape);
      const batch = shape.slice(0, -2);
      // Reference: broadcast explicitly (broadcastTo's gradient sums), then an unbroadcast matMul.
      const reference = (x: tf.Tensor, y: tf.Tensor): tf.Tensor =>
        tf.matMul(
          tf.broadcastTo(x, [...batch, ...x.shape.slice(-2)]),
          tf.broadcastTo(y, [...batch, ...y.shape.slice(-2)]),
          transposeA,
          transposeB
        );
      const expected = await values(valueAndGrads(reference, a, b, w));
      const actual = await values(valueAndGrads((x, y) => tf.matMul(x, y, transposeA, transposeB), a, b, w));
      expectClose(actual, expected);
      tf.dispose([a, b, w]);
    }
  });

  it("keep transposes of every rank up to 6, values and gradients", async () => {
    const rng = new Rng(13);
    for (let rank = 1; rank <= 6; rank++) {
      for (let trial = 0; trial < 4; trial++) {
        const shape = Array.from({length: rank}, () => 1 + rng.int(4));
        const perm = rng.shuffle([...Array(rank).keys()]);
        const x = randomTensor(rng, shape);
        const w = randomTensor(rng, perm.map((axis) => shape[axis]));
        const f = (): tf.Tensor[] =>
          tf.tidy(() => {
            const {value, grad} = tf.valueAndGrad((t: tf.Tensor) => tf.sum(tf.mul(tf.transpose(t, perm), w)))(x);
            return [tf.transpose(x, perm), value, grad];
          });
        const [stock, fixed] = await stockThenFixed(backend, f);
        expectClose(fixed, stock);
        tf.dispose([x, w]);
      }
    }
  });

  it("keep slices, splits, unstacks, concats, stacks and reverses of every rank up to 6", async () => {
    const rng = new Rng(16);
    for (let rank = 1; rank <= 6; rank++) {
      for (let trial = 0; trial < 6; trial++) {
        const shape = Array.from({length: rank}, () => 1 + rng.int(5));
        const begin = shape.map((s) => (trial % 3 === 0 ? 0 : rng.int(s)));
        const size = shape.map((s, i) => (trial % 2 === 0 ? s - begin[i] : 1 + rng.int(s - begin[i])));
        const x = randomTensor(rng, shape);
        const w = randomTensor(rng, size);
        const f = (): tf.Tensor[] =>
          tf.tidy(() => {
            const {value, grad} = tf.valueAndGrad((t: tf.Tensor) => tf.sum(tf.mul(tf.slice(t, begin, size), w)))(x);
            const pieces = [...tf.unstack(x, rank - 1), ...tf.split(x, [1, shape[rank - 1] - 1], rank - 1)];
            const joined = [tf.concat([x, tf.neg(x), x], trial % rank), tf.stack([x, tf.neg(x)], trial % (rank + 1))];
            const flips = [trial % rank, [0, rank - 1], [...Array(rank).keys()].filter((d) => d % 2 === trial % 2)].map((axes) => tf.reverse(x, axes));
            return [tf.slice(x, begin, size), value, grad, ...pieces, ...joined, ...flips];
          });
        const [stock, fixed] = await stockThenFixed(backend, f);
        expectClose(fixed, stock);
        tf.dispose([x, w]);
      }
    }
  });

  it("keep sums over any axes, tanh, clones and casts, values and gradients", async () => {
    const rng = new Rng(17);
    const x = randomTensor(rng, [4, 3, 5, 2]);
    const axesList: Array<number | number[]> = [0, [0, 1], [0, 1, 2], [0, 1, 2, 3], -1, [1, 2], [0, 2]];
    for (const axes of axesList) {
      for (const keepDims of [false, true]) {
        const f = (): tf.Tensor[] =>
          tf.tidy(() => {
            const {value, grad} = tf.valueAndGrad((t: tf.Tensor) => tf.sum(tf.square(tf.sum(t, axes, keepDims))))(x);
            return [tf.sum(x, axes, keepDims), value, grad];
          });
        const [stock, fixed] = await stockThenFixed(backend, f);
        expectClose(fixed, stock);
      }
    }
    const wide = tf.mul(x, 10);
    const f = (): tf.Tensor[] =>
      tf.tidy(() => {
        const {value, grad} = tf.valueAndGrad((t: tf.Tensor) => tf.sum(tf.mul(tf.tanh(t), tf.clone(t))))(wide);
        return [tf.tanh(wide), tf.tanh(x), value, grad, tf.cast(x, "float32"), tf.cast(tf.cast(x, "int32"), "float32")];
      });
    const [stock, fixed] = await stockThenFixed(backend, f);
    expectClose(fixed, stock);
    tf.dispose([x, wide]);
  });

  it("keep a transformer block's output and every parameter gradient", async () => {
    const rng = new Rng(14);
    const params = new ParamStore(15);
    const block = new TinyViTBlock(params, 8, 2);
    const x = randomTensor(rng, [3, 5, 8]) as tf.Tensor3D;
    const target = randomTensor(rng, [3, 5, 8]);
    const f = (): tf.Tensor[] =>
      tf.tidy(() => {
        const {value, grads} = tf.variableGrads(() => tf.mean(tf.square(tf.sub(block.apply(x), target))) as tf.Scalar);
        return [value, ...params.list().map((v) => grads[v.name])];
      });
    const before = tf.memory().numTensors;
    const [stock, fixed] = await stockThenFixed(backend, f);
    expectClose(fixed, stock);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, target]);
    params.dispose();
  });
});

import * as tf from "@tensorflow/tfjs";
import {ParamStore} from "../../../src/lib/nn/params.js";
import {Rng} from "../../../src/lib/random/rng.js";
import {installSpeedFixes, uninstallSpeedFixes} from "../../../src/lib/runtime/speedFixes.js";
import {relativeError} from "../relativeError.js";
import {TinyViTBlock} from "./tinyViTBlock.js";

/**
 * What the speed fixes must not change, as cases shared by the Node and Chromium tests. A case
 * computes tensors (values and gradients); without `reference` they are compared with the same
 * computation on the stock kernels and gradients, with one, against that plain-ops reference.
 */
export interface SpeedCase {
  name: string;
  compute(): tf.Tensor[];
  reference?(): tf.Tensor[];
  dispose(): void;
}

function randomTensor(rng: Rng, shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({length: size}, () => rng.normal()), shape);
}

/** Value and gradients of sum(f(...xs) ⊙ w), with f's own output first. */
function withGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], w: tf.Tensor): () => tf.Tensor[] {
  return () =>
    tf.tidy(() => {
      const {value, grads} = tf.valueAndGrads((...ys: tf.Tensor[]) => tf.sum(tf.mul(f(...ys), w)))(xs);
      return [f(...xs), value, ...grads];
    });
}

function swapLastTwo(shape: number[], swap: boolean): number[] {
  return swap ? [...shape.slice(0, -2), shape[shape.length - 1], shape[shape.length - 2]] : shape;
}

const TRANSPOSES: Array<[boolean, boolean]> = [
  [false, false],
  [false, true],
  [true, false],
  [true, true]
];
// [a, b] without transposes. [2,6]·[6,9] and its batch-1 twin are cheaper swapped, (bᵀ·aᵀ)ᵀ, on wasm.
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

function matMulCases(rng: Rng): SpeedCase[] {
  const cases: SpeedCase[] = [];
  for (const [transposeA, transposeB] of TRANSPOSES) {
    for (const broadcast of [false, true]) {
      for (const [aPlain, bPlain] of broadcast ? BROADCAST_SHAPES : MATMUL_SHAPES) {
        const a = randomTensor(rng, swapLastTwo(aPlain, transposeA));
        const b = randomTensor(rng, swapLastTwo(bPlain, transposeB));
        const batch = tf.broadcast_util.assertAndGetBroadcastShape(aPlain.slice(0, -2), bPlain.slice(0, -2));
        const outShape = [...batch, aPlain[aPlain.length - 2], bPlain[bPlain.length - 1]];
        const w = randomTensor(rng, outShape);
        const matMul = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, transposeA, transposeB);
        // Reference for broadcasting: broadcast explicitly (broadcastTo's gradient sums), then matMul.
        const expanded = (x: tf.Tensor, y: tf.Tensor) =>
          matMul(tf.broadcastTo(x, [...batch, ...x.shape.slice(-2)]), tf.broadcastTo(y, [...batch, ...y.shape.slice(-2)]));
        cases.push({
          name: `matMul [${a.shape}]·[${b.shape}] transposeA=${transposeA} transposeB=${transposeB}`,
          compute: withGrads(matMul, [a, b], w),
          reference: broadcast ? withGrads(expanded, [a, b], w) : undefined,
          dispose: () => tf.dispose([a, b, w])
        });
      }
    }
  }
  return cases;
}

function layoutCases(rng: Rng): SpeedCase[] {
  const cases: SpeedCase[] = [];
  for (let rank = 1; rank <= 6; rank++) {
    for (let trial = 0; trial < 4; trial++) {
      const shape = Array.from({length: rank}, () => 1 + rng.int(4));
      const perm = rng.shuffle([...Array(rank).keys()]);
      const begin = shape.map((s) => (trial % 3 === 0 ? 0 : rng.int(s)));
      const size = shape.map((s, i) => (trial % 2 === 0 ? s - begin[i] : 1 + rng.int(s - begin[i])));
      const x = randomTensor(rng, shape);
      const wT = randomTensor(rng, perm.map((axis) => shape[axis]));
      const wS = randomTensor(rng, size);
      const last = rank - 1;
      const axis = trial % rank;
      cases.push({
        name: `layout ops on [${shape}]: transpose [${perm}], slice [${begin}]+[${size}], split, unstack, concat, stack, reverse`,
        compute: () => [
          ...withGrads((t) => tf.transpose(t, perm), [x], wT)(),
          ...withGrads((t) => tf.slice(t, begin, size), [x], wS)(),
          ...tf.tidy(() => [
            ...tf.unstack(x, last),
            ...tf.split(x, [1, shape[last] - 1], last),
            tf.concat([x, tf.neg(x), x], axis),
            tf.stack([x, tf.neg(x)], trial % (rank + 1)),
            ...[axis, [0, last], [...Array(rank).keys()].filter((d) => d % 2 === trial % 2)].map((axes) => tf.reverse(x, axes))
          ])
        ],
        dispose: () => tf.dispose([x, wT, wS])
      });
    }
  }
  return cases;
}

function elementwiseCases(rng: Rng): SpeedCase[] {
  const x = randomTensor(rng, [4, 3, 5, 2]);
  const wide = tf.mul(x, 10);
  const cases: SpeedCase[] = [
    {
      name: "tanh (to ±30), clone, casts",
      compute: () =>
        tf.tidy(() => {
          const {value, grad} = tf.valueAndGrad((t: tf.Tensor) => tf.sum(tf.mul(tf.tanh(t), tf.clone(t))))(wide);
          return [tf.tanh(wide), tf.tanh(x), value, grad, tf.cast(x, "float32"), tf.cast(tf.cast(x, "int32"), "float32")];
        }),
      dispose: () => tf.dispose([x, wide])
    }
  ];
  const axesList: Array<number | number[]> = [0, [0, 1], [0, 1, 2, 3], -1, [1, 2], [0, 2]];
  for (const axes of axesList) {
    for (const keepDims of [false, true]) {
      cases.push({
        name: `sum over [${axes}] keepDims=${keepDims}`,
        compute: () =>
          tf.tidy(() => {
            const {value, grad} = tf.valueAndGrad((t: tf.Tensor) => tf.sum(tf.square(tf.sum(t, axes, keepDims))))(x);
            return [tf.sum(x, axes, keepDims), value, grad];
          }),
        dispose: () => {}
      });
    }
  }
  return cases;
}

function blockCase(rng: Rng): SpeedCase {
  const params = new ParamStore(15);
  const block = new TinyViTBlock(params, 8, 2);
  const x = randomTensor(rng, [3, 5, 8]) as tf.Tensor3D;
  const target = randomTensor(rng, [3, 5, 8]);
  return {
    name: "a transformer block: output and every parameter gradient",
    compute: () =>
      tf.tidy(() => {
        const {value, grads} = tf.variableGrads(() => tf.mean(tf.square(tf.sub(block.apply(x), target))) as tf.Scalar);
        return [value, ...params.list().map((v) => grads[v.name])];
      }),
    dispose: () => {
      tf.dispose([x, target]);
      params.dispose();
    }
  };
}

/** Every case, built from one seed (so Node and Chromium check the same numbers). */
export function speedCases(seed = 11): SpeedCase[] {
  const rng = new Rng(seed);
  return [...matMulCases(rng), ...layoutCases(rng), ...elementwiseCases(rng), blockCase(rng)];
}

/** relativeError's worst over every output of a case. */
function worstError(actual: Float32Array[], expected: Float32Array[]): number {
  if (actual.length !== expected.length) throw new Error(`${actual.length} outputs, expected ${expected.length}`);
  return Math.max(...actual.map((a, i) => relativeError(a, expected[i])));
}

async function values(f: () => tf.Tensor[]): Promise<Float32Array[]> {
  const tensors = f();
  const out = await Promise.all(tensors.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(tensors);
  return out;
}

/**
 * The case's worst relative error on `backend`: fixed against stock (which this switches to
 * for a moment and back), or against its reference. Leaves the fixes installed.
 */
export async function caseError(backend: string, c: SpeedCase): Promise<number> {
  let expected: Float32Array[];
  if (c.reference) {
    expected = await values(c.reference);
  } else {
    uninstallSpeedFixes(backend);
    try {
      expected = await values(c.compute);
    } finally {
      installSpeedFixes(backend);
    }
  }
  return worstError(await values(c.compute), expected);
}

import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {MultiHeadAttention} from "../../../src/lib/clip/attention.js";
import {gelu} from "../../../src/lib/clip/mlp.js";
import {patchify} from "../../../src/lib/clip/patches.js";
import {positionsForGrid} from "../../../src/lib/clip/positionGrid.js";
import {ResidualBlock} from "../../../src/lib/clip/transformer.js";
import {ParamStore} from "../../../src/lib/nn/params.js";
import {Rng} from "../../../src/lib/random/rng.js";
import {NODE_BACKENDS, useBackend} from "../backends.js";
import {relativeError} from "../relativeError.js";
import {
  attentionReference,
  blockReference,
  erf,
  gelu as geluReference,
  numericGradient,
  patchifyReference,
  type BlockWeights,
  type Matrix
} from "./reference.js";

const rng = new Rng(5);
const randn = (...shape: number[]): number[] => Array.from({length: shape.reduce((a, b) => a * b, 1)}, () => rng.normal());
const rows = (flat: number[], cols: number): Matrix => Array.from({length: flat.length / cols}, (_, i) => flat.slice(i * cols, (i + 1) * cols));

async function weightsOf(store: ParamStore, prefix = ""): Promise<BlockWeights> {
  const out: BlockWeights = {};
  for (const [name, v] of store.vars) out[name.slice(prefix.length)] = (await v.array()) as Matrix | number[];
  return out;
}

describe.each(NODE_BACKENDS)("CLIP layers on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it("gelu matches ½x(1 + erf(x/√2)) and its derivative Φ(x) + x·φ(x)", async () => {
    const xs = [-3, -1.5, -0.3, 0, 0.2, 1, 2.5];
    const x = tf.tensor1d(xs);
    const {value, grads} = tf.valueAndGrads((t: tf.Tensor) => tf.sum(gelu(t)))([x]);
    const dGelu = (v: number) => 0.5 * (1 + erf(v / Math.SQRT2)) + (v * Math.exp((-v * v) / 2)) / Math.sqrt(2 * Math.PI);
    const y = tf.tidy(() => gelu(x));
    expect(relativeError(await y.data(), xs.map(geluReference))).toBeLessThan(2e-6);
    expect(relativeError(await grads[0].data(), xs.map(dGelu))).toBeLessThan(2e-6);
    tf.dispose([x, y, value, ...grads]);
  });

  it("patchify cuts non-square images into row-major (row, column, channel) patches", async () => {
    const flat = randn(2, 8, 12, 3);
    const images = tf.tensor4d(flat, [2, 8, 12, 3]);
    const patches = patchify(images, 4);
    expect(patches.shape).toEqual([2, 6, 48]);
    expect(await patches.array()).toEqual(patchifyReference((await images.array()) as number[][][][], 4));
    expect(() => patchify(images, 5)).toThrow(/multiple of the patch size 5/);
    tf.dispose([images, patches]);
  });

  for (const causal of [false, true]) {
    it(`attention (${causal ? "causal" : "bidirectional"}) matches the reference, forward and gradients`, async () => {
      const [b, l, w, heads] = [2, 4, 8, 2];
      const store = new ParamStore(3);
      // Larger-than-init weights so that the softmax is far from uniform and the mask matters.
      const attn = new MultiHeadAttention(store, w, heads, {inStd: 0.6, outStd: 0.5});
      const ws = await weightsOf(store);
      const [wIn, bIn, wOut, bOut] = ["in_proj.weight", "in_proj.bias", "out_proj.weight", "out_proj.bias"].map((k) => ws[k]);
      const xFlat = randn(b, l, w);
      const r = randn(b, l, w); // a random cotangent: the scalar is Σ out ⊙ r
      const refScalar = (xf: number[], wInFlat: number[]) =>
        [0, 1].reduce((acc, i) => {
          const out = attentionReference(rows(xf.slice(i * l * w, (i + 1) * l * w), w), rows(wInFlat, 3 * w), bIn as number[], wOut as Matrix, bOut as number[], heads, causal);
          return acc + out.flat().reduce((s, v, k) => s + v * r[i * l * w + k], 0);
        }, 0);
      const wInFlat = (wIn as Matrix).flat();

      const x = tf.tensor3d(xFlat, [b, l, w]);
      const rT = tf.tensor3d(r, [b, l, w]);
      const out = attn.apply(x, causal);
      const want = [0, 1].flatMap((i) =>
        attentionReference(rows(xFlat.slice(i * l * w, (i + 1) * l * w), w), wIn as Matrix, bIn as number[], wOut as Matrix, bOut as number[], heads, causal).flat()
      );
      expect(relativeError(await out.data(), want)).toBeLessThan(1e-5);

      const {grads} = tf.variableGrads(() => tf.sum(tf.mul(attn.apply(x, causal), rT)), [attn.qkv.weight]);
      const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(attn.apply(t as tf.Tensor3D, causal), rT)))(x);
      expect(relativeError(await dx.data(), numericGradient((xf) => refScalar(xf, wInFlat), xFlat))).toBeLessThan(1e-4);
      const dW = grads[attn.qkv.weight.name];
      expect(relativeError(await dW.data(), numericGradient((wf) => refScalar(xFlat, wf), wInFlat))).toBeLessThan(1e-4);
      tf.dispose([x, rT, out, dx, ...Object.values(grads)]);
      store.dispose();
    });
  }

  it("a pre-norm residual block matches the reference", async () => {
    const size = {width: 8, depth: 2, heads: 2, mlpRatio: 3};
    const store = new ParamStore(9);
    const block = new ResidualBlock(store.scope("b"), size);
    // Move the LayerNorm gains and biases off 1 and 0 so that their placement is tested too.
    for (const [name, v] of store.vars) if (name.includes("ln_")) v.assign(tf.tensor(randn(8), [8]));
    const ws = await weightsOf(store, "b.");
    const xFlat = randn(2, 5, 8);
    const x = tf.tensor3d(xFlat, [2, 5, 8]);
    for (const causal of [false, true]) {
      const out = block.apply(x, causal);
      const want = [0, 1].flatMap((i) => blockReference(rows(xFlat.slice(i * 40, (i + 1) * 40), 8), ws, 2, causal).flat());
      expect(relativeError(await out.data(), want)).toBeLessThan(2e-5);
      out.dispose();
    }
    x.dispose();
    store.dispose();
  });

  it("positionsForGrid rejects a table that is not 1 + g² rows", () => {
    const table = tf.zeros([10, 4]) as tf.Tensor2D;
    expect(() => positionsForGrid(table, 4, 2, 2)).toThrow(/table must have 1 \+ 4² rows, got 10/);
    table.dispose();
  });

  it("rejects a head count that does not divide the width", () => {
    expect(() => new MultiHeadAttention(new ParamStore(1), 10, 3, {inStd: 1, outStd: 1})).toThrow(/heads must divide width 10/);
  });
});

import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {TextTransformer} from "../../../src/lib/clip/textTransformer.js";
import {embedTokens} from "../../../src/lib/clip/tokenEmbedding.js";
import {END_ID, START_ID} from "../../../src/lib/clip/tokenizer.js";
import {VitEncoder} from "../../../src/lib/clip/vit.js";
import {Rng} from "../../../src/lib/random/rng.js";
import {NODE_BACKENDS, useBackend} from "../backends.js";
import {relativeError} from "../relativeError.js";
import {randomImages, TINY_TEXT, TINY_VIT, tokens} from "./fixtures.js";
import {bilinearReference, blockParameters} from "./reference.js";

/** Every variable gets a non-zero gradient from Σ f(·)⊙r: nothing is cut off from training. */
async function expectAllTrained(vars: tf.Variable[], f: () => tf.Tensor) {
  const {value, grads} = tf.variableGrads(() => {
    const y = f();
    return tf.sum(tf.mul(y, tf.randomNormal(y.shape, 0, 1, "float32", 1)));
  }, vars);
  for (const v of vars) {
    const g = await grads[v.name].data();
    expect(g.some((x) => Math.abs(x) > 0), `no gradient for ${v.shape}`).toBe(true);
  }
  tf.dispose([value, ...Object.values(grads)]);
}

describe.each(NODE_BACKENDS)("encoders on %s", (backend) => {
  beforeAll(() => useBackend(backend));
  const rng = new Rng(21);

  describe("embedTokens", () => {
    it("looks up rows and scatters gradients back onto them", async () => {
      const table = tf.tensor2d(Float32Array.from({length: 6 * 3}, () => rng.normal()), [6, 3]);
      const ids = [
        [1, 4, 4],
        [0, 5, 1]
      ];
      const t = tf.tensor2d(ids, undefined, "int32");
      const r = Float32Array.from({length: 18}, () => rng.normal());
      const rT = tf.tensor3d(r, [2, 3, 3]);
      const out = embedTokens(t, table);
      const tableRows = (await table.array()) as number[][];
      expect(relativeError(await out.data(), ids.flat().flatMap((id) => tableRows[id]))).toBe(0);
      const dTable = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(embedTokens(t, x as tf.Tensor2D), rT)))(table);
      const want = new Array(18).fill(0);
      ids.flat().forEach((id, n) => [0, 1, 2].forEach((c) => (want[id * 3 + c] += r[n * 3 + c])));
      expect(relativeError(await dTable.data(), want)).toBeLessThan(1e-6);
      tf.dispose([table, t, rT, out, dTable]);
    });
  });

  describe("TextTransformer", () => {
    let text: TextTransformer;
    beforeAll(() => {
      text = new TextTransformer(TINY_TEXT);
    });

    it("maps [batch, context] tokens to [batch, embedDim], with CLIP's parameter count", () => {
      const t = tokens([[4, 5, 6], [7]]);
      const out = text.apply(t);
      expect(out.shape).toEqual([2, 12]);
      const {vocabSize: v, contextLength: l, width: w, depth, mlpRatio, embedDim} = TINY_TEXT;
      expect(text.params.count()).toBe(v * w + l * w + depth * blockParameters(w, mlpRatio) + 2 * w + w * embedDim);
      tf.dispose([t, out]);
    });

    it("is causal: changing a later token leaves earlier positions' states unchanged", async () => {
      const a = tokens([[4, 5, 6, 7]]);
      const b = tokens([[4, 5, 9, 7]]); // differs at position 3 (after <start>, 4, 5)
      const [ha, hb] = [text.hidden(a), text.hidden(b)];
      const [da, db] = [await ha.data(), await hb.data()];
      const w = TINY_TEXT.width;
      expect(relativeError(da.slice(0, 3 * w), db.slice(0, 3 * w))).toBeLessThan(1e-6);
      for (let pos = 3; pos < 6; pos++) expect(relativeError(da.slice(pos * w, (pos + 1) * w), db.slice(pos * w, (pos + 1) * w))).toBeGreaterThan(1e-3);
      tf.dispose([a, b, ha, hb]);
    });

    it("pools at the end token: padding after it does not count, words before it do", async () => {
      const t = tokens([[4, 5, 6]]);
      const hidden = text.hidden(t);
      const atEnd = tf.tidy(() => text.projection.apply(text.lnFinal.apply(tf.slice(hidden, [0, 4, 0], [1, 1, TINY_TEXT.width]).reshape([1, TINY_TEXT.width]))));
      const out = text.apply(t);
      expect(relativeError(await out.data(), await atEnd.data())).toBeLessThan(1e-6);
      const padded = tf.tensor2d([[START_ID, 4, 5, 6, END_ID, 9, 9, 9]], undefined, "int32");
      const changed = tokens([[4, 8, 6]]);
      const [outPadded, outChanged] = [text.apply(padded), text.apply(changed)];
      expect(relativeError(await outPadded.data(), await out.data())).toBeLessThan(1e-6);
      expect(relativeError(await outChanged.data(), await out.data())).toBeGreaterThan(1e-3);
      tf.dispose([t, hidden, atEnd, out, padded, changed, outPadded, outChanged]);
    });

    it("trains every weight, the token embedding included", async () => {
      const t = tokens([[4, 5, 6], [7, 8]]);
      await expectAllTrained(text.params.list(), () => text.apply(t));
      t.dispose();
    });

    it("rejects tokens of the wrong shape or type", () => {
      const floats = tf.zeros([2, 8]) as tf.Tensor2D;
      expect(() => text.apply(floats)).toThrow(/tokens must be int32 \[batch, 8\], got float32 \[2,8\]/);
      floats.dispose();
      expect(() => new TextTransformer({...TINY_TEXT, vocabSize: 3})).toThrow(/config\.vocabSize must include the special tokens/);
    });
  });

  describe("VitEncoder", () => {
    let vit: VitEncoder;
    beforeAll(() => {
      vit = new VitEncoder(TINY_VIT);
    });

    it("maps [batch, H, W, 3] to [batch, embedDim], with CLIP's parameter count", () => {
      const images = randomImages(rng, 3, 16);
      const out = vit.apply(images);
      expect(out.shape).toEqual([3, 12]);
      expect(vit.kind).toBe("vit");
      expect(vit.embedDim).toBe(12);
      const {patchSize: p, width: w, depth, mlpRatio, embedDim} = TINY_VIT;
      const grid = (16 / p) ** 2;
      expect(vit.params.count()).toBe(p * p * 3 * w + w + (1 + grid) * w + 2 * w + depth * blockParameters(w, mlpRatio) + 2 * w + w * embedDim);
      tf.dispose([images, out]);
    });

    it("accepts other sizes, interpolating the position grid bilinearly", async () => {
      for (const [h, w] of [[8, 8], [24, 24], [16, 24]]) {
        const images = randomImages(rng, 2, h, w);
        const out = vit.apply(images);
        expect(out.shape).toEqual([2, 12]);
        tf.dispose([images, out]);
      }
      const learned = (await vit.positionEmbedding.array()) as number[][];
      const native = vit.positions(4, 4);
      expect(await native.array()).toEqual(learned);
      const grid = Array.from({length: 4}, (_, y) => learned.slice(1 + 4 * y, 1 + 4 * (y + 1)));
      const resized = vit.positions(6, 3);
      const got = (await resized.array()) as number[][];
      expect(got[0]).toEqual(learned[0]);
      expect(relativeError(got.slice(1).flat(), bilinearReference(grid, 6, 3).flat(2))).toBeLessThan(1e-6);
      tf.dispose([native, resized]);
    });

    it("trains every weight", async () => {
      const images = randomImages(rng, 2, 16);
      await expectAllTrained(vit.params.list(), () => vit.apply(images));
      images.dispose();
    });

    it("rejects bad images and configs, naming what is wrong", () => {
      const gray = tf.zeros([1, 16, 16, 1]) as tf.Tensor4D;
      const odd = tf.zeros([1, 18, 18, 3]) as tf.Tensor4D;
      expect(() => vit.apply(gray)).toThrow(/images must be \[batch, height, width, 3\], got \[1,16,16,1\]/);
      expect(() => vit.apply(odd)).toThrow(/multiple of the patch size 4/);
      tf.dispose([gray, odd]);
      expect(() => new VitEncoder({...TINY_VIT, imageSize: 18})).toThrow(/config\.imageSize 18 must be a multiple of config\.patchSize 4/);
      expect(() => new VitEncoder({...TINY_VIT, heads: 3})).toThrow(/heads must divide width 16/);
    });
  });
});

import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {clipLoss} from "../../../src/lib/distill/clipLoss.js";
import {distillLoss} from "../../../src/lib/distill/distillLoss.js";
import {dmclipLoss, type LossWeights} from "../../../src/lib/distill/dmclipLoss.js";
import {dmclipLossDR} from "../../../src/lib/distill/dmclipLossDR.js";
import {Rng} from "../../../src/lib/random/rng.js";
import {NODE_BACKENDS, useBackend} from "../backends.js";
import {relativeError} from "../relativeError.js";
import {
  clipReference,
  distillReference,
  identity,
  logits,
  objective,
  randomEmbeddings,
  softmaxRows,
  teacherTargetsReference,
  type Matrix,
  type Reference
} from "./lossReference.js";

const E = Math.E;
const LN2 = Math.log(2);
/** Embeddings u = I, and v with two captions equal (v0 = v1 = e0): an asymmetric similarity. */
const I3 = identity(3);
const SKEWED = [
  [1, 0, 0],
  [1, 0, 0],
  [0, 0, 1]
];

const t2 = (m: Matrix) => tf.tensor2d(m);
const flat = (m: Matrix) => m.flat();

async function value(t: tf.Tensor): Promise<number> {
  const [x] = await t.data();
  t.dispose();
  return x;
}

/** Runs `loss(u, v, s)` under tf.grads and returns the value and the three gradients. */
async function withGrads(u: Matrix, v: Matrix, s: number, loss: (u: tf.Tensor2D, v: tf.Tensor2D, s: tf.Scalar) => tf.Scalar) {
  const inputs = [t2(u), t2(v), tf.scalar(s)];
  const {value: l, grads} = tf.valueAndGrads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => loss(a as tf.Tensor2D, c as tf.Tensor2D, d as tf.Scalar))(inputs);
  const out = {
    loss: (await l.data())[0],
    dImage: Array.from(await grads[0].data()),
    dText: Array.from(await grads[1].data()),
    dScale: (await grads[2].data())[0]
  };
  tf.dispose([l, ...grads, ...inputs]);
  return out;
}

function expectMatches(got: Awaited<ReturnType<typeof withGrads>>, want: Reference, tol = 1e-5) {
  expect(Math.abs(got.loss - want.loss)).toBeLessThan(tol * Math.max(1, Math.abs(want.loss)));
  expect(relativeError(got.dImage, flat(want.dImage))).toBeLessThan(tol);
  expect(relativeError(got.dText, flat(want.dText))).toBeLessThan(tol);
  expect(Math.abs(got.dScale - want.dScale)).toBeLessThan(tol * Math.max(1, Math.abs(want.dScale)));
}

describe.each(NODE_BACKENDS)("DM-CLIP losses on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  describe("hand-computed 3×3 values", () => {
    it("clipLoss: matched pairs at s = 1 give log(e+2) − 1 per row", async () => {
      expect(await value(clipLoss(t2(I3), t2(I3), tf.scalar(1)))).toBeCloseTo(Math.log(E + 2) - 1, 6);
    });

    it("clipLoss counts both directions", async () => {
      // s·u vᵀ = [[1,1,0],[0,0,0],[0,0,1]]: image rows and caption columns see different competitors.
      const imageToText = (-1 + Math.log(2 * E + 1) + Math.log(3) + -1 + Math.log(E + 2)) / 3;
      const textToImage = (Math.log(E + 2) - 1 + Math.log(E + 2) + Math.log(E + 2) - 1) / 3;
      const got = await value(clipLoss(t2(I3), t2(SKEWED), tf.scalar(1)));
      expect(got).toBeCloseTo((imageToText + textToImage) / 2, 6);
      expect(Math.abs(got - imageToText)).toBeGreaterThan(0.02);
      expect(Math.abs(got - textToImage)).toBeGreaterThan(0.02);
    });

    it("distillLoss: a teacher at t = ln 2 targets [½, ¼, ¼], giving log(e+2) − ½", async () => {
      const loss = distillLoss({studentImage: t2(I3), studentText: t2(I3), logitScale: tf.scalar(1), teacherImages: [t2(I3)], teacherTexts: [t2(I3)], teacherScale: LN2});
      expect(await value(loss)).toBeCloseTo(Math.log(E + 2) - 0.5, 6);
    });

    it("distillLoss counts both directions", async () => {
      // Teacher t·U Vᵀ = ln2·SKEWED: image→text rows [2,2,1]/5, [1,1,1]/3, [1,1,2]/4; text→image rows
      // [2,1,1]/4, [2,1,1]/4, [1,1,2]/4. The student (u = v = I, s = 1) has H = log(e+2) − P_ii per row.
      const imageToText = Math.log(E + 2) - (2 / 5 + 1 / 3 + 2 / 4) / 3;
      const textToImage = Math.log(E + 2) - (2 / 4 + 1 / 4 + 2 / 4) / 3;
      const loss = distillLoss({studentImage: t2(I3), studentText: t2(I3), logitScale: tf.scalar(1), teacherImages: [t2(I3)], teacherTexts: [t2(SKEWED)], teacherScale: LN2});
      const got = await value(loss);
      expect(got).toBeCloseTo((imageToText + textToImage) / 2, 6);
      expect(Math.abs(got - imageToText)).toBeGreaterThan(2e-3);
      expect(Math.abs(got - textToImage)).toBeGreaterThan(2e-3);
    });

    it("distillLoss counts both directions of the student too", async () => {
      // Teacher targets [½,¼,¼] (diagonal ½); student logits SKEWED, whose rows and columns differ.
      const [l2, l3] = [Math.log(2 * E + 1), Math.log(E + 2)];
      const imageToText = (l2 - 0.75 + Math.log(3) + l3 - 0.5) / 3;
      const textToImage = (l3 - 0.5 + l3 - 0.25 + l3 - 0.5) / 3;
      const loss = distillLoss({studentImage: t2(I3), studentText: t2(SKEWED), logitScale: tf.scalar(1), teacherImages: [t2(I3)], teacherTexts: [t2(I3)], teacherScale: LN2});
      const got = await value(loss);
      expect(got).toBeCloseTo((imageToText + textToImage) / 2, 6);
      expect(Math.abs(got - imageToText)).toBeGreaterThan(0.02);
      expect(Math.abs(got - textToImage)).toBeGreaterThan(0.02);
    });

    it("distillLoss averages K teachers after the softmax, not their logits", async () => {
      // Teachers at t = ln 2 and ln 5 put ½ and 5/7 on the diagonal: the mean of the softmaxes is
      // 17/28; the softmax of the mean logits (ln √10) would put √10/(√10+2) there instead.
      const afterSoftmax = Math.log(E + 2) - 17 / 28;
      const afterLogits = Math.log(E + 2) - Math.sqrt(10) / (Math.sqrt(10) + 2);
      const loss = distillLoss({
        studentImage: t2(I3),
        studentText: t2(I3),
        logitScale: tf.scalar(1),
        teacherImages: [t2(I3), t2(I3)],
        teacherTexts: [t2(I3), t2(I3)],
        teacherScale: [LN2, Math.log(5)]
      });
      const got = await value(loss);
      expect(got).toBeCloseTo(afterSoftmax, 6);
      expect(Math.abs(got - afterLogits)).toBeGreaterThan(4e-3);
    });

    it("dmclipLoss weighs the two terms: (0.25, 0.75)", async () => {
      const terms = dmclipLoss({
        studentImage: t2(I3),
        studentText: t2(I3),
        logitScale: tf.scalar(1),
        teacherImages: [t2(I3)],
        teacherTexts: [t2(I3)],
        teacherScale: LN2,
        weights: {contrastive: 0.25, distill: 0.75}
      });
      const clip = Math.log(E + 2) - 1;
      const kd = Math.log(E + 2) - 0.5;
      expect(await value(terms.contrastive)).toBeCloseTo(clip, 6);
      expect(await value(terms.distill)).toBeCloseTo(kd, 6);
      expect(await value(terms.total)).toBeCloseTo(0.25 * clip + 0.75 * kd, 6);
    });
  });

  describe("against the float64 reference on random inputs, values and gradients", () => {
    const rng = new Rng(7);
    const normal = () => rng.normal();
    const b = 5;
    const u = randomEmbeddings(normal, b, 6);
    const v = randomEmbeddings(normal, b, 6);
    // Two teachers whose widths differ from the student's and from each other.
    const teacherImages = [randomEmbeddings(normal, b, 7), randomEmbeddings(normal, b, 4)];
    const teacherTexts = [randomEmbeddings(normal, b, 7), randomEmbeddings(normal, b, 4)];
    const teacherScale = [12, 30];
    const s = 9;
    const distillInputs = (su: tf.Tensor2D, sv: tf.Tensor2D, ss: tf.Scalar) => ({
      studentImage: su,
      studentText: sv,
      logitScale: ss,
      teacherImages: teacherImages.map(t2),
      teacherTexts: teacherTexts.map(t2),
      teacherScale
    });

    it("clipLoss", async () => {
      const got = await withGrads(u, v, s, (a, c, d) => clipLoss(a, c, d));
      const want = clipReference(u, v, s);
      expectMatches(got, want);
      expect(Math.abs(want.dScale)).toBeGreaterThan(1e-3); // the scale is learned through this gradient
    });

    it("distillLoss with two teachers of different widths", async () => {
      const got = await withGrads(u, v, s, (a, c, d) => distillLoss(distillInputs(a, c, d)));
      const want = distillReference(u, v, s, teacherImages, teacherTexts, teacherScale);
      expectMatches(got, want);
      expect(Math.abs(want.dScale)).toBeGreaterThan(1e-3);
    });

    it("dmclipLoss total at (0.25, 0.75), and the default teacher scale is 100", async () => {
      const weights = {contrastive: 0.25, distill: 0.75};
      const got = await withGrads(u, v, s, (a, c, d) => dmclipLoss({...distillInputs(a, c, d), teacherScale: undefined, weights}).total);
      const clip = clipReference(u, v, s);
      const kd = distillReference(u, v, s, teacherImages, teacherTexts, [100, 100]);
      const mix = (x: number, y: number) => weights.contrastive * x + weights.distill * y;
      const mixM = (x: Matrix, y: Matrix) => x.map((row, i) => row.map((xi, j) => mix(xi, y[i][j])));
      expectMatches(got, {
        loss: mix(clip.loss, kd.loss),
        dImage: mixM(clip.dImage, kd.dImage),
        dText: mixM(clip.dText, kd.dText),
        dScale: mix(clip.dScale, kd.dScale)
      });
    });

    it("dmclipLossDR sums the ground-truth and the synthetic-caption losses", async () => {
      const synthetic = randomEmbeddings(normal, b, 6);
      const teacherSynthetic = [randomEmbeddings(normal, b, 7), randomEmbeddings(normal, b, 4)];
      const weights = {contrastive: 0.5, distill: 0.5};
      const terms = dmclipLossDR({
        ...distillInputs(t2(u), t2(v), tf.scalar(s)),
        studentSyntheticText: t2(synthetic),
        teacherSyntheticTexts: teacherSynthetic.map(t2),
        weights
      });
      const clip = clipReference(u, v, s).loss + clipReference(u, synthetic, s).loss;
      const kd =
        distillReference(u, v, s, teacherImages, teacherTexts, teacherScale).loss +
        distillReference(u, synthetic, s, teacherImages, teacherSynthetic, teacherScale).loss;
      expect(await value(terms.contrastive)).toBeCloseTo(clip, 5);
      expect(await value(terms.distill)).toBeCloseTo(kd, 5);
      expect(await value(terms.total)).toBeCloseTo(0.5 * clip + 0.5 * kd, 5);
    });

    it("the reference itself: averaging logits is a different target", () => {
      const after = teacherTargetsReference(teacherImages, teacherTexts, teacherScale, "probabilities");
      const before = teacherTargetsReference(teacherImages, teacherTexts, teacherScale, "logits");
      expect(relativeError(flat(after.i2t), flat(before.i2t))).toBeGreaterThan(1e-2);
    });
  });

  describe("limiting cases", () => {
    const rng = new Rng(11);
    const normal = () => rng.normal();
    const u = randomEmbeddings(normal, 4, 8);
    const v = randomEmbeddings(normal, 4, 8);

    it("weights (1, 0) give clipLoss exactly, value and gradients", async () => {
      const mixed = await withGrads(u, v, 14, (a, c, d) =>
        dmclipLoss({studentImage: a, studentText: c, logitScale: d, teacherImages: [t2(v)], teacherTexts: [t2(u)], weights: {contrastive: 1, distill: 0}}).total
      );
      const plain = await withGrads(u, v, 14, (a, c, d) => clipLoss(a, c, d));
      expect(mixed).toEqual(plain);
    });

    it("a one-hot teacher turns the distillation term into the contrastive cross-entropy", async () => {
      // Orthonormal teacher embeddings at t = 1000: softmax_row(t·I) is exactly I in float32.
      const oneHot = identity(4);
      const kd = await withGrads(u, v, 14, (a, c, d) =>
        distillLoss({studentImage: a, studentText: c, logitScale: d, teacherImages: [t2(oneHot)], teacherTexts: [t2(oneHot)], teacherScale: 1000})
      );
      const clip = await withGrads(u, v, 14, (a, c, d) => clipLoss(a, c, d));
      expectMatches(kd, {loss: clip.loss, dImage: [clip.dImage], dText: [clip.dText], dScale: clip.dScale}, 1e-6);
    });

    it("a student whose similarities equal its single teacher's gets no distillation gradient", async () => {
      const got = await withGrads(u, v, 20, (a, c, d) =>
        distillLoss({studentImage: a, studentText: c, logitScale: d, teacherImages: [t2(u)], teacherTexts: [t2(v)], teacherScale: 20})
      );
      // At the optimum the loss is the teachers' entropy, and every gradient vanishes.
      const p = softmaxRows(logits(u, v, 20));
      expect(got.loss).toBeGreaterThan(0);
      expect(objective(u, v, 20, p, softmaxRows(logits(v, u, 20))).loss).toBeCloseTo(got.loss, 5);
      for (const g of [...got.dImage, ...got.dText, got.dScale]) expect(Math.abs(g)).toBeLessThan(2e-6);
    });

    it("weights are read on every call: changing them in place changes the next total", async () => {
      const weights: LossWeights = {contrastive: 1, distill: 0};
      const inputs = {studentImage: t2(u), studentText: t2(v), logitScale: tf.scalar(14), teacherImages: [t2(v)], teacherTexts: [t2(u)], weights};
      const first = dmclipLoss(inputs);
      weights.contrastive = 0.25;
      weights.distill = 0.75;
      const second = dmclipLoss(inputs);
      const [c, d] = [await value(second.contrastive), await value(second.distill)];
      expect(await value(first.total)).toBeCloseTo(c, 6);
      expect(await value(second.total)).toBeCloseTo(0.25 * c + 0.75 * d, 6);
      tf.dispose([first.contrastive, first.distill]);
    });
  });

  describe("bad input names the argument", () => {
    const e = (b: number, d = 4) => tf.zeros([b, d]) as tf.Tensor2D;
    const valid = () => ({
      studentImage: e(3),
      studentText: e(3),
      logitScale: tf.scalar(10),
      teacherImages: [e(3, 5), e(3, 6)],
      teacherTexts: [e(3, 5), e(3, 6)],
      weights: {contrastive: 0.25, distill: 0.75}
    });

    it.each([
      ["a negative weight", () => ({weights: {contrastive: -0.1, distill: 1}}), /weights\.contrastive/],
      ["a NaN weight", () => ({weights: {contrastive: 1, distill: NaN}}), /weights\.distill/],
      ["both weights zero", () => ({weights: {contrastive: 0, distill: 0}}), /both 0/],
      ["mismatched batch sizes", () => ({studentText: e(2)}), /studentText has batch 2 but studentImage has batch 3/],
      ["mismatched student dims", () => ({studentText: e(3, 5)}), /studentText has dim 5/],
      ["a teacher list of another K", () => ({teacherTexts: [e(3, 5)]}), /teacherTexts must hold one tensor per teacher.*K = 2/],
      ["no teacher", () => ({teacherImages: [], teacherTexts: []}), /teacherImages must be a non-empty array/],
      ["a teacher of another batch", () => ({teacherImages: [e(3, 5), e(4, 6)], teacherTexts: [e(3, 5), e(4, 6)]}), /teacherImages\[1\] has batch 4/],
      ["a teacher whose image and text widths differ", () => ({teacherTexts: [e(3, 5), e(3, 7)]}), /teacherTexts\[1\] has dim 7/],
      ["a log-scale array as the scale", () => ({logitScale: tf.tensor1d([10])}), /logitScale must be a float32 scalar/],
      ["a negative teacher scale", () => ({teacherScale: -1}), /teacherScale must be a finite number > 0/],
      ["teacher scales of another K", () => ({teacherScale: [10]}), /teacherScale must hold one scale per teacher/],
      ["a rank-3 embedding", () => ({studentImage: tf.zeros([3, 4, 1])}), /studentImage must be a \[batch, dim\] tensor/]
    ] as const)("%s", (_, override, message) => {
      const before = tf.memory().numTensors;
      const inputs = {...valid(), ...override()} as Parameters<typeof dmclipLoss>[0];
      const made = tf.memory().numTensors - before;
      expect(() => dmclipLoss(inputs)).toThrow(message);
      expect(tf.memory().numTensors - before).toBe(made); // nothing leaked on the way out
      tf.dispose(Object.values(inputs).flat().filter((x): x is tf.Tensor => x instanceof tf.Tensor));
    });

    it("clipLoss and the DR synthetic captions name theirs", () => {
      expect(() => clipLoss(e(3), e(4), tf.scalar(1))).toThrow(/textEmb has batch 4 but imageEmb has batch 3/);
      expect(() => dmclipLossDR({...valid(), studentSyntheticText: e(2), teacherSyntheticTexts: [e(3, 5), e(3, 6)]})).toThrow(/studentSyntheticText/);
      expect(() => dmclipLossDR({...valid(), studentSyntheticText: e(3), teacherSyntheticTexts: [e(3, 5)]})).toThrow(/teacherSyntheticTexts/);
    });
  });

  it("leaves only the returned tensors behind", () => {
    const inputs = {
      studentImage: tf.randomNormal([4, 6]) as tf.Tensor2D,
      studentText: tf.randomNormal([4, 6]) as tf.Tensor2D,
      logitScale: tf.scalar(10),
      teacherImages: [tf.randomNormal([4, 5]) as tf.Tensor2D],
      teacherTexts: [tf.randomNormal([4, 5]) as tf.Tensor2D],
      weights: {contrastive: 0.25, distill: 0.75}
    };
    const before = tf.memory().numTensors;
    tf.dispose(clipLoss(inputs.studentImage, inputs.studentText, inputs.logitScale));
    tf.dispose(distillLoss(inputs));
    tf.dispose(Object.values(dmclipLoss(inputs)));
    tf.dispose(Object.values(dmclipLossDR({...inputs, studentSyntheticText: inputs.studentText, teacherSyntheticTexts: inputs.teacherTexts})));
    expect(tf.memory().numTensors).toBe(before);
  });
});

import * as tf from "@tensorflow/tfjs";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {LossCase} from "./entries/losses.js";
import {bundleEntry, openPage, type PageLog} from "./harness.js";
import {servedInChromium} from "./site.js";
import {Rng} from "../../src/lib/random/rng.js";
import {relativeError} from "../node/relativeError.js";
import {modelLossWithGrads, tinyModelCase} from "../node/clip/fixtures.js";
import {clipReference, distillReference, identity, randomEmbeddings, type Reference} from "../node/distill/lossReference.js";

const served = servedInChromium(() => bundleEntry("test/browser/entries/losses.ts"));

// Small shapes: SwiftShader's WebGPU is correct but slow.
const rng = new Rng(2026);
const normal = () => rng.normal();
const b = 4;
const base = {
  image: randomEmbeddings(normal, b, 6),
  text: randomEmbeddings(normal, b, 6),
  scale: 9,
  teacherImages: [randomEmbeddings(normal, b, 7), randomEmbeddings(normal, b, 5)],
  teacherTexts: [randomEmbeddings(normal, b, 7), randomEmbeddings(normal, b, 5)],
  teacherScale: [12, 30],
  weights: {contrastive: 0.25, distill: 0.75}
};
const synthetic = randomEmbeddings(normal, b, 6);
const teacherSynthetic = [randomEmbeddings(normal, b, 7), randomEmbeddings(normal, b, 5)];

function mix(terms: Reference[], ws: number[]): Reference {
  const m = (pick: (r: Reference) => number[][]) =>
    pick(terms[0]).map((row, i) => row.map((_, j) => terms.reduce((s, r, k) => s + ws[k] * pick(r)[i][j], 0)));
  return {
    loss: terms.reduce((s, r, k) => s + ws[k] * r.loss, 0),
    dImage: m((r) => r.dImage),
    dText: m((r) => r.dText),
    dScale: terms.reduce((s, r, k) => s + ws[k] * r.dScale, 0)
  };
}

/** The DR sum: the synthetic half's text gradient is with respect to the synthetic caption, not `text`. */
function sumDR(real: Reference, syn: Reference): Reference {
  const both = mix([real, syn], [1, 1]);
  return {...both, dText: real.dText};
}

const kd = (text: number[][], teacherTexts: number[][][]) => distillReference(base.image, text, base.scale, base.teacherImages, teacherTexts, base.teacherScale);
const cases: [string, LossCase, Reference][] = [
  ["clipLoss", {...base, loss: "clip"}, clipReference(base.image, base.text, base.scale)],
  ["distillLoss", {...base, loss: "distill"}, kd(base.text, base.teacherTexts)],
  ["dmclipLoss (0.25, 0.75)", {...base, loss: "dmclip"}, mix([clipReference(base.image, base.text, base.scale), kd(base.text, base.teacherTexts)], [0.25, 0.75])],
  [
    "dmclipLossDR",
    {...base, loss: "dmclipDR", syntheticText: synthetic, teacherSyntheticTexts: teacherSynthetic},
    sumDR(
      mix([clipReference(base.image, base.text, base.scale), kd(base.text, base.teacherTexts)], [0.25, 0.75]),
      mix([clipReference(base.image, synthetic, base.scale), kd(synthetic, teacherSynthetic)], [0.25, 0.75])
    )
  ],
  [
    "distillLoss, hand-computed: a teacher at t = ln 2 gives log(e+2) − ½",
    {...base, loss: "distill", image: identity(3), text: identity(3), scale: 1, teacherImages: [identity(3)], teacherTexts: [identity(3)], teacherScale: [Math.LN2]},
    distillReference(identity(3), identity(3), 1, [identity(3)], [identity(3)], [Math.LN2])
  ]
];

it("the hand-computed case's reference is log(e+2) − ½", () => {
  expect(cases[4][2].loss).toBeCloseTo(Math.log(Math.E + 2) - 0.5, 12);
});

describe.each(["webgpu", "wasm"])("DM-CLIP losses in Chromium on %s", (backend) => {
  let page: Page;
  let log: PageLog;
  beforeAll(async () => {
    ({page, log} = await openPage(served.browser, served.server.url));
    await page.waitForFunction(() => "lab" in window);
    expect(await page.evaluate((name) => (window as any).lab.use(name), backend)).toBe(true);
  });
  afterAll(async () => {
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it.each(cases)("%s matches the float64 reference, value and gradients", async (_, lossCase, want) => {
    const got = await page.evaluate((c) => (window as any).lab.lossWithGrads(c), lossCase);
    const tol = 2e-5;
    expect(Math.abs(got.loss - want.loss)).toBeLessThan(tol * Math.max(1, Math.abs(want.loss)));
    expect(relativeError(got.dImage, want.dImage.flat())).toBeLessThan(tol);
    expect(relativeError(got.dText, want.dText.flat())).toBeLessThan(tol);
    expect(Math.abs(got.dScale - want.dScale)).toBeLessThan(tol * Math.max(1, Math.abs(want.dScale)));
    expect(got.leaked).toBe(0);
  });


  it("a tiny ClipModel's loss gradients match Node's cpu backend for every variable", async () => {
    const got = await page.evaluate((c) => (window as any).lab.modelLossWithGrads(c), modelCase);
    expect(Math.abs(got.loss - modelReference.loss)).toBeLessThan(1e-4 * Math.max(1, modelReference.loss));
    expect(got.grads.length).toBe(modelReference.grads.length);
    got.grads.forEach((g: number[], i: number) => expect(relativeError(g, modelReference.grads[i])).toBeLessThan(1e-3));
    expect(got.leaked).toBe(0);
  });
});

// The model case; its reference runs in this Node process on tfjs's cpu backend, from the same
// seeded initialisation.
const modelCase = tinyModelCase(new Rng(77));
let modelReference: {loss: number; grads: number[][]};

beforeAll(async () => {
  await tf.setBackend("cpu");
  modelReference = await modelLossWithGrads(modelCase);
});

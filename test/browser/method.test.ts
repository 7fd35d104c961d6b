import * as tf from "@tensorflow/tfjs";
import type {Page} from "playwright-core";
import {beforeAll, describe, expect, it} from "vitest";
import {diskReader} from "../../src/lib/data/nodeFiles.js";
import {ReinforcedSet} from "../../src/lib/data/reinforcedLoader.js";
import type {ReinforcedShard} from "../../src/lib/data/reinforcedFormat.js";
import {clipLoss, contrastiveFromLogits} from "../../src/lib/distill/clipLoss.js";
import {DEFAULT_TEACHER_SCALE, distillFromLogits, distillLoss, teacherTargets} from "../../src/lib/distill/distillLoss.js";
import {dmclipLoss} from "../../src/lib/distill/dmclipLoss.js";
import {similarityLogits} from "../../src/lib/distill/similarity.js";
import {selectiveScan} from "../../src/lib/mamba/selectiveScan.js";
import {Rng} from "../../src/lib/random/rng.js";
import {openPage, type PageLog} from "./harness.js";
import {builtSiteInChromium, settledCellErrors, settledCells} from "./site.js";

// The page runs the library in Chromium (wasm); this file runs the same library in Node (cpu)
// on the inputs the page reports, and checks that the page shows what the library computes.

const site = builtSiteInChromium();
let page: Page;
let log: PageLog;
let set: ReinforcedSet;
let shard: ReinforcedShard;

beforeAll(async () => {
  await tf.setBackend("cpu");
  set = await ReinforcedSet.open(diskReader("data/reinforced"));
  shard = await set.readShard(0);
  ({page, log} = await openPage(site.browser, `${site.server.url}/notebooks/method`));
  await page.waitForSelector("main h1");
  expect(await settledCellErrors(page)).toEqual([]);
});

const json = async <T>(selector: string, attribute: string): Promise<T> => JSON.parse((await page.getAttribute(selector, attribute))!);
const matrix = (name: string) => json<number[][]>(`figure.method-matrix[data-name="${name}"]`, "data-values");
/** Types `value` into the number box of the input labelled `label`, as a user would. */
const typeInto = async (label: string, value: number) => {
  const box = page.locator(`form:has-text('${label}') input[type=number]`).first();
  await box.fill(String(value));
  await box.press("Enter");
};
const expectClose = (a: number[][], b: number[][], digits: number) => {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) => row.forEach((v, j) => expect(v, `[${i}][${j}]`).toBeCloseTo(b[i][j], digits)));
};

interface ScanInputs {
  x: number[];
  delta: number;
  A: number[];
  B: number[];
}

/**
 * h_l[n] from the library's selectiveScan with C = e_n, and the recurrence of docs/method.md,
 * "The selective scan (Mamba)", in plain JS.
 */
async function scanInNode({x, delta, A, B}: ScanInputs): Promise<{library: number[][]; formula: number[][]}> {
  const L = x.length;
  const N = A.length;
  const library = Array.from({length: L}, () => new Array<number>(N).fill(0));
  for (let n = 0; n < N; n++) {
    const y = tf.tidy(() =>
      selectiveScan({
        u: tf.tensor3d(x, [1, L, 1]),
        delta: tf.fill([1, L, 1], delta),
        A: tf.tensor2d(A, [1, N]),
        B: tf.tensor3d(Array.from({length: L}, () => B).flat(), [1, L, N]),
        C: tf.tensor3d(Array.from({length: L}, () => A.map((_, k) => (k === n ? 1 : 0))).flat(), [1, L, N]),
        deltaSoftplus: false
      })
    );
    (await y.data()).forEach((v, l) => (library[l][n] = v));
    y.dispose();
  }
  const formula: number[][] = [];
  let h = new Array<number>(N).fill(0);
  for (const xl of x) {
    h = h.map((hn, n) => Math.exp(delta * A[n]) * hn + delta * B[n] * xl);
    formula.push(h);
  }
  return {library, formula};
}

describe("the method page", () => {
  it("shows the library's selective scan, and follows the Δ slider", async () => {
    for (const delta of [null, 2.5]) {
      if (delta !== null) {
        await typeInto("Δ (step size)", delta);
        await expect.poll(() => page.getAttribute(".method-scan", "data-delta")).toBe(String(delta));
        await settledCells(page);
      }
      const inputs = await json<ScanInputs>(".method-scan", "data-inputs");
      const states = await json<number[][]>(".method-scan", "data-states");
      const y = await json<number[]>(".method-scan", "data-y");
      const {library, formula} = await scanInNode(inputs);
      expectClose(states, library, 5);
      expectClose(states, formula, 5);
      y.forEach((v, l) => expect(v).toBeCloseTo(library[l].reduce((a, b) => a + b, 0), 5));
    }
  });

  it("shows causal attention weights of its 16 seeded tokens: each row a softmax over earlier positions", async () => {
    const weights = await matrix("attention");
    expect(weights).toHaveLength(16);
    const rng = new Rng(1); // the page's tokens: 16 × 4 normals from seed 1
    const tokens = tf.tensor2d(Float32Array.from({length: 16 * 4}, () => rng.normal()), [16, 4]);
    const mask = tf.tensor2d(Array.from({length: 256}, (_, k) => (k % 16 > Math.floor(k / 16) ? -1e9 : 0)), [16, 16]);
    expectClose(weights, (await tf.softmax(tf.add(similarityLogits(tokens, tokens, 1 / 2), mask)).array()) as number[][], 5);
    weights.forEach((row, i) => {
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      row.forEach((w, j) => (j > i ? expect(w).toBe(0) : expect(w).toBeGreaterThan(0)));
    });
  });

  it("measured the scan and attention at every length", async () => {
    const points = await json<{length: number; op: string; ms: number}[]>(".method-costs", "data-points");
    expect(points.map((p) => `${p.op} ${p.length}`).sort()).toEqual(
      [64, 128, 256, 512, 1024].flatMap((L) => [`attention ${L}`, `selective scan ${L}`]).sort()
    );
    points.forEach((p) => expect(p.ms).toBeGreaterThan(0));
  });

  /** The batch the page says it uses (shard 0, its listed samples), view 0 and ground-truth caption, per teacher. */
  function teacherTensors(indices: number[]) {
    const m = set.manifest;
    let from = 0;
    return m.teachers.map((t) => {
      const [a, b] = [from, (from += t.dim)];
      const rows = (data: Float32Array, stride: number) =>
        tf.tensor2d(indices.map((i) => Array.from(data.subarray(i * stride * m.embedDim + a, i * stride * m.embedDim + b))));
      return {image: rows(shard.imageEmb, m.augmentations), text: rows(shard.textEmb, m.texts), scale: t.logitScale ?? DEFAULT_TEACHER_SCALE};
    });
  }

  async function checkLosses(): Promise<void> {
    const settings = await json<{contrastiveWeight: number; studentScale: number; teacherScale: "own" | number}>(".method-losses", "data-settings");
    const student = await json<{images: number[][]; texts: number[][]}>(".method-losses", "data-student");
    const shown = await json<{contrastive: number; distill: number; total: number}>(".method-losses", "data-losses");
    const indices = await json<number[]>(".method-batch", "data-indices");
    expect(indices).toHaveLength(student.images.length);
    const captions = await page.$$eval(".method-batch li", (lis) => lis.map((li) => li.textContent));
    expect(captions).toEqual(indices.map((i) => shard.captions[i][0]));
    const teachers = teacherTensors(indices);
    const u = tf.tensor2d(student.images);
    const v = tf.tensor2d(student.texts);
    const s = tf.scalar(settings.studentScale);
    const teacherScale = teachers.map((t) => (settings.teacherScale === "own" ? t.scale : settings.teacherScale));
    const inputs = {studentImage: u, studentText: v, logitScale: s, teacherImages: teachers.map((t) => t.image), teacherTexts: teachers.map((t) => t.text), teacherScale};
    const weights = {contrastive: settings.contrastiveWeight, distill: 1 - settings.contrastiveWeight};
    const terms = dmclipLoss({...inputs, weights});
    expect(shown.contrastive).toBeCloseTo((await clipLoss(u, v, s).data())[0], 4);
    expect(shown.distill).toBeCloseTo((await distillLoss(inputs).data())[0], 4);
    expect(shown.total).toBeCloseTo((await terms.total.data())[0], 4);
    expectClose(await matrix("teacher-probs"), (await teacherTargets(inputs.teacherImages, inputs.teacherTexts, teacherScale).imageToText.array()) as number[][], 4);
    const logits = similarityLogits(u, v, s);
    expectClose(await matrix("student-logits"), (await logits.array()) as number[][], 3);
    expectClose(await matrix("student-probs"), (await tf.softmax(logits).array()) as number[][], 4);
    // the gradients are the library's, and the weighted panel is w_c · the first + w_d · the second
    const targets = teacherTargets(inputs.teacherImages, inputs.teacherTexts, teacherScale);
    const [gc, gd, gt] = await Promise.all(["grad-contrastive", "grad-distill", "grad-total"].map(matrix));
    expectClose(gc, (await tf.grad((l: tf.Tensor) => contrastiveFromLogits(l as tf.Tensor2D))(logits).array()) as number[][], 5);
    expectClose(gd, (await tf.grad((l: tf.Tensor) => distillFromLogits(l as tf.Tensor2D, targets))(logits).array()) as number[][], 5);
    gt.forEach((row, i) => row.forEach((g, j) => expect(g).toBeCloseTo(weights.contrastive * gc[i][j] + weights.distill * gd[i][j], 6)));
    // as the page says: the contrastive gradient is ½[(Q − I) + (Q_t2i − I)ᵀ]/b, the distillation one ½[(Q − P) + (Q_t2i − P_t2i)ᵀ]/b
    const b = gc.length;
    const q = (await tf.softmax(logits).array()) as number[][];
    const qt = (await tf.softmax(tf.transpose(logits)).array()) as number[][];
    gc.forEach((row, i) => row.forEach((g, j) => expect(g).toBeCloseTo((q[i][j] + qt[j][i] - 2 * Number(i === j)) / (2 * b), 5)));
  }

  it("shows the library's two loss terms, targets and gradients on the stored teacher embeddings", async () => {
    await checkLosses();
  });

  it("follows the w_c slider and the teacher-scale choice", async () => {
    await typeInto("w_c (w_d = 1 − w_c)", 1);
    await expect.poll(async () => (await json<{contrastiveWeight: number}>(".method-losses", "data-settings")).contrastiveWeight).toBe(1);
    await page.getByLabel("100 (MobileCLIP's)").check();
    await expect.poll(async () => (await json<{teacherScale: unknown}>(".method-losses", "data-settings")).teacherScale).toBe(100);
    await settledCells(page);
    const shown = await json<{contrastive: number; total: number}>(".method-losses", "data-losses");
    expect(shown.total).toBeCloseTo(shown.contrastive, 6);
    await checkLosses();
  });

  it("shows a stored sample, and another when the slider moves: its similarities are the stored embeddings' cosines", async () => {
    const m = set.manifest;
    for (const pick of [null, 5]) {
      if (pick !== null) {
        await typeInto("sample", pick);
        await expect.poll(() => page.getAttribute(".method-sample", "data-index")).toBe(String(pick));
        await settledCells(page);
      }
      const index = Number(await page.getAttribute(".method-sample", "data-index"));
      expect(Number(await page.getAttribute(".method-sample", "data-seed"))).toBe(shard.seeds[index]);
      const cosines = await json<{teacher: string; values: number[][]}[]>(".method-sample", "data-cosines");
      let from = 0;
      m.teachers.forEach((t, k) => {
        const [a, b] = [from, (from += t.dim)];
        const row = (data: Float32Array, r: number) => data.subarray(r * m.embedDim + a, r * m.embedDim + b);
        expect(cosines[k].teacher).toBe(t.name);
        for (let view = 0; view < m.augmentations; view++) {
          for (let text = 0; text < m.texts; text++) {
            const [x, y] = [row(shard.imageEmb, index * m.augmentations + view), row(shard.textEmb, index * m.texts + text)];
            expect(cosines[k].values[view][text]).toBeCloseTo(x.reduce((sum, v, d) => sum + v * y[d], 0), 4);
          }
        }
      });
      expect(await page.$$eval(".method-sample canvas", (c) => c.length)).toBe(1 + m.augmentations);
      const captions = await page.$$eval(".method-sample ol li", (lis) => lis.map((li) => li.textContent ?? ""));
      expect(captions[0]).toContain(shard.captions[index][0]);
    }
  });

  it("logged no error and asked no other host for anything", () => {
    expect(log.errors).toEqual([]);
    expect(log.foreignRequests).toEqual([]);
  });
});

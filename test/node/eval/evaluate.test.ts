import {createHash} from "node:crypto";
import {beforeAll, describe, expect, it} from "vitest";
import {CLASSES} from "../../../src/lib/data/classes.js";
import type {ImageBatch} from "../../../src/lib/data/image.js";
import {loadSourcesFromDisk} from "../../../src/lib/data/nodeFiles.js";
import {classPrompts} from "../../../src/lib/data/prompts.js";
import {renderLayout} from "../../../src/lib/data/render.js";
import type {Sources} from "../../../src/lib/data/sources.js";
import type {ClipEncoders} from "../../../src/lib/eval/encoders.js";
import {evaluate, evalTasks, type EvalSetOptions} from "../../../src/lib/eval/evaluate.js";
import {aggregateScores} from "../../../src/lib/eval/labGroups.js";
import {parseEvalResults} from "../../../src/lib/results/evalResults.js";
import {recordsToJsonl} from "../../../src/lib/results/resultsView.js";
import {SUITES} from "../../../src/lib/eval/suites.js";
import {Rng} from "../../../src/lib/random/rng.js";

const OPTIONS: EvalSetOptions = {perSet: 40, retrievalCount: 50, seed: 7};
const CLASS_DIM = CLASSES.length;
const DIM = CLASS_DIM + 50;

let sources: Sources;
/** Image content → the one-hot slot an oracle model would give it (its class, or 20 + its retrieval index). */
const slotOfImage = new Map<string, number>();
const slotOfText = new Map<string, number>();
const hash = (data: Float32Array) => createHash("sha1").update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest("hex");

beforeAll(async () => {
  sources = await loadSourcesFromDisk();
  for (const task of evalTasks(sources, OPTIONS).values()) {
    task.set.layouts.forEach((layout, i) => {
      const key = hash(renderLayout(layout, sources, task.size).data);
      slotOfImage.set(key, task.kind === "classification" ? task.set.classIds[task.set.labels[i]] : CLASS_DIM + i);
      if (task.kind === "retrieval") slotOfText.set(task.set.captions[i], CLASS_DIM + i);
    });
  }
  for (const c of CLASSES) for (const p of classPrompts(c.id)) slotOfText.set(p, c.id);
});

/**
 * A hand-made CLIP that knows every evaluation image and text: each maps to a one-hot slot.
 * `imageSlot` may move an image's slot elsewhere (a permuted model), `noise` blurs every row.
 */
function oracle(imageSlot: (slot: number) => number = (s) => s, noise = 0): ClipEncoders {
  const rng = new Rng(5);
  const rows = (slots: number[]) => {
    const out = new Float32Array(slots.length * DIM);
    slots.forEach((slot, i) => {
      out[i * DIM + slot] = 1;
      for (let k = 0; k < DIM; k++) out[i * DIM + k] += noise * rng.normal();
    });
    return out;
  };
  const lookup = (map: Map<string, number>, key: string, what: string) => {
    const slot = map.get(key);
    if (slot === undefined) throw new Error(`oracle: unknown ${what}`);
    return slot;
  };
  return {
    encodeImages: async (batch: ImageBatch) => {
      const n = batch.width * batch.height * 3;
      return rows(Array.from({length: batch.count}, (_, i) => imageSlot(lookup(slotOfImage, hash(batch.data.subarray(i * n, (i + 1) * n)), "image"))));
    },
    encodeTexts: async (texts) => rows(texts.map((t) => lookup(slotOfText, t, `text "${t}"`)))
  };
}

describe("evaluate", () => {
  it("gives a perfect model 1 on every suite and writes DataComp-format lines", async () => {
    const results = await evaluate(oracle(), sources, {...OPTIONS, batchSize: 16});
    expect(results.map((r) => r.key)).toEqual(SUITES.map((s) => s.key));
    for (const r of results) expect(r.metrics.main_metric, r.key).toBe(1);
    const retrieval = results.find((r) => r.key === "retrieval/scenes")!;
    expect(Object.keys(retrieval.metrics).sort()).toEqual(
      ["image_retrieval_recall@1", "image_retrieval_recall@5", "image_retrieval_recall@10", "text_retrieval_recall@1", "text_retrieval_recall@5", "text_retrieval_recall@10", "mean_recall@1", "main_metric"].sort()
    );
    expect(Object.keys(results[0].metrics).sort()).toEqual(["acc1", "acc5", "main_metric", "mean_per_class_recall"]);
    expect(aggregateScores(parseEvalResults(recordsToJsonl(results), "eval_results.jsonl").records)).toEqual({classification: 1, shift: 1, retrieval: 1, average: 1});
  });

  it("gives a model that confuses every class and every scene 0 at top-1", async () => {
    // Each digit looks like the next digit, each garment like the next garment, each retrieval scene like the next.
    const permute = (s: number) => (s < 10 ? (s + 1) % 10 : s < 20 ? 10 + ((s - 9) % 10) : CLASS_DIM + ((s - CLASS_DIM + 1) % 50));
    const results = await evaluate(oracle(permute), sources, {...OPTIONS, batchSize: 16});
    for (const r of results) {
      expect(r.metrics.main_metric, r.key).toBe(0);
      if ("mean_per_class_recall" in r.metrics) expect(r.metrics.mean_per_class_recall, r.key).toBe(0);
    }
  });

  it("gives a random model about chance", async () => {
    const results = await evaluate(oracle((s) => s, 3), sources, {...OPTIONS, keys: ["classification/digits", "classification/objects", "retrieval/scenes"]});
    expect(results.map((r) => r.key)).toEqual(["classification/digits", "classification/objects", "retrieval/scenes"]);
    expect(results[0].metrics.acc1).toBeLessThan(0.35);
    expect(results[1].metrics.acc1).toBeLessThan(0.25);
    expect(results[2].metrics["mean_recall@1"]).toBeLessThan(0.15);
  });

  it("uses held-out test glyphs only, balanced over classes, with distinct retrieval captions", () => {
    for (const [key, task] of evalTasks(sources, OPTIONS)) {
      for (const layout of task.set.layouts) for (const g of layout.glyphs) expect(g.split, key).toBe("test");
      if (task.kind === "classification") {
        const counts = new Array(task.set.classIds.length).fill(0);
        task.set.labels.forEach((l) => counts[l]++);
        expect(Math.max(...counts) - Math.min(...counts), key).toBeLessThanOrEqual(1);
      } else expect(new Set(task.set.captions).size).toBe(task.set.captions.length);
    }
  });

  it("names an unknown suite and a malformed encoder output", async () => {
    await expect(evaluate(oracle(), sources, {...OPTIONS, keys: ["imagenet"]})).rejects.toThrow(/unknown suite "imagenet"/);
    const broken: ClipEncoders = {...oracle(), encodeImages: async (batch) => new Float32Array(batch.count * DIM - 1)};
    await expect(evaluate(broken, sources, {...OPTIONS, keys: ["classification/digits"]})).rejects.toThrow(/encodeImages: returned/);
  });
});

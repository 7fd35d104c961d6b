import {describe, expect, it} from "vitest";
import {classificationMetrics, retrievalMetrics} from "../../../src/lib/eval/metrics.js";
import type {EvalResult} from "../../../src/lib/eval/evaluate.js";
import {aggregateScores, labGroupMeans} from "../../../src/lib/eval/labGroups.js";
import {parseEvalResults} from "../../../src/lib/results/evalResults.js";
import {recordsToJsonl} from "../../../src/lib/results/resultsView.js";
import {SUITES} from "../../../src/lib/eval/suites.js";
import {Rng} from "../../../src/lib/random/rng.js";

const oneHot = (n: number, classes: number, at: (i: number) => number) => {
  const out = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) out[i * classes + at(i)] = 1;
  return out;
};

describe("classificationMetrics", () => {
  it("scores perfect, permuted and hand-worked predictions exactly", () => {
    const labels = Int32Array.from({length: 30}, (_, i) => i % 10);
    expect(classificationMetrics(oneHot(30, 10, (i) => labels[i]), labels, 10)).toEqual({acc1: 1, acc5: 1, mean_per_class_recall: 1});
    const shifted = classificationMetrics(oneHot(30, 10, (i) => (labels[i] + 1) % 10), labels, 10);
    expect(shifted.acc1).toBe(0);
    expect(shifted.mean_per_class_recall).toBe(0);
    // Unbalanced: three 0s right, one 1 wrong → acc1 3/4 but per-class recall (1 + 0)/2.
    const uneven = Int32Array.from([0, 0, 0, 1]);
    const scores = Float32Array.from([0.9, 0.1, 0.0, 0.8, 0.2, 0.0, 0.7, 0.3, 0.0, 0.5, 0.1, 0.4]);
    expect(classificationMetrics(scores, uneven, 3)).toEqual({acc1: 0.75, acc5: 1, mean_per_class_recall: 0.5});
    // Top-5 of 6: the true class ranked 6th misses, 5th hits.
    const six = Float32Array.from([6, 5, 4, 3, 2, 1, 6, 5, 4, 3, 2, 1]);
    expect(classificationMetrics(six, Int32Array.from([5, 4]), 6)).toMatchObject({acc1: 0, acc5: 0.5});
  });

  it("breaks ties by class index, so a constant scorer is not counted right", () => {
    const labels = Int32Array.from({length: 20}, (_, i) => i % 4);
    expect(classificationMetrics(new Float32Array(80), labels, 4)).toMatchObject({acc1: 0.25, mean_per_class_recall: 0.25});
  });

  it("is near chance for random scores", () => {
    const rng = new Rng(1);
    const labels = Int32Array.from({length: 5000}, () => rng.int(10));
    const m = classificationMetrics(Float32Array.from({length: 50000}, () => rng.normal()), labels, 10);
    expect(Math.abs(m.acc1 - 0.1)).toBeLessThan(0.02);
    expect(Math.abs(m.acc5 - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(m.mean_per_class_recall - 0.1)).toBeLessThan(0.02);
  });

  it("names bad input", () => {
    expect(() => classificationMetrics(new Float32Array(5), Int32Array.from([0, 1]), 3)).toThrow(/scores has 5 values, expected 2×3/);
    expect(() => classificationMetrics(new Float32Array(6), Int32Array.from([0, 3]), 3)).toThrow(/labels\[1\] = 3/);
  });
});

describe("retrievalMetrics", () => {
  it("is perfect when each text is its image, and zero at R@1 when texts are shifted by one", () => {
    const n = 30;
    const images = oneHot(n, n, (i) => i);
    const perfect = retrievalMetrics(images, images.slice(), n);
    for (const v of Object.values(perfect)) expect(v).toBe(1);
    const shifted = retrievalMetrics(images, oneHot(n, n, (i) => (i + 1) % n), n);
    expect(shifted["image_retrieval_recall@1"]).toBe(0);
    expect(shifted["text_retrieval_recall@1"]).toBe(0);
    expect(shifted["mean_recall@1"]).toBe(0);
  });

  it("keeps the two directions apart (DataComp naming: image retrieval = text→image)", () => {
    // Images e0 and (e0+e1)/√2, texts e0 and e1: every text finds its image, but image 1 is as
    // close to text 0 as to text 1, and the tie goes to the lower index.
    const images = Float32Array.from([1, 0, Math.SQRT1_2, Math.SQRT1_2]);
    const texts = Float32Array.from([1, 0, 0, 1]);
    expect(retrievalMetrics(images, texts, 2)).toMatchObject({"image_retrieval_recall@1": 1, "text_retrieval_recall@1": 0.5, "mean_recall@1": 0.75});
  });

  it("is near chance for random embeddings", () => {
    const rng = new Rng(2);
    const n = 400;
    const random = () => Float32Array.from({length: n * 32}, () => rng.normal());
    const m = retrievalMetrics(random(), random(), 32);
    expect(m["image_retrieval_recall@10"]).toBeLessThan(0.06);
    expect(m["text_retrieval_recall@10"]).toBeLessThan(0.06);
    expect(m["text_retrieval_recall@10"]).toBeGreaterThan(0.005);
  });
});

describe("eval_results.jsonl and aggregate scores", () => {
  const results: EvalResult[] = SUITES.map((s, i) => ({key: s.key, dataset: s.dataset, metrics: {acc1: i / 20, main_metric: i / 20}}));

  it("are written one JSON object a line, readable by the results library", () => {
    const text = recordsToJsonl(results);
    expect(text.split("\n")).toHaveLength(SUITES.length + 1);
    expect(JSON.parse(text.split("\n")[0])).toEqual({key: "classification/digits", dataset: "Digits", metrics: {acc1: 0, main_metric: 0}});
    expect(parseEvalResults(text, "eval_results.jsonl")).toEqual({records: results, errors: [], warnings: []});
  });

  it("averages main_metric by group as DataComp's aggregate_scores does, and refuses incomplete results", () => {
    // Suites 0–2 are classification, 3–7 shift, 8 retrieval, 9–11 specialised.
    expect(SUITES.map((s) => s.group).join(",")).toBe("classification,classification,classification,shift,shift,shift,shift,shift,retrieval,specialised,specialised,specialised");
    const scores = aggregateScores(results);
    expect(scores.classification).toBeCloseTo(1 / 20, 12);
    expect(scores.shift).toBeCloseTo(5 / 20, 12);
    expect(scores.retrieval).toBeCloseTo(8 / 20, 12);
    expect(scores.average).toBeCloseTo(5.5 / 20, 12);
    expect(() => aggregateScores(results.filter((r) => r.dataset !== "Scenes"))).toThrow(/results lack main_metric for retrieval\/scenes/);
    // The comparison view's scorer gives the same means, with counts.
    const means = labGroupMeans(results, "main_metric");
    expect(means.map((g) => [g.group.id, g.count, g.expected])).toEqual([["classification", 3, 3], ["shift", 5, 5], ["retrieval", 1, 1], ["average", 12, 12]]);
    expect(means[3].mean).toBeCloseTo(scores.average, 12);
  });
});

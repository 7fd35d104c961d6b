import {CLASSES, DIGIT_CLASS_IDS, FASHION_CLASS_IDS} from "../data/classes.js";
import {SHIFT_KINDS} from "../data/shifts.js";
import type {Sources} from "../data/sources.js";
import {encodeLayouts, encodeTexts, type ClipEncoders, type Embeddings} from "./encoders.js";
import {classificationSet, digitStripSet, retrievalSet, shiftedSet, type CaptionedSet, type LabelledSet} from "./evalSets.js";
import {classificationMetrics, retrievalMetrics} from "./metrics.js";
import {SUITES} from "./suites.js";
import {selectRows, zeroShotScores, zeroShotWeights} from "./zeroShot.js";

/** One line of DataComp's eval_results.jsonl (write with recordsToJsonl, summarise with aggregateScores). */
export interface EvalResult {
  readonly key: string;
  readonly dataset: string;
  readonly metrics: Readonly<Record<string, number>> & {readonly main_metric: number};
}

export interface EvalSetOptions {
  /** Images per classification, shift and digit-strip set (default 500). */
  readonly perSet?: number;
  /** Scene–caption pairs in the retrieval set (default 1000). */
  readonly retrievalCount?: number;
  /** Render size of every set but the resolution-extrapolation ones at 128 and 256 px (default 64). */
  readonly size?: number;
  /** Seeds the evaluation sets; the default 0 makes every run see the same images. */
  readonly seed?: number;
}

export interface EvalOptions extends EvalSetOptions {
  /** Images or texts per encoder call (default 50). */
  readonly batchSize?: number;
  /** Which suites to run, by key (default all of SUITES). */
  readonly keys?: readonly string[];
  readonly onProgress?: (key: string, done: number, total: number) => void;
}

/** What one suite measures: a labelled set for zero-shot classification or a captioned one for retrieval, and its render size. */
export type EvalTask = {readonly kind: "classification"; readonly set: LabelledSet; readonly size: number} | {readonly kind: "retrieval"; readonly set: CaptionedSet; readonly size: number};

/**
 * Every suite's images, by key, from the held-out test glyphs only. Cheap: layouts, not pixels.
 * The shift and resolution-extrapolation suites redraw the 20-class set, so they are paired with it.
 */
export function evalTasks(sources: Sources, options: EvalSetOptions = {}): Map<string, EvalTask> {
  const perSet = options.perSet ?? 500;
  const size = options.size ?? 64;
  const seed = options.seed ?? 0;
  const classification = (set: LabelledSet, at = size): EvalTask => ({kind: "classification", set, size: at});
  const objects = classificationSet(sources, CLASSES.map((c) => c.id), perSet, seed + 3);
  const shift = Object.fromEntries(SHIFT_KINDS.map((kind, i) => [kind, classification(shiftedSet(objects, kind, seed + 100 + i))]));
  const tasks: Record<string, EvalTask> = {
    "classification/digits": classification(classificationSet(sources, DIGIT_CLASS_IDS, perSet, seed + 1)),
    "classification/clothing": classification(classificationSet(sources, FASHION_CLASS_IDS, perSet, seed + 2)),
    "classification/objects": classification(objects),
    "shift/sketch": shift["sketch"],
    "shift/inverted": shift["inverted"],
    "shift/noisy": shift["noisy"],
    "shift/rotated": shift["rotated"],
    "shift/unseen_colours": shift["unseen-colours"],
    "retrieval/scenes": {kind: "retrieval", set: retrievalSet(sources, options.retrievalCount ?? 1000, seed + 5), size},
    "specialised/digit_strip": classification(digitStripSet(sources, perSet, seed + 4)),
    "specialised/objects_128": classification(objects, 128),
    "specialised/objects_256": classification(objects, 256)
  };
  return new Map(SUITES.map((s) => [s.key, tasks[s.key]]));
}

/**
 * Runs the evaluation suites on any CLIP given as two encoders and returns one DataComp-format
 * result per suite. Zero-shot class
 * weights are computed once, for all 20 classes, and each set uses its classes' rows.
 */
export async function evaluate(encoders: ClipEncoders, sources: Sources, options: EvalOptions = {}): Promise<EvalResult[]> {
  const keys = options.keys ?? SUITES.map((s) => s.key);
  const batchSize = options.batchSize ?? 50;
  for (const key of keys) if (!SUITES.some((s) => s.key === key)) throw new Error(`evaluate: keys: unknown suite "${key}"; known: ${SUITES.map((s) => s.key).join(", ")}`);
  const tasks = evalTasks(sources, options);
  let weights: Promise<Embeddings> | null = null;
  const results: EvalResult[] = [];
  for (const [i, key] of keys.entries()) {
    options.onProgress?.(key, i, keys.length);
    const task = tasks.get(key)!;
    const images = await encodeLayouts(encoders, task.set.layouts, sources, task.size, batchSize);
    let metrics: EvalResult["metrics"];
    if (task.kind === "classification") {
      weights ??= zeroShotWeights(encoders, CLASSES.map((c) => c.id), batchSize);
      const m = classificationMetrics(zeroShotScores(images, selectRows(await weights, task.set.classIds)), task.set.labels, task.set.classIds.length);
      metrics = {...m, main_metric: m.acc1};
    } else {
      const texts = await encodeTexts(encoders, task.set.captions, batchSize);
      if (texts.dim !== images.dim) throw new Error(`evaluate: image embeddings have dim ${images.dim}, text embeddings ${texts.dim}`);
      const m = retrievalMetrics(images.data, texts.data, images.dim);
      metrics = {...m, main_metric: m["mean_recall@1"]};
    }
    results.push({key, dataset: SUITES.find((s) => s.key === key)!.dataset, metrics});
  }
  options.onProgress?.("done", keys.length, keys.length);
  return results;
}

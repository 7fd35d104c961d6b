import * as tf from "@tensorflow/tfjs";
import {applyAugmentation, type Augmentation} from "../data/augmentation.js";
import {stackImages, type ImageBatch} from "../data/image.js";
import {renderSample, sampleKey, type ReinforcedManifest, type ReinforcedShard} from "../data/reinforcedFormat.js";
import type {Sources} from "../data/sources.js";
import {DEFAULT_TEACHER_SCALE} from "../distill/distillLoss.js";
import {similarityLogits} from "../distill/similarity.js";
import type {TeacherBatch} from "./lossDemo.js";

/** One sample of the reinforced set, as stored: its scene, captions, augmentations and teacher embeddings. */
export interface ReinforcedSample {
  readonly manifest: ReinforcedManifest;
  readonly shard: string;
  readonly index: number;
  readonly seed: number;
  /** Ground truth first, then the synthetic captions. */
  readonly captions: readonly string[];
  readonly augmentations: readonly Augmentation[];
  /** [1 + N] images: the scene as drawn, then each stored augmentation of it. */
  readonly images: ImageBatch;
  /** [N][D] teacher image embedding of each augmented view; [6][D] of each caption. */
  readonly imageEmb: number[][];
  readonly textEmb: number[][];
  /** Per teacher, [N][6] cosine similarity between each view's and each caption's embedding. */
  readonly cosines: {teacher: string; values: number[][]}[];
}

/** Row `r` of a [rows, width] array, columns [from, to). */
function rows(data: Float32Array, first: number, count: number, width: number, from = 0, to = width): number[][] {
  return Array.from({length: count}, (_, r) => Array.from(data.subarray((first + r) * width + from, (first + r) * width + to)));
}

/** Each teacher's slice [from, to) of the embedding rows. */
function teacherSlices(manifest: ReinforcedManifest): {name: string; from: number; to: number; scale: number | undefined}[] {
  let from = 0;
  return manifest.teachers.map((t) => ({name: t.name, from, to: (from += t.dim), scale: t.logitScale}));
}

/** Sample `index` of a shard, with its views redrawn and the teachers' similarities computed. */
export async function reinforcedSample(m: ReinforcedManifest, shard: ReinforcedShard, sources: Sources, index: number): Promise<ReinforcedSample> {
  if (!(index >= 0 && index < shard.samples)) throw new Error(`reinforcedSample: index ${index} out of range (shard ${shard.file} has ${shard.samples} samples)`);
  const D = m.embedDim;
  const N = m.augmentations;
  const seed = shard.seeds[index];
  const scene = renderSample(sources, sampleKey(shard, index, m.groupSize), m.scene.size);
  const augmentations = shard.augmentations[index];
  const imageEmb = rows(shard.imageEmb, index * N, N, D);
  const textEmb = rows(shard.textEmb, index * m.texts, m.texts, D);
  const cosines = await Promise.all(
    teacherSlices(m).map(async ({name, from, to}) => {
      const sims = tf.tidy(() =>
        similarityLogits(tf.tensor2d(rows(shard.imageEmb, index * N, N, D, from, to)), tf.tensor2d(rows(shard.textEmb, index * m.texts, m.texts, D, from, to)), 1)
      );
      const values = (await sims.array()) as number[][];
      sims.dispose();
      return {teacher: name, values};
    })
  );
  return {
    manifest: m,
    shard: shard.file,
    index,
    seed,
    captions: shard.captions[index],
    augmentations,
    images: stackImages([scene, ...augmentations.map((a) => applyAugmentation(scene, a))]),
    imageEmb,
    textEmb,
    cosines
  };
}

/**
 * Sample `anchor` and the `size − 1` samples of the shard whose ground-truth captions the first
 * teacher finds most like its own: a batch of look-alikes, where the teachers' targets are soft.
 */
export async function lookAlikes(manifest: ReinforcedManifest, shard: ReinforcedShard, anchor: number, size: number): Promise<number[]> {
  if (!(Number.isInteger(size) && size >= 2 && size <= shard.samples)) throw new Error(`lookAlikes: size must be an integer in [2, ${shard.samples}], got ${size}`);
  const [{from, to}] = teacherSlices(manifest);
  const captions = (first: number, count: number) => Array.from({length: count}, (_, i) => rows(shard.textEmb, (first + i) * manifest.texts, 1, manifest.embedDim, from, to)[0]);
  const sims = tf.tidy(() => similarityLogits(tf.tensor2d(captions(anchor, 1)), tf.tensor2d(captions(0, shard.samples)), 1));
  const values = await sims.data();
  sims.dispose();
  const others = Array.from({length: shard.samples}, (_, i) => i).filter((i) => i !== anchor);
  return [anchor, ...others.sort((a, b) => values[b] - values[a]).slice(0, size - 1)];
}

/**
 * Samples `indices` of a shard as a loss batch: each one's stored augmentation 0 and its
 * ground-truth caption, split per teacher, with each teacher's own scale (MobileCLIP's 100
 * where the manifest records none).
 */
export function teacherBatch(manifest: ReinforcedManifest, shard: ReinforcedShard, indices: readonly number[]): TeacherBatch {
  const D = manifest.embedDim;
  const pick = (data: Float32Array, stride: number, from: number, to: number) => indices.map((i) => rows(data, i * stride, 1, D, from, to)[0]);
  const slices = teacherSlices(manifest);
  return {
    images: slices.map(({from, to}) => pick(shard.imageEmb, manifest.augmentations, from, to)),
    texts: slices.map(({from, to}) => pick(shard.textEmb, manifest.texts, from, to)),
    scales: slices.map(({scale}) => scale ?? DEFAULT_TEACHER_SCALE)
  };
}

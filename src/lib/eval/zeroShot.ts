import {classPrompts} from "../data/prompts.js";
import {encodeTexts, type ClipEncoders, type Embeddings} from "./encoders.js";
import {similarity} from "./metrics.js";

/**
 * Zero-shot class weights, CLIP's recipe: each class's prompts through every template are
 * embedded, normalised, averaged and re-normalised. Rows follow `classIds`.
 */
export async function zeroShotWeights(encoders: ClipEncoders, classIds: readonly number[], batchSize: number): Promise<Embeddings> {
  const prompts = classIds.map((id) => classPrompts(id));
  const perClass = prompts[0].length;
  const {data, dim} = await encodeTexts(encoders, prompts.flat(), batchSize);
  const weights = new Float32Array(classIds.length * dim);
  for (let c = 0; c < classIds.length; c++) {
    const row = weights.subarray(c * dim, (c + 1) * dim);
    for (let t = 0; t < perClass; t++) for (let k = 0; k < dim; k++) row[k] += data[(c * perClass + t) * dim + k];
    const norm = Math.hypot(...row);
    for (let k = 0; k < dim; k++) row[k] /= norm;
  }
  return {data: weights, dim};
}

/** The rows of `weights` for a subset of its classes (`rows` index into its class list). */
export function selectRows(weights: Embeddings, rows: readonly number[]): Embeddings {
  const {data, dim} = weights;
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => out.set(data.subarray(r * dim, (r + 1) * dim), i * dim));
  return {data: out, dim};
}

/** Scores [images, classes]: cosine similarity of each image to each class weight. */
export function zeroShotScores(images: Embeddings, weights: Embeddings): Float32Array {
  if (images.dim !== weights.dim) throw new Error(`zeroShotScores: image embeddings have dim ${images.dim}, text embeddings ${weights.dim}`);
  return similarity(images.data, weights.data, images.dim);
}

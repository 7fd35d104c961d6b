import type {ImageBatch} from "../data/image.js";
import {stackImages} from "../data/image.js";
import type {Layout} from "../data/layout.js";
import {renderLayout} from "../data/render.js";
import type {Sources} from "../data/sources.js";

/**
 * What the evaluation needs of a model, so any CLIP (teacher, student, a test's hand-made one)
 * plugs in: embeddings of a batch of images ([count, H, W, 3] in [0, 1]) and of a list of
 * texts, one row each, row-major [n, dim].
 */
export interface ClipEncoders {
  encodeImages(batch: ImageBatch): Promise<Float32Array>;
  encodeTexts(texts: readonly string[]): Promise<Float32Array>;
}

export interface Embeddings {
  readonly data: Float32Array;
  readonly dim: number;
}

/**
 * Runs `encode` on consecutive batches of `count` items and stacks the rows, each re-normalised
 * to unit length (cosine similarity, whatever the model returns). Checks every batch's shape
 * and values, naming `what` in errors.
 */
async function encodeInBatches(count: number, batchSize: number, encode: (start: number, end: number) => Promise<Float32Array>, what: string): Promise<Embeddings> {
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`${what}: batchSize must be an integer ≥ 1, got ${batchSize}`);
  let data: Float32Array | null = null;
  let dim = 0;
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(count, start + batchSize);
    const rows = await encode(start, end);
    if (!(rows instanceof Float32Array) || rows.length === 0 || rows.length % (end - start) !== 0 || (dim && rows.length !== (end - start) * dim)) {
      throw new Error(`${what}: returned ${rows?.length} values for ${end - start} inputs, expected a Float32Array of ${end - start}×${dim || "dim"}`);
    }
    if (!data) {
      dim = rows.length / (end - start);
      data = new Float32Array(count * dim);
    }
    for (let r = 0; r < end - start; r++) {
      const row = rows.subarray(r * dim, (r + 1) * dim);
      const norm = Math.hypot(...row);
      if (!(norm > 0 && Number.isFinite(norm))) throw new Error(`${what}: row ${start + r} has norm ${norm}, expected a finite non-zero embedding`);
      for (let k = 0; k < dim; k++) data[(start + r) * dim + k] = row[k] / norm;
    }
  }
  if (!data) throw new Error(`${what}: nothing to encode`);
  return {data, dim};
}

/** Draws the layouts at `size` batch by batch (never all at once: 500 images at 256² are 400 MB) and encodes them. */
export function encodeLayouts(encoders: ClipEncoders, layouts: readonly Layout[], sources: Sources, size: number, batchSize: number): Promise<Embeddings> {
  return encodeInBatches(
    layouts.length,
    batchSize,
    (start, end) => encoders.encodeImages(stackImages(layouts.slice(start, end).map((l) => renderLayout(l, sources, size)))),
    "encodeImages"
  );
}

export function encodeTexts(encoders: ClipEncoders, texts: readonly string[], batchSize: number): Promise<Embeddings> {
  return encodeInBatches(texts.length, batchSize, (start, end) => encoders.encodeTexts(texts.slice(start, end)), "encodeTexts");
}

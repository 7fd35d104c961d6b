// Tiny models and inputs shared by the CLIP tests: small enough for cpu and wasm in seconds.
import * as tf from "@tensorflow/tfjs";
import type {TextTransformerConfig} from "../../../src/lib/clip/textTransformer.js";
import {END_ID, PAD_ID, START_ID} from "../../../src/lib/clip/tokenizer.js";
import type {VitConfig} from "../../../src/lib/clip/vit.js";
import type {Rng} from "../../../src/lib/random/rng.js";

export const TINY_TEXT: TextTransformerConfig = {vocabSize: 20, contextLength: 8, width: 16, depth: 2, heads: 2, mlpRatio: 4, embedDim: 12, seed: 4};
export const TINY_VIT: VitConfig = {kind: "vit", imageSize: 16, patchSize: 4, width: 16, depth: 2, heads: 2, mlpRatio: 3, embedDim: 12, seed: 8};

/** [batch, contextLength] captions: <start>, words, <end>, padding. */
export function tokens(rows: number[][], contextLength = TINY_TEXT.contextLength): tf.Tensor2D {
  return tf.tensor2d(
    rows.map((words) => [START_ID, ...words, END_ID, ...new Array(contextLength - words.length - 2).fill(PAD_ID)]),
    undefined,
    "int32"
  );
}

export function randomImages(rng: Rng, b: number, h: number, w = h): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from({length: b * h * w * 3}, () => rng.next()), [b, h, w, 3]);
}


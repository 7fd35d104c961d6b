// Tiny models and inputs shared by the CLIP tests: small enough for cpu and wasm in seconds.
import * as tf from "@tensorflow/tfjs";
import {ClipModel, type ClipModelConfig} from "../../../src/lib/clip/clipModel.js";
import {LOGIT_SCALE} from "../../../src/lib/clip/presets.js";
import type {TextTransformerConfig} from "../../../src/lib/clip/textTransformer.js";
import {END_ID, PAD_ID, START_ID} from "../../../src/lib/clip/tokenizer.js";
import type {VitConfig} from "../../../src/lib/clip/vit.js";
import {dmclipLoss, type LossWeights} from "../../../src/lib/distill/dmclipLoss.js";
import type {Rng} from "../../../src/lib/random/rng.js";

export const TINY_TEXT: TextTransformerConfig = {vocabSize: 20, contextLength: 8, width: 16, depth: 2, heads: 2, mlpRatio: 4, embedDim: 12, seed: 4};
export const TINY_VIT: VitConfig = {kind: "vit", imageSize: 16, patchSize: 4, width: 16, depth: 2, heads: 2, mlpRatio: 3, embedDim: 12, seed: 8};

/** [batch, contextLength] captions: <start>, words, <end>, padding. */
export function tokens(rows: number[][]): tf.Tensor2D {
  return tf.tensor2d(rows.map(caption), undefined, "int32");
}

function caption(words: number[]): number[] {
  return [START_ID, ...words, END_ID, ...new Array(TINY_TEXT.contextLength - words.length - 2).fill(PAD_ID)];
}

export function randomImages(rng: Rng, b: number, h: number, w = h): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from({length: b * h * w * 3}, () => rng.next()), [b, h, w, 3]);
}


/** A ClipModel loss case as plain JSON, so it can be sent to a browser page. */
export interface ModelCase {
  config: ClipModelConfig;
  /** [batch, imageSize, imageSize, 3] images, flattened. */
  images: number[];
  imageSize: number;
  tokens: number[][];
  teacherImages: number[][][];
  teacherTexts: number[][][];
  teacherScale: number;
  weights: LossWeights;
}

/** Six 16×16 images with captions of different lengths, one 10-d teacher, weights (0.25, 0.75). */
export function tinyModelCase(rng: Rng): ModelCase {
  const captions = [[4, 5], [6, 7, 8], [9], [10, 11, 12, 13, 14], [15, 16], [17, 18, 19, 1]];
  const unit = (): number[] => {
    const row = Array.from({length: 10}, () => rng.normal());
    const norm = Math.hypot(...row);
    return row.map((x) => x / norm);
  };
  const teacher = () => [Array.from({length: 6}, unit)];
  return {
    config: {image: TINY_VIT, text: TINY_TEXT, ...LOGIT_SCALE},
    images: Array.from({length: 6 * 16 * 16 * 3}, () => rng.next()),
    imageSize: 16,
    tokens: captions.map(caption),
    teacherImages: teacher(),
    teacherTexts: teacher(),
    teacherScale: 20,
    weights: {contrastive: 0.25, distill: 0.75}
  };
}

/**
 * Builds the case's (seeded) ClipModel on the current backend and returns its DM-CLIP loss, the
 * gradient of every trainable variable, and how many tensors the step left behind.
 */
export async function modelLossWithGrads(c: ModelCase): Promise<{loss: number; grads: number[][]; leaked: number}> {
  const model = ClipModel.fromConfig(c.config);
  const before = tf.memory().numTensors;
  const images = tf.tensor4d(c.images, [c.tokens.length, c.imageSize, c.imageSize, 3]);
  const tokens = tf.tensor2d(c.tokens, undefined, "int32");
  const teacherImages = c.teacherImages.map((m) => tf.tensor2d(m));
  const teacherTexts = c.teacherTexts.map((m) => tf.tensor2d(m));
  const vars = model.trainableVariables();
  const {value, grads} = tf.variableGrads(
    () =>
      dmclipLoss({
        studentImage: model.encodeImage(images),
        studentText: model.encodeText(tokens),
        logitScale: model.logitScale(),
        teacherImages,
        teacherTexts,
        teacherScale: c.teacherScale,
        weights: c.weights
      }).total,
    vars
  );
  const out = {loss: (await value.data())[0], grads: await Promise.all(vars.map(async (v) => Array.from(await grads[v.name].data())))};
  tf.dispose([value, ...Object.values(grads), images, tokens, ...teacherImages, ...teacherTexts]);
  const leaked = tf.memory().numTensors - before;
  model.dispose();
  return {...out, leaked};
}

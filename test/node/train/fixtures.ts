import * as tf from "@tensorflow/tfjs";
import {ClipModel} from "../../../src/lib/clip/clipModel.js";
import {textConfig} from "../../../src/lib/clip/presets.js";
import {splitWords, Tokenizer} from "../../../src/lib/clip/tokenizer.js";
import {TextTransformer} from "../../../src/lib/clip/textTransformer.js";
import {VitEncoder} from "../../../src/lib/clip/vit.js";
import {loadSourcesFromDisk} from "../../../src/lib/data/nodeFiles.js";
import {captionVocabulary} from "../../../src/lib/data/vocabulary.js";
import type {Sources} from "../../../src/lib/data/sources.js";
import {sceneStreamSource, type BatchSource} from "../../../src/lib/train/batchSource.js";
import type {TrainerSetup} from "../../../src/lib/train/trainer.js";
import type {TrainSettings} from "../../../src/lib/train/settings.js";

/** Scenes at 32×32 and encoders of width 16: the trainer's mechanics at a tenth of a second a step. */
export const TINY_SIZE = 32;

export const tokenizer = new Tokenizer(captionVocabulary(splitWords), 24);

export function tinyModel(seed: number, embedDim = 16): ClipModel {
  const image = new VitEncoder({kind: "vit", imageSize: TINY_SIZE, patchSize: 16, width: 16, depth: 1, heads: 2, mlpRatio: 2, embedDim, seed});
  const text = new TextTransformer(textConfig(tokenizer.vocabSize, seed + 1, {contextLength: 24, width: 16, depth: 1, heads: 2, mlpRatio: 2, embedDim}));
  return new ClipModel(image, text);
}

let sources: Promise<Sources> | null = null;
export function tinySources(): Promise<Sources> {
  return (sources ??= loadSourcesFromDisk());
}

/**
 * The scene stream with two frozen, randomly initialised teachers of different widths (12 and 8)
 * embedding every batch: real teacher rows in the reinforced layout, without a stored set.
 */
export function withTeachers(source: BatchSource, teachers: ClipModel[], scales = [20, 30]): BatchSource {
  const rows = async (embed: (m: ClipModel) => tf.Tensor2D) => {
    const parts = teachers.map(embed);
    const joined = tf.concat(parts, 1);
    const data = Float32Array.from(await joined.data());
    tf.dispose([...parts, joined]);
    return data;
  };
  return {
    teacherDims: teachers.map((t) => t.image.embedDim),
    teacherScales: scales,
    async next() {
      const batch = await source.next();
      const {count, height, width, data} = batch.images;
      const images = tf.tensor4d(data, [count, height, width, 3]);
      const tokens = tokenizer.encodeBatch(batch.captions);
      const synthetic = tokenizer.encodeBatch(batch.syntheticCaptions);
      const teacher = {
        image: await rows((m) => m.encodeImage(images)),
        text: await rows((m) => m.encodeText(tokens)),
        syntheticText: await rows((m) => m.encodeText(synthetic))
      };
      tf.dispose([images, tokens, synthetic]);
      return {...batch, teacher};
    }
  };
}

/** A trainer setup over the tiny model; with `teachers`, batches carry teacher embeddings. */
export function tinySetup({teachers = false} = {}): TrainerSetup {
  const frozen = teachers ? [tinyModel(900, 12), tinyModel(901, 8)] : [];
  return {
    tokenizer,
    createModel: (s: TrainSettings) => tinyModel(s.seed),
    async createSource(s: TrainSettings, drawn: number) {
      const stream = sceneStreamSource(await tinySources(), {batchSize: s.batchSize, seed: s.seed, size: TINY_SIZE, drawn});
      return teachers ? withTeachers(stream, frozen) : stream;
    }
  };
}

import {ClipModel} from "../clip/clipModel.js";
import type {ImageEncoder, ImageEncoderConfig} from "../clip/imageEncoder.js";
import {TEXT_DEFAULT, textConfig, VIT_STUDENT} from "../clip/presets.js";
import {TextTransformer} from "../clip/textTransformer.js";
import {splitWords, Tokenizer} from "../clip/tokenizer.js";
import {VitEncoder, type VitConfig} from "../clip/vit.js";
import {captionVocabulary} from "../data/vocabulary.js";
import {VimEncoder, VIM_STUDENT_DEFAULT, type VimConfig} from "../mamba/vimEncoder.js";
import type {Checkpoint} from "./checkpoint.js";

/** The lab's tokenizer: every word a caption or prompt can use, at the text encoder's context. */
export function labTokenizer(): Tokenizer {
  return new Tokenizer(captionVocabulary(splitWords), TEXT_DEFAULT.contextLength);
}

/** Builds either image encoder from its config (what checkpoints store). */
export function buildImageEncoder(config: ImageEncoderConfig): ImageEncoder {
  if (config.kind === "vit") return new VitEncoder(config as VitConfig);
  if (config.kind === "vim") return new VimEncoder(config as VimConfig);
  throw new Error(`buildImageEncoder: config.kind must be "vit" or "vim", got ${JSON.stringify((config as {kind?: unknown}).kind)}`);
}

/** A CLIP model with the given image encoder config and the default text encoder, seeded. */
export function clipModelFor(image: ImageEncoderConfig & {seed: number}, tokenizer: Tokenizer): ClipModel {
  return new ClipModel(buildImageEncoder(image), new TextTransformer(textConfig(tokenizer.vocabSize, image.seed + 1)));
}

/** A student at its default size; `seed` sets its initial weights. */
export function studentModel(kind: "vim" | "vit", tokenizer: Tokenizer, seed: number): ClipModel {
  const base = kind === "vim" ? VIM_STUDENT_DEFAULT : VIT_STUDENT;
  return clipModelFor({...base, seed}, tokenizer);
}

/** Rebuilds a model from a checkpoint and loads its weights. */
export function modelFromCheckpoint(checkpoint: Checkpoint): {model: ClipModel; tokenizer: Tokenizer} {
  const model = ClipModel.fromConfig(checkpoint.model, buildImageEncoder);
  model.importWeights(checkpoint.weights);
  return {model, tokenizer: Tokenizer.fromJSON(checkpoint.tokenizer)};
}

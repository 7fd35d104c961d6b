import {ClipModel, type ClipModelConfig} from "../clip/clipModel.js";
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

/** No lab model has a size (width, depth, side, vocabulary) past this. */
const MAX_SIZE = 4096;

/**
 * Why a checkpoint's model config cannot be built, or null. Sizes must be integers in
 * [1, MAX_SIZE], and the parameters they imply (a lower bound: every block holds at least
 * width² weights, every token position and vocabulary entry `width`) must not exceed the values
 * the checkpoint holds, so damage never gets to allocate a model larger than the file.
 */
export function modelConfigProblem(config: ClipModelConfig, weightValues: number): string | null {
  // The config comes from a file: any field may be missing or of the wrong type.
  const part = (x: unknown) => (typeof x === "object" && x !== null ? (x as Record<string, unknown>) : undefined);
  const image = part(part(config)?.image);
  const text = part(part(config)?.text);
  const sizes = {
    "image.width": image?.width, "image.depth": image?.depth, "image.imageSize": image?.imageSize, "image.patchSize": image?.patchSize, "image.embedDim": image?.embedDim,
    "text.width": text?.width, "text.depth": text?.depth, "text.vocabSize": text?.vocabSize, "text.contextLength": text?.contextLength, "text.embedDim": text?.embedDim
  };
  for (const [field, value] of Object.entries(sizes)) {
    if (!(Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_SIZE)) return `model.${field} must be an integer in [1, ${MAX_SIZE}], got ${JSON.stringify(value)}`;
  }
  const n = sizes as Record<keyof typeof sizes, number>;
  const grid = Math.floor(n["image.imageSize"] / n["image.patchSize"]);
  const atLeast =
    n["image.depth"] * n["image.width"] ** 2 + grid ** 2 * n["image.width"] +
    n["text.depth"] * n["text.width"] ** 2 + (n["text.vocabSize"] + n["text.contextLength"]) * n["text.width"];
  if (atLeast > weightValues) return `the model config needs at least ${atLeast} parameters, but the checkpoint holds ${weightValues} weight values`;
  return null;
}

/** Rebuilds a model from a checkpoint and loads its weights; on failure nothing stays allocated. */
export function modelFromCheckpoint(checkpoint: Checkpoint): {model: ClipModel; tokenizer: Tokenizer} {
  const values = [...checkpoint.weights.values()].reduce((sum, w) => sum + w.values.length, 0);
  const problem = modelConfigProblem(checkpoint.model, values);
  if (problem) throw new Error(`modelFromCheckpoint: ${problem}`);
  const tokenizer = Tokenizer.fromJSON(checkpoint.tokenizer);
  const model = ClipModel.fromConfig(checkpoint.model, buildImageEncoder);
  try {
    model.importWeights(checkpoint.weights);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return {model, tokenizer};
}

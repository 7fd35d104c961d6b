import type {TextTransformerConfig} from "./textTransformer.js";
import type {VitConfig} from "./vit.js";

// Every model size the lab uses, in one place. Images are 64×64 captioned MNIST/Fashion scenes
// in 8×8 patches (64 patches + the class token = 65 tokens); all embeddings are 64-d.

/** The transformer the teachers and the ViT student share before their own sizes. */
const VIT_BASE: VitConfig = {
  kind: "vit",
  imageSize: 64,
  patchSize: 8,
  width: 128,
  depth: 4,
  heads: 4,
  mlpRatio: 4,
  embedDim: 64,
  seed: 101
};

/**
 * Teacher A: width 128 behind a convolutional stem (3×3 stride-2 convolutions to 32, 64, 128
 * channels: the same 8×8 tokens as 8-px patches). Patch-embedded teachers of this size sat for
 * thousands of steps without telling shapes apart; the stem halves that (docs/teachers.md).
 */
export const VIT_TEACHER_A: VitConfig = {...VIT_BASE, stem: {channels: [32, 64, 128]}};

/** Teacher B: narrower (96, stem 24, 48, 96) and seeded apart from A, so the two teachers disagree usefully. */
export const VIT_TEACHER_B: VitConfig = {...VIT_BASE, width: 96, stem: {channels: [24, 48, 96]}, seed: 202};

/**
 * RQ2's Transformer student, sized against the Vim student (width 64, depth 4, patch 8, d_state
 * 16, expand 2, bidirectional; ≈183,808 parameters counting patch embedding, class token,
 * positions, blocks, final norm and a 64→64 head). Same width, depth, patches and tokens; an MLP
 * ratio of 3 brings the ViT to 187,776 (+2.2%), where ratio 4 would give 220,800 (+20%).
 */
export const VIT_STUDENT: VitConfig = {...VIT_BASE, width: 64, mlpRatio: 3, seed: 303};

/** The text encoder's size; the vocabulary comes from the dataset's tokenizer. */
export const TEXT_DEFAULT: Omit<TextTransformerConfig, "vocabSize" | "seed"> = {
  contextLength: 24,
  width: 64,
  depth: 2,
  heads: 4,
  mlpRatio: 4,
  embedDim: 64
};

/** A text config for a tokenizer's vocabulary. */
export function textConfig(vocabSize: number, seed: number, size = TEXT_DEFAULT): TextTransformerConfig {
  return {...size, vocabSize, seed};
}

/** CLIP's logit scale: starts at 1/0.07, capped at 100. */
export const LOGIT_SCALE = {initLogitScale: 1 / 0.07, maxLogitScale: 100};

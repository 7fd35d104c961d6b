import type {VitConfig} from "../clip/vit.js";
import type {VimConfig} from "../mamba/vimEncoder.js";

/**
 * How much memory one forward pass of an image encoder needs, so a study can skip a size that
 * would not fit rather than crash the tab. The counts of live activations below were measured
 * with tf.profile (peak bytes) on cpu and wasm, for several widths, depths and sizes, and
 * rounded up; test/node/rq/encoderMemory.test.ts checks they stay an upper bound within 35% of
 * the measured peak, so a change to the encoders that breaks them fails there.
 */
export interface ForwardMemory {
  /** Peak bytes of tensors alive at once: parameters, the input and the activations. */
  readonly peakBytes: number;
  /** The largest single tensor (a GPU buffer or texture must hold it whole). */
  readonly largestTensorBytes: number;
}

const FLOAT = 4;
// Per image token, in floats: the Vim stack keeps ~26 channel vectors of d_inner alive at its
// peak (~37 while its backward direction ran on flipped copies); the per-position reference scan
// keeps ~10 states [d_inner, d_state] per position.
const VIM_FUSED_PER_INNER = 27;
const VIM_REFERENCE_PER_STATE = 10.5;
// The ViT keeps ~56 width vectors per token, plus one layer's attention scores and their softmax.
const VIT_PER_WIDTH = 58;
const VIT_SCORE_COPIES = 2;

/**
 * The memory of `config` applied to `batch` images of `imageSize`² pixels, with `parameters`
 * trainable numbers. `fusedScan`: whether the backend runs Mamba's fused scan kernel (else the
 * reference scan in tf ops, which stores every position's state).
 */
export function estimateForwardMemory(
  config: VimConfig | VitConfig,
  parameters: number,
  batch: number,
  imageSize: number,
  {fusedScan = true}: {fusedScan?: boolean} = {}
): ForwardMemory {
  for (const [name, v] of Object.entries({parameters, batch, imageSize})) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`estimateForwardMemory: ${name} must be an integer ≥ 1, got ${v}`);
  }
  if (imageSize % config.patchSize !== 0) throw new Error(`estimateForwardMemory: imageSize ${imageSize} must be a multiple of the patch size ${config.patchSize}`);
  const tokens = (imageSize / config.patchSize) ** 2 + 1;
  const input = batch * imageSize * imageSize * 3;
  let activations: number;
  let largest: number;
  if (config.kind === "vim") {
    const inner = config.expand * config.width;
    const perToken = fusedScan ? VIM_FUSED_PER_INNER * inner : VIM_REFERENCE_PER_STATE * inner * config.dState;
    activations = batch * tokens * perToken;
    largest = batch * tokens * (fusedScan ? 2 * inner : inner * config.dState);
  } else if (config.kind === "vit") {
    const scores = batch * config.heads * tokens * tokens;
    activations = batch * tokens * VIT_PER_WIDTH * config.width + VIT_SCORE_COPIES * scores;
    largest = Math.max(scores, batch * tokens * Math.round(config.mlpRatio * config.width));
  } else {
    throw new Error(`estimateForwardMemory: config.kind must be "vim" or "vit", got ${String((config as {kind: unknown}).kind)}`);
  }
  return {peakBytes: FLOAT * (parameters + input + activations), largestTensorBytes: FLOAT * Math.max(largest, input)};
}

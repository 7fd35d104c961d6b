import * as tf from "@tensorflow/tfjs";
import {ParamStore} from "../nn/params.js";
import type {ImageEncoder, ImageEncoderConfig} from "./imageEncoder.js";
import {LOGIT_SCALE} from "./presets.js";
import {TextTransformer, type TextTransformerConfig} from "./textTransformer.js";
import {VitEncoder, type VitConfig} from "./vit.js";

/** Everything needed to rebuild a ClipModel before loading its weights; plain JSON. */
export interface ClipModelConfig {
  image: ImageEncoderConfig;
  text: TextTransformerConfig;
  /** The logit scale s at initialisation (CLIP: 1/0.07); the model learns log s. */
  initLogitScale: number;
  /** The cap on s (CLIP: 100), so the softmax cannot sharpen without bound. */
  maxLogitScale: number;
}

/** Weights by name, for checkpoints: `image.<name>`, `text.<name>` and `logit_scale` (holding log s). */
export type NamedWeights = Map<string, {values: Float32Array; shape: number[]}>;

export type ImageEncoderBuilder = (config: ImageEncoderConfig) => ImageEncoder;

/** Builds ViT encoders; any other kind needs its builder passed to ClipModel.fromConfig. */
export const buildVitOnly: ImageEncoderBuilder = (config) => {
  if (config.kind !== "vit") throw new Error(`ClipModel.fromConfig: pass a builder for image encoders of kind "${config.kind}"`);
  return new VitEncoder(config as VitConfig);
};

/**
 * A CLIP model: an image encoder (ViT or Vim, behind ImageEncoder), the text transformer, and a
 * learned log logit scale. encodeImage/encodeText return L2-normalised embeddings and
 * logitScale() the clamped scale, which is what the losses take.
 */
export class ClipModel {
  readonly logScale: tf.Variable;
  readonly initLogitScale: number;
  readonly maxLogitScale: number;
  private readonly own: ParamStore;

  constructor(readonly image: ImageEncoder, readonly text: TextTransformer, {initLogitScale = LOGIT_SCALE.initLogitScale, maxLogitScale = LOGIT_SCALE.maxLogitScale} = {}) {
    if (image.embedDim !== text.config.embedDim) {
      throw new Error(`ClipModel: the image encoder's embedDim ${image.embedDim} must equal the text encoder's ${text.config.embedDim}`);
    }
    for (const [key, value] of Object.entries({initLogitScale, maxLogitScale})) {
      if (!Number.isFinite(value) || value <= 0) throw new Error(`ClipModel: ${key} must be a finite number > 0, got ${value}`);
    }
    if (initLogitScale > maxLogitScale) throw new Error(`ClipModel: initLogitScale ${initLogitScale} exceeds maxLogitScale ${maxLogitScale}`);
    this.initLogitScale = initLogitScale;
    this.maxLogitScale = maxLogitScale;
    this.own = new ParamStore(0);
    this.logScale = this.own.create("logit_scale", [], {kind: "constant", value: Math.log(initLogitScale)});
  }

  static fromConfig(config: ClipModelConfig, buildImage: ImageEncoderBuilder = buildVitOnly): ClipModel {
    const image = buildImage(config.image);
    return new ClipModel(image, new TextTransformer(config.text), config);
  }

  get config(): ClipModelConfig {
    return {image: this.image.config, text: this.text.config, initLogitScale: this.initLogitScale, maxLogitScale: this.maxLogitScale};
  }

  /** [batch, H, W, 3] in [0, 1] → L2-normalised [batch, embedDim]. */
  encodeImage(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => l2Normalize(this.image.apply(images)));
  }

  /** int32 tokens [batch, contextLength] → L2-normalised [batch, embedDim]. */
  encodeText(tokens: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => l2Normalize(this.text.apply(tokens)));
  }

  /** s = exp(min(log s, log maxLogitScale)): past the cap the scale stops and its gradient is 0. */
  logitScale(): tf.Scalar {
    return tf.tidy(() => tf.exp(tf.minimum(this.logScale, Math.log(this.maxLogitScale))) as tf.Scalar);
  }

  /** Every trainable variable: image encoder, text encoder, log logit scale. */
  trainableVariables(): tf.Variable[] {
    return [...this.image.params.list(), ...this.text.params.list(), this.logScale];
  }

  parameterCounts(): {image: number; text: number; total: number} {
    const image = this.image.params.count();
    const text = this.text.params.count();
    return {image, text, total: image + text + 1};
  }

  async exportWeights(): Promise<NamedWeights> {
    const out: NamedWeights = new Map();
    for (const [name, v] of this.namedVariables()) out.set(name, {values: Float32Array.from(await v.data()), shape: [...v.shape]});
    return out;
  }

  /** Loads every weight by name; names and shapes must match this model's exactly. */
  importWeights(weights: NamedWeights): void {
    const named = this.namedVariables();
    const extra = [...weights.keys()].filter((name) => !named.has(name));
    if (extra.length > 0) throw new Error(`ClipModel.importWeights: weights has names this model lacks: ${extra.join(", ")}`);
    for (const [name, v] of named) {
      const w = weights.get(name);
      if (!w) throw new Error(`ClipModel.importWeights: weights lacks "${name}"`);
      const size = w.shape.reduce((a, b) => a * b, 1);
      if (w.shape.length !== v.shape.length || w.shape.some((d, i) => d !== v.shape[i]) || w.values.length !== size) {
        throw new Error(`ClipModel.importWeights: "${name}" must have shape [${v.shape}], got [${w.shape}] with ${w.values.length} values`);
      }
    }
    for (const [name, v] of named) {
      const w = weights.get(name) as {values: Float32Array; shape: number[]};
      tf.tidy(() => v.assign(tf.tensor(w.values, w.shape, "float32")));
    }
  }

  dispose(): void {
    this.image.params.dispose();
    this.text.params.dispose();
    this.own.dispose();
  }

  /** Every trainable variable by its checkpoint name (what optimizers and checkpoints key on). */
  namedVariables(): Map<string, tf.Variable> {
    const named = new Map<string, tf.Variable>();
    for (const [name, v] of this.image.params.vars) named.set(`image.${name}`, v);
    for (const [name, v] of this.text.params.vars) named.set(`text.${name}`, v);
    named.set("logit_scale", this.logScale);
    return named;
  }
}

/** x / max(‖x‖, 1e-12) along the last axis (PyTorch's F.normalize). */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), -1, true), 1e-24))));
}

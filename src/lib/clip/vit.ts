import * as tf from "@tensorflow/tfjs";
import {Linear} from "../nn/linear.js";
import {LayerNorm} from "../nn/norm.js";
import {ParamStore} from "../nn/params.js";
import {ConvStem, type ConvStemConfig} from "./convStem.js";
import type {ImageEncoder} from "./imageEncoder.js";
import {patchify} from "./patches.js";
import {positionsForGrid} from "./positionGrid.js";
import {Transformer, type TransformerSize} from "./transformer.js";

export interface VitConfig extends TransformerSize {
  kind: "vit";
  /** The side the position embeddings are learned for; other multiples of `patchSize` interpolate them. */
  imageSize: number;
  patchSize: number;
  embedDim: number;
  seed: number;
  /** Early convolutions instead of the linear patch embedding; their total stride must be `patchSize`. */
  stem?: ConvStemConfig;
}

/**
 * CLIP's vision transformer: patch embedding (a linear map of flattened patches), a class token,
 * learned position embeddings, ln_pre, pre-norm transformer blocks, ln_post on the class token
 * and a projection. It is the teachers' architecture and RQ2's Transformer student.
 */
export class VitEncoder implements ImageEncoder {
  readonly kind = "vit";
  readonly params: ParamStore;
  /** Tokens from pixels: a linear map of each patch, or the convolutional stem. */
  readonly patchEmbed: Linear | ConvStem;
  readonly classEmbedding: tf.Variable;
  readonly positionEmbedding: tf.Variable;
  readonly lnPre: LayerNorm;
  readonly transformer: Transformer;
  readonly lnPost: LayerNorm;
  readonly projection: Linear;
  /** Patches per side at `config.imageSize`. */
  readonly grid: number;

  constructor(readonly config: VitConfig) {
    const {imageSize, patchSize, width, embedDim, seed} = config;
    if (config.kind !== "vit") throw new Error(`VitEncoder: config.kind must be "vit", got ${String(config.kind)}`);
    for (const [key, value] of Object.entries({imageSize, patchSize, embedDim})) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`VitEncoder: config.${key} must be an integer ≥ 1, got ${value}`);
    }
    if (imageSize % patchSize !== 0) throw new Error(`VitEncoder: config.imageSize ${imageSize} must be a multiple of config.patchSize ${patchSize}`);
    this.grid = imageSize / patchSize;
    this.params = new ParamStore(seed);
    const std = width ** -0.5;
    this.patchEmbed = config.stem
      ? new ConvStem(this.params, config.stem, width)
      : new Linear(this.params, "conv1", patchSize * patchSize * 3, width, {bias: false});
    if (this.patchEmbed instanceof ConvStem && this.patchEmbed.stride !== patchSize) {
      throw new Error(`VitEncoder: config.stem's stride ${this.patchEmbed.stride} must equal config.patchSize ${patchSize}`);
    }
    this.classEmbedding = this.params.create("class_embedding", [width], {kind: "normal", std});
    this.positionEmbedding = this.params.create("positional_embedding", [1 + this.grid * this.grid, width], {kind: "normal", std});
    this.lnPre = new LayerNorm(this.params, "ln_pre", width);
    this.transformer = new Transformer(this.params.scope("transformer"), config);
    this.lnPost = new LayerNorm(this.params, "ln_post", width);
    this.projection = new Linear(this.params, "proj", width, embedDim, {bias: false, std});
  }

  get embedDim(): number {
    return this.config.embedDim;
  }

  /** images [batch, H, W, 3] in [0, 1], H and W multiples of the patch size → [batch, embedDim]. */
  apply(images: tf.Tensor4D): tf.Tensor2D {
    if (!(images instanceof tf.Tensor) || images.rank !== 4 || images.shape[3] !== 3) {
      const got = images instanceof tf.Tensor ? `[${images.shape}]` : typeof images;
      throw new Error(`VitEncoder: images must be [batch, height, width, 3], got ${got}`);
    }
    const {patchSize: p, width} = this.config;
    const [b, height, wide] = images.shape;
    return tf.tidy(() => {
      const tokens = this.patchEmbed instanceof ConvStem ? this.patchEmbed.apply(images) : this.patchEmbed.apply(patchify(images, p));
      const cls = tf.tile(this.classEmbedding.reshape([1, 1, width]), [b, 1, 1]);
      let x = tf.add(tf.concat([cls, tokens], 1), this.positions(height / p, wide / p)) as tf.Tensor3D;
      x = this.transformer.apply(this.lnPre.apply(x) as tf.Tensor3D, false);
      const classState = tf.slice(x, [0, 0, 0], [b, 1, width]).reshape([b, width]);
      return this.projection.apply(this.lnPost.apply(classState)) as tf.Tensor2D;
    });
  }

  /** Position embeddings for a gh×gw patch grid (interpolated away from the training size). */
  positions(gh: number, gw: number): tf.Tensor2D {
    return positionsForGrid(this.positionEmbedding as tf.Tensor2D, this.grid, gh, gw);
  }
}

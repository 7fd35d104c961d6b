import * as tf from "@tensorflow/tfjs";
import type {ImageEncoder, ImageEncoderConfig} from "../clip/imageEncoder.js";
import {patchify} from "../clip/patches.js";
import {positionsForGrid} from "../clip/positionGrid.js";
import {Linear} from "../nn/linear.js";
import {RMSNorm} from "../nn/norm.js";
import {ParamStore} from "../nn/params.js";
import type {ScanImpl} from "./selectiveScan.js";
import {VimBlock} from "./vimBlock.js";

export interface VimConfig extends ImageEncoderConfig {
  readonly kind: "vim";
  /** The side the position embeddings are learned for; other multiples of `patchSize` interpolate them. */
  readonly imageSize: number;
  readonly patchSize: number;
  /** Residual stream width (d_model). */
  readonly width: number;
  readonly depth: number;
  readonly dState: number;
  readonly expand: number;
  readonly dConv: number;
  readonly embedDim: number;
  readonly seed: number;
}

/**
 * The lab's Vim student: 64×64 images in 8×8 patches (64 patches + the class token = 65 tokens),
 * width 64, 4 bidirectional blocks, Mamba-1 defaults otherwise; 183,808 parameters, matched by
 * VIT_STUDENT in ../clip/presets.ts.
 */
export const VIM_STUDENT_DEFAULT: VimConfig = {
  kind: "vim",
  imageSize: 64,
  patchSize: 8,
  width: 64,
  depth: 4,
  dState: 16,
  expand: 2,
  dConv: 4,
  embedDim: 64,
  seed: 404
};

/**
 * Vision Mamba (hustvl/Vim) as a CLIP image encoder: patch embedding (a linear map of flattened
 * patches, with bias), learned position embeddings, a class token placed in the middle of the
 * sequence, pre-norm residual bidirectional Mamba blocks x + mixer(RMSNorm(x)), a final RMSNorm,
 * and the class token projected to the CLIP embedding size.
 */
export class VimEncoder implements ImageEncoder {
  readonly kind = "vim";
  readonly params: ParamStore;
  readonly patchEmbed: Linear;
  readonly classToken: tf.Variable;
  /** [1 + grid², width]: row 0 is the class token's position, then the patch grid row-major. */
  readonly positionEmbedding: tf.Variable;
  readonly norms: RMSNorm[];
  readonly blocks: VimBlock[];
  readonly finalNorm: RMSNorm;
  readonly head: Linear;
  /** Patches per side at `config.imageSize`. */
  readonly grid: number;
  /** Which selective scan the blocks run (see selectiveScan). */
  scanImpl: ScanImpl = "auto";

  constructor(readonly config: VimConfig) {
    if (config.kind !== "vim") throw new Error(`VimEncoder: config.kind must be "vim", got ${String(config.kind)}`);
    const {imageSize, patchSize, width, depth, dState, expand, dConv, embedDim} = config;
    for (const [key, value] of Object.entries({imageSize, patchSize, width, depth, dState, expand, dConv, embedDim})) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`VimEncoder: config.${key} must be an integer ≥ 1, got ${value}`);
    }
    if (!Number.isFinite(config.seed)) throw new Error(`VimEncoder: config.seed must be a finite number, got ${config.seed}`);
    if (imageSize % patchSize !== 0) throw new Error(`VimEncoder: config.imageSize ${imageSize} must be a multiple of config.patchSize ${patchSize}`);
    this.grid = imageSize / patchSize;
    this.params = new ParamStore(config.seed);
    const patchInputs = patchSize * patchSize * 3;
    // Vim's initialisation: LeCun-normal patch conv with zero bias, N(0, 0.02²) tokens, positions and head.
    this.patchEmbed = new Linear(this.params, "patch_embed.proj", patchInputs, width, {std: patchInputs ** -0.5});
    this.classToken = this.params.create("cls_token", [width], {kind: "normal", std: 0.02});
    this.positionEmbedding = this.params.create("pos_embed", [1 + this.grid * this.grid, width], {kind: "normal", std: 0.02});
    const size = {dModel: width, dState, dConv, expand};
    this.norms = [];
    this.blocks = [];
    for (let i = 0; i < depth; i++) {
      const layer = this.params.scope(`layers.${i}`);
      this.norms.push(new RMSNorm(layer, "norm", width));
      this.blocks.push(new VimBlock(layer.scope("mixer"), size, {residualLayers: depth}));
    }
    this.finalNorm = new RMSNorm(this.params, "norm_f", width);
    this.head = new Linear(this.params, "head", width, embedDim, {bias: false, std: 0.02});
  }

  get embedDim(): number {
    return this.config.embedDim;
  }

  /** Trainable parameters, all included. */
  parameterCount(): number {
    return this.params.count();
  }

  /** images [batch, H, W, 3] in [0, 1], H and W multiples of the patch size → [batch, embedDim]. */
  apply(images: tf.Tensor4D): tf.Tensor2D {
    if (!(images instanceof tf.Tensor) || images.rank !== 4 || images.shape[3] !== 3) {
      const got = images instanceof tf.Tensor ? `[${images.shape}]` : typeof images;
      throw new Error(`VimEncoder: images must be [batch, height, width, 3], got ${got}`);
    }
    if (images.dtype !== "float32") throw new Error(`VimEncoder: images must be float32, got ${images.dtype}`);
    const {patchSize: p, width} = this.config;
    const [b, height, wide] = images.shape;
    return tf.tidy(() => {
      const patches = this.patchEmbed.apply(patchify(images, p));
      const count = patches.shape[1] as number;
      const middle = Math.floor(count / 2);
      const positions = this.positions(height / p, wide / p);
      const cls = tf.add(this.classToken, tf.slice(positions, [0, 0], [1, width]));
      const patchPositions = tf.slice(positions, [1, 0], [count, width]);
      const tokens = tf.add(patches, patchPositions);
      let x = tf.concat([
        tf.slice(tokens, [0, 0, 0], [b, middle, width]),
        tf.tile(cls.reshape([1, 1, width]), [b, 1, 1]),
        tf.slice(tokens, [0, middle, 0], [b, count - middle, width])
      ], 1) as tf.Tensor3D;
      for (let i = 0; i < this.blocks.length; i++) {
        x = tf.add(x, this.blocks[i].apply(this.norms[i].apply(x) as tf.Tensor3D, this.scanImpl)) as tf.Tensor3D;
      }
      const classState = tf.slice(this.finalNorm.apply(x), [0, middle, 0], [b, 1, width]).reshape([b, width]);
      return this.head.apply(classState) as tf.Tensor2D;
    });
  }

  /** Position embeddings for a gh×gw patch grid (interpolated away from the training size). */
  positions(gh: number, gw: number): tf.Tensor2D {
    return positionsForGrid(this.positionEmbedding as tf.Tensor2D, this.grid, gh, gw);
  }
}

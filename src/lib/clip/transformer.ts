import * as tf from "@tensorflow/tfjs";
import {LayerNorm} from "../nn/norm.js";
import type {Params} from "../nn/params.js";
import {MultiHeadAttention} from "./attention.js";
import {Mlp} from "./mlp.js";

export interface TransformerSize {
  width: number;
  depth: number;
  heads: number;
  /** Hidden width of each MLP as a multiple of `width` (4 in CLIP). */
  mlpRatio: number;
}

/** Pre-norm residual block: x + attn(ln_1(x)), then x + mlp(ln_2(x)). */
export class ResidualBlock {
  readonly ln1: LayerNorm;
  readonly attn: MultiHeadAttention;
  readonly ln2: LayerNorm;
  readonly mlp: Mlp;

  constructor(params: Params, {width, depth, heads, mlpRatio}: TransformerSize) {
    // CLIP's initialisation: residual-branch outputs shrink with depth so the stream's variance stays put.
    const std = width ** -0.5;
    const outStd = std * (2 * depth) ** -0.5;
    this.ln1 = new LayerNorm(params, "ln_1", width);
    this.attn = new MultiHeadAttention(params.scope("attn"), width, heads, {inStd: std, outStd});
    this.ln2 = new LayerNorm(params, "ln_2", width);
    this.mlp = new Mlp(params.scope("mlp"), width, Math.round(mlpRatio * width), {inStd: (2 * width) ** -0.5, outStd});
  }

  apply(x: tf.Tensor3D, causal: boolean): tf.Tensor3D {
    return tf.tidy(() => {
      const h = tf.add(x, this.attn.apply(this.ln1.apply(x) as tf.Tensor3D, causal));
      return tf.add(h, this.mlp.apply(this.ln2.apply(h))) as tf.Tensor3D;
    });
  }
}

/** A stack of `depth` pre-norm blocks over [batch, length, width] (CLIP's `transformer`). */
export class Transformer {
  readonly blocks: ResidualBlock[];

  constructor(params: Params, readonly size: TransformerSize) {
    for (const key of ["width", "depth", "heads"] as const) {
      if (!Number.isInteger(size[key]) || size[key] < 1) throw new Error(`Transformer: ${key} must be an integer ≥ 1, got ${size[key]}`);
    }
    if (!Number.isFinite(size.mlpRatio) || size.mlpRatio <= 0) {
      throw new Error(`Transformer: mlpRatio must be > 0, got ${size.mlpRatio}`);
    }
    this.blocks = Array.from({length: size.depth}, (_, i) => new ResidualBlock(params.scope(`resblocks.${i}`), size));
  }

  apply(x: tf.Tensor3D, causal: boolean): tf.Tensor3D {
    return tf.tidy(() => this.blocks.reduce((h, block) => block.apply(h, causal), x));
  }
}

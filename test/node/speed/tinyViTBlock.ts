import * as tf from "@tensorflow/tfjs";
import {Linear} from "../../../src/lib/nn/linear.js";
import {LayerNorm} from "../../../src/lib/nn/norm.js";
import type {Params} from "../../../src/lib/nn/params.js";

/**
 * A pre-norm transformer block written the way a first draft would be: a rank-5 q/k/v split,
 * q·kᵀ with transposeB, batched softmax·v. It runs every kernel the speed fixes replace, so the
 * tests can compare its values and gradients with and without them.
 */
export class TinyViTBlock {
  private readonly norm1: LayerNorm;
  private readonly qkv: Linear;
  private readonly proj: Linear;
  private readonly norm2: LayerNorm;
  private readonly fc1: Linear;
  private readonly fc2: Linear;

  constructor(params: Params, readonly width: number, readonly heads: number) {
    this.norm1 = new LayerNorm(params, "norm1", width);
    this.qkv = new Linear(params, "qkv", width, 3 * width);
    this.proj = new Linear(params, "proj", width, width);
    this.norm2 = new LayerNorm(params, "norm2", width);
    this.fc1 = new Linear(params, "fc1", width, 4 * width);
    this.fc2 = new Linear(params, "fc2", 4 * width, width);
  }

  apply(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [batch, tokens, width] = x.shape;
      const headDim = width / this.heads;
      const qkv = this.qkv.apply(this.norm1.apply(x)).reshape([batch, tokens, 3, this.heads, headDim]);
      const [q, k, v] = tf.unstack(tf.transpose(qkv, [2, 0, 3, 1, 4]));
      const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim));
      const mixed = tf.transpose(tf.matMul(tf.softmax(scores), v), [0, 2, 1, 3]).reshape([batch, tokens, width]);
      const h = tf.add(x, this.proj.apply(mixed));
      const hidden = this.fc1.apply(this.norm2.apply(h));
      // GELU, tanh form.
      const cube = tf.mul(tf.mul(hidden, hidden), hidden);
      const inner = tf.mul(tf.add(hidden, tf.mul(cube, 0.044715)), Math.sqrt(2 / Math.PI));
      const gelu = tf.mul(tf.mul(hidden, 0.5), tf.add(tf.tanh(inner), 1));
      return tf.add(h, this.fc2.apply(gelu)) as tf.Tensor3D;
    });
  }
}

import * as tf from "@tensorflow/tfjs";
import type {Params} from "../nn/params.js";

/**
 * Mamba's causal depthwise conv1d along the sequence, with bias:
 *   y_l = b + Σ_{k<K} w_k ⊙ x_{l−(K−1)+k},  x_{<0} = 0,
 * i.e. PyTorch's Conv1d(C, C, K, groups=C, padding=K−1) truncated to the first L outputs.
 * Written as K shifted slices times weight rows because tfjs-wasm has no backward pass for
 * conv1d or depthwise conv; pad, slice and multiply differentiate on every backend.
 * The weight is stored [K, C] (PyTorch: [C, 1, K]) so each tap is one broadcastable row.
 */
export class CausalConv1d {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(params: Params, name: string, readonly channels: number, readonly kernelSize: number) {
    // PyTorch's default Conv1d init: U(±1/√fan_in), fan_in = K for a depthwise conv.
    const bound = 1 / Math.sqrt(kernelSize);
    this.weight = params.create(`${name}.weight`, [kernelSize, channels], {kind: "uniform", bound});
    this.bias = params.create(`${name}.bias`, [channels], {kind: "uniform", bound});
  }

  /** x [batch, length, channels] → [batch, length, channels]. */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    const [batch, length, channels] = x.shape;
    if (channels !== this.channels) throw new Error(`CausalConv1d: input must have ${this.channels} channels, got shape [${x.shape}]`);
    const K = this.kernelSize;
    return tf.tidy(() => {
      const padded = tf.pad(x, [[0, 0], [K - 1, 0], [0, 0]]);
      let y: tf.Tensor = this.bias;
      for (let k = 0; k < K; k++) {
        const tap = tf.slice(this.weight, [k, 0], [1, channels]).reshape([channels]);
        y = tf.add(y, tf.mul(tf.slice(padded, [0, k, 0], [batch, length, channels]), tap));
      }
      return y as tf.Tensor3D;
    });
  }
}

import * as tf from "@tensorflow/tfjs";
import type {Params} from "./params.js";

/** LayerNorm over the last axis with learned gain and bias (the ViT and text transformer's norm). */
export class LayerNorm {
  readonly gain: tf.Variable;
  readonly bias: tf.Variable;

  constructor(params: Params, name: string, readonly dim: number, readonly eps = 1e-5) {
    this.gain = params.create(`${name}.weight`, [dim], {kind: "constant", value: 1});
    this.bias = params.create(`${name}.bias`, [dim], {kind: "constant", value: 0});
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const mean = tf.mean(x, -1, true);
      const centred = tf.sub(x, mean);
      const variance = tf.mean(tf.square(centred), -1, true);
      return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, this.eps))), this.gain), this.bias);
    });
  }
}

/** RMSNorm over the last axis with a learned gain (Mamba and Vim's norm). */
export class RMSNorm {
  readonly gain: tf.Variable;

  constructor(params: Params, name: string, readonly dim: number, readonly eps = 1e-5) {
    this.gain = params.create(`${name}.weight`, [dim], {kind: "constant", value: 1});
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const meanSquare = tf.mean(tf.square(x), -1, true);
      return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, this.eps))), this.gain);
    });
  }
}

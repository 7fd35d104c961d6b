import * as tf from "@tensorflow/tfjs";
import {Linear} from "../nn/linear.js";
import type {Params} from "../nn/params.js";

/** GELU, exact form x·Φ(x) = ½x(1 + erf(x/√2)); tfjs has no GELU op, but erf has a gradient on every backend. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)));
}

/** The transformer's feed-forward layer: width → hidden → width with a GELU between. */
export class Mlp {
  readonly fc: Linear;
  readonly proj: Linear;

  constructor(params: Params, width: number, hidden: number, {inStd, outStd}: {inStd: number; outStd: number}) {
    this.fc = new Linear(params, "c_fc", width, hidden, {std: inStd});
    this.proj = new Linear(params, "c_proj", hidden, width, {std: outStd});
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.proj.apply(gelu(this.fc.apply(x))));
  }
}

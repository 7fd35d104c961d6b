import * as tf from "@tensorflow/tfjs";
import {Linear} from "../nn/linear.js";
import type {Params} from "../nn/params.js";

/**
 * Multi-head self-attention, softmax(q kᵀ/√d_head [+ causal mask]) v, with one fused q/k/v
 * projection as in CLIP. For wasm's sake (docs/tfjs-traps.md) heads move with
 * rank-4 transposes only, kᵀ is an explicit transpose (no transposeB matMul), and the
 * projections are 2-D matMuls.
 */
export class MultiHeadAttention {
  readonly qkv: Linear;
  readonly out: Linear;
  readonly headDim: number;

  constructor(params: Params, readonly width: number, readonly heads: number, {inStd, outStd}: {inStd: number; outStd: number}) {
    if (!Number.isInteger(heads) || heads < 1 || width % heads !== 0) {
      throw new Error(`MultiHeadAttention: heads must divide width ${width}, got ${heads}`);
    }
    this.headDim = width / heads;
    this.qkv = new Linear(params, "in_proj", width, 3 * width, {std: inStd});
    this.out = new Linear(params, "out_proj", width, width, {std: outStd});
  }

  /** x: [batch, length, width]. With `causal`, position i attends to positions ≤ i only. */
  apply(x: tf.Tensor3D, causal: boolean): tf.Tensor3D {
    return tf.tidy(() => {
      const [b, l, w] = x.shape;
      const [h, dh] = [this.heads, this.headDim];
      const [q, k, v] = tf.split(this.qkv.apply(x.reshape([b * l, w])), 3, 1);
      // [b·l, w] → [b, h, l, dh] (q, v) and [b, h, dh, l] (kᵀ), flattened to b·h batched matrices.
      const heads = (t: tf.Tensor, perm: number[], shape: number[]) => tf.transpose(t.reshape([b, l, h, dh]), perm).reshape(shape);
      const qh = heads(tf.mul(q, 1 / Math.sqrt(dh)), [0, 2, 1, 3], [b * h, l, dh]);
      const kt = heads(k, [0, 2, 3, 1], [b * h, dh, l]);
      const vh = heads(v, [0, 2, 1, 3], [b * h, l, dh]);
      let scores = tf.matMul(qh as tf.Tensor3D, kt as tf.Tensor3D);
      if (causal) scores = tf.add(scores, causalMask(l));
      const mixed = tf.matMul(tf.softmax(scores), vh as tf.Tensor3D);
      const merged = tf.transpose(mixed.reshape([b, h, l, dh]), [0, 2, 1, 3]).reshape([b * l, w]);
      return this.out.apply(merged).reshape([b, l, w]);
    });
  }
}

/** [l, l] additive mask: 0 on and below the diagonal, −1e9 above (exp underflows to exactly 0). */
function causalMask(l: number): tf.Tensor2D {
  const mask = new Float32Array(l * l);
  for (let i = 0; i < l; i++) for (let j = i + 1; j < l; j++) mask[i * l + j] = -1e9;
  return tf.tensor2d(mask, [l, l]);
}

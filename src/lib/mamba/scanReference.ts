import * as tf from "@tensorflow/tfjs";
import type {ScanParts} from "./kernels/scanKernel.js";

/**
 * The selective scan in plain tf ops, one step per position, exactly as
 * docs/method.md, "The selective scan (Mamba)" writes it:
 *   Δ = softplus(δ + Δ_bias),  h_l = exp(Δ_l A) ⊙ h_{l−1} + Δ_l B_l u_l,  y_l = C_l · h_l + D u_l,
 *   then y ⊙ silu(z).
 * tf's autograd differentiates it on every backend; it is the oracle for the fused kernels and
 * the fallback where none is registered. `reverse` is defined as flip ∘ scan ∘ flip along the
 * length, which is what the kernels' in-place right-to-left walk must reproduce.
 */
export function selectiveScanReference(x: ScanParts<tf.Tensor>, deltaSoftplus: boolean, reverse = false): tf.Tensor3D {
  if (reverse) {
    return tf.tidy(() => {
      const flip = (t: tf.Tensor) => tf.reverse(t, 1);
      const flipped = {...x, u: flip(x.u), delta: flip(x.delta), B: flip(x.B), C: flip(x.C), ...(x.z ? {z: flip(x.z)} : {})};
      return flip(selectiveScanReference(flipped, deltaSoftplus)) as tf.Tensor3D;
    });
  }
  return tf.tidy(() => {
    const [batch, length, channels] = x.u.shape as [number, number, number];
    const state = x.A.shape[1] as number;
    let delta = x.deltaBias ? tf.add(x.delta, x.deltaBias) : x.delta;
    if (deltaSoftplus) delta = tf.softplus(delta);
    // Per-position slices. tfjs's multi-output gradients (split, unstack) break when an op has a
    // single output, so a length-1 sequence is squeezed instead.
    const positions = (t: tf.Tensor) => (length === 1 ? [t] : tf.split(t, length, 1)).map((p) => tf.squeeze(p, [1]));
    const us = positions(x.u);
    const deltas = positions(delta);
    const Bs = positions(x.B);
    const Cs = positions(x.C);
    let h: tf.Tensor = tf.zeros([batch, channels, state]);
    const ys = us.map((u, l) => {
      const dl = deltas[l].expandDims(2);
      h = tf.add(tf.mul(tf.exp(tf.mul(dl, x.A)), h), tf.mul(tf.mul(dl, Bs[l].expandDims(1)), u.expandDims(2)));
      return tf.sum(tf.mul(h, Cs[l].expandDims(1)), 2);
    });
    let y: tf.Tensor = tf.stack(ys, 1);
    if (x.D) y = tf.add(y, tf.mul(x.u, x.D));
    if (x.z) y = tf.mul(y, tf.mul(x.z, tf.sigmoid(x.z)));
    return y as tf.Tensor3D;
  });
}

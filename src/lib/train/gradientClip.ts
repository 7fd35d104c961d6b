import * as tf from "@tensorflow/tfjs";

/**
 * Scales all gradients together so their global L2 norm is at most `maxNorm` (PyTorch's
 * clip_grad_norm_). Returns the clipped gradients (new tensors; the caller disposes them and the
 * inputs) and the norm before clipping, as a scalar tensor so the caller reads it with the rest.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): {grads: tf.NamedTensorMap; norm: tf.Scalar} {
  if (!(maxNorm > 0)) throw new Error(`clipByGlobalNorm: maxNorm must be > 0, got ${maxNorm}`);
  // tf.tidy keeps tensors returned in plain objects (not in Maps), hence NamedTensorMap.
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
    const scale = tf.minimum(tf.div(maxNorm, tf.add(norm, 1e-6)), 1);
    const clipped: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) clipped[name] = tf.mul(g, scale);
    return {grads: clipped, norm};
  });
}

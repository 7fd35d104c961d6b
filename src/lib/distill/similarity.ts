import * as tf from "@tensorflow/tfjs";

/**
 * scale · a bᵀ for [batch, dim] embeddings: row i holds a_i's logits over every b_j. bᵀ is an
 * explicit transpose followed by a plain matMul, which wasm runs several times faster than
 * matMul(a, b, false, true) (docs/tfjs-traps.md, "wasm's matMul is fast only untransposed and
 * unbatched").
 */
export function similarityLogits(a: tf.Tensor2D, b: tf.Tensor2D, scale: tf.Scalar | number): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.matMul(a, tf.transpose(b)), scale));
}

/**
 * H(P, Q) = −mean_rows Σ_j P_ij log Q_ij with Q = softmax_row(logits), in the log-softmax form
 * (never log of a softmax, which underflows to −∞ for confident rows).
 */
export function softCrossEntropy(targets: tf.Tensor2D, logits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.div(tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)))), logits.shape[0]));
}

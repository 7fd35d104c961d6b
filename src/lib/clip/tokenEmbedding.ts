import * as tf from "@tensorflow/tfjs";

/**
 * Looks up rows of `table` [vocab, width] for int32 `tokens` [batch, length] → [batch, length,
 * width], as a one-hot × table matMul. A gather would be cheaper on paper, but stock tfjs-wasm has
 * no gradient for it (UnsortedSegmentSum), and with a vocabulary of a few hundred words the
 * matMul costs little.
 */
export function embedTokens(tokens: tf.Tensor2D, table: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, l] = tokens.shape;
    const [vocab, width] = table.shape;
    // int32 then a cast: tfjs-wasm 4.22's OneHot writes int32 bits whatever the dtype asked for,
    // so a float32 one-hot comes out as 1.4e-45 (the float whose bits are the integer 1).
    const oneHot = tf.cast(tf.oneHot(tokens.reshape([b * l]), vocab), "float32");
    return tf.matMul(oneHot, table).reshape([b, l, width]);
  });
}

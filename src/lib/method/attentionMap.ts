import * as tf from "@tensorflow/tfjs";
import {similarityLogits} from "../distill/similarity.js";
import {Rng} from "../random/rng.js";

/**
 * Causal self-attention weights softmax(q kᵀ/√d + mask) of `length` seeded token vectors, with
 * q = k = the tokens: the L×L map a Transformer builds where the scan keeps N numbers.
 */
export async function attentionMap(length: number, dim = 4, seed = 1): Promise<number[][]> {
  const rng = new Rng(seed);
  const tokens = Float32Array.from({length: length * dim}, () => rng.normal());
  const weights = tf.tidy(() => {
    const t = tf.tensor2d(tokens, [length, dim]);
    const mask = tf.tensor2d(Array.from({length: length * length}, (_, k) => (k % length > Math.floor(k / length) ? -1e9 : 0)), [length, length]);
    return tf.softmax(tf.add(similarityLogits(t, t, 1 / Math.sqrt(dim)), mask));
  });
  const values = await weights.data();
  weights.dispose();
  return Array.from({length}, (_, i) => Array.from(values.subarray(i * length, (i + 1) * length)));
}

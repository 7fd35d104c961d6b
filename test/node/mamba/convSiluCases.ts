import * as tf from "@tensorflow/tfjs";
import {CausalConv1d} from "../../../src/lib/mamba/causalConv1d.js";
import {causalConvSilu} from "../../../src/lib/mamba/causalConvSilu.js";
import type {ScanImpl} from "../../../src/lib/mamba/selectiveScan.js";
import {ParamStore} from "../../../src/lib/nn/params.js";
import {relativeError} from "../relativeError.js";
import {seededTensor} from "./scanCases.js";

/** Fused causal conv + SiLU against the reference, shared by the Node tests and the Chromium entry. */
export interface ConvCase {
  batch: number;
  length: number;
  channels: number;
  kernel: number;
  /** Vim's backward direction: the conv runs from the last position to the first. */
  reverse?: boolean;
}

/**
 * The student's shape (65 tokens, 128 channels, K 4), channels off the vector width, a sequence
 * shorter than the kernel, K 1; the first three and K 3 again reversed.
 */
export const CONV_CASES: ConvCase[] = [
  {batch: 2, length: 65, channels: 128, kernel: 4},
  {batch: 3, length: 9, channels: 5, kernel: 4},
  {batch: 2, length: 2, channels: 7, kernel: 4},
  {batch: 1, length: 6, channels: 8, kernel: 1},
  {batch: 2, length: 12, channels: 12, kernel: 3},
  {batch: 2, length: 65, channels: 128, kernel: 4, reverse: true},
  {batch: 3, length: 9, channels: 5, kernel: 4, reverse: true},
  {batch: 2, length: 2, channels: 7, kernel: 4, reverse: true},
  {batch: 2, length: 12, channels: 12, kernel: 3, reverse: true}
];

/** u and the gradients of Σ w ⊙ u with respect to x, the conv's weight and bias, under `impl`. */
export function convWithGradients(conv: CausalConv1d, x: tf.Variable, w: tf.Tensor, impl: ScanImpl, reverse = false): tf.Tensor[] {
  const u = causalConvSilu(conv, x as tf.Tensor3D, impl, {reverse});
  const {value, grads} = tf.variableGrads(() => tf.sum(tf.mul(causalConvSilu(conv, x as tf.Tensor3D, impl, {reverse}), w)) as tf.Scalar, [x, conv.weight, conv.bias]);
  value.dispose();
  return [u, grads[x.name], grads[conv.weight.name], grads[conv.bias.name]];
}

/** Relative errors of u, dx, dweight and dbias, fused against reference. */
export async function convFusedVsReference(c: ConvCase, seed: number): Promise<Record<string, number>> {
  const params = new ParamStore(seed);
  const conv = new CausalConv1d(params, "conv1d", c.channels, c.kernel);
  const start = seededTensor([c.batch, c.length, c.channels], seed + 1, 2);
  const x = tf.variable(start);
  start.dispose();
  const w = seededTensor([c.batch, c.length, c.channels], seed + 2);
  const fused = convWithGradients(conv, x, w, "fused", c.reverse);
  const reference = convWithGradients(conv, x, w, "reference", c.reverse);
  const errors: Record<string, number> = {};
  const names = ["u", "x", "weight", "bias"];
  for (let i = 0; i < names.length; i++) errors[names[i]] = relativeError(await fused[i].data(), await reference[i].data());
  tf.dispose([...fused, ...reference, x, w]);
  params.dispose();
  return errors;
}

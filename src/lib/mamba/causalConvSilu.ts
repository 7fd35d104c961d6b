import * as tf from "@tensorflow/tfjs";
import type {CausalConv1d} from "./causalConv1d.js";
import {CAUSAL_CONV_SILU, CAUSAL_CONV_SILU_GRAD, registerCpuConvSiluKernels} from "./kernels/convSilu.cpu.js";
import type {ScanImpl} from "./selectiveScan.js";

if (!tf.getGradient(CAUSAL_CONV_SILU)) {
  tf.registerGradient({
    kernelName: CAUSAL_CONV_SILU,
    inputsToSave: ["x", "weight", "bias"],
    gradFunc: (dy, [x, weight, bias], attrs) => {
      const [dx, dw, db] = tf.engine().runKernel(CAUSAL_CONV_SILU_GRAD, {x, weight, bias, dy: dy as tf.Tensor}, attrs) as tf.Tensor[];
      return {x: () => dx, weight: () => dw, bias: () => db};
    }
  });
}
registerCpuConvSiluKernels();

/** Whether `backend` (default: the active one) has the fused conv + SiLU kernel (cpu and wasm do). */
export function fusedConvSiluAvailable(backend: string = tf.getBackend()): boolean {
  return tf.getKernel(CAUSAL_CONV_SILU, backend) !== undefined;
}

/**
 * silu(conv(x)), Mamba's causal conv followed by SiLU, x [batch, length, channels]. One kernel
 * forward and one backward where the backend has it, instead of the reference's pad, K slices,
 * products and sums and their gradients (about 12% of a Vim student's step on wasm); `impl`
 * "reference" (or a backend without the kernel: webgl, webgpu) runs conv.apply and tf ops.
 * `reverse` runs the conv from the last position to the first (Vim's backward direction): the
 * reference flips x, convolves and flips back; the kernel walks the sequence in place.
 */
export function causalConvSilu(conv: CausalConv1d, x: tf.Tensor3D, impl: ScanImpl = "auto", {reverse = false}: {reverse?: boolean} = {}): tf.Tensor3D {
  if (impl !== "reference" && fusedConvSiluAvailable()) {
    if (x.shape[2] !== conv.channels) throw new Error(`CausalConv1d: input must have ${conv.channels} channels, got shape [${x.shape}]`);
    return tf.engine().runKernel(CAUSAL_CONV_SILU, {x, weight: conv.weight, bias: conv.bias}, {reverse}) as tf.Tensor3D;
  }
  return tf.tidy(() => {
    const flip = (t: tf.Tensor3D) => (reverse ? (tf.reverse(t, 1) as tf.Tensor3D) : t);
    const s = flip(conv.apply(flip(x)));
    return tf.mul(s, tf.sigmoid(s)) as tf.Tensor3D;
  });
}

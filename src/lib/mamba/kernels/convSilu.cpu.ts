import type * as tf from "@tensorflow/tfjs";
import {computeOnHost} from "./hostTensors.js";
import {convScratchFloats, convSiluBackward, convSiluForward, simdConvSupported, type ConvDims, type ConvFlags} from "./convSiluSimd.js";
import {registerKernelOnce} from "./scanKernel.js";

/**
 * Causal conv + SiLU on tfjs's CPU-side backends (cpu and wasm), one WebAssembly SIMD kernel
 * for both (convSiluSimd.ts), working in the wasm backend's heap there, as for the scan (scan.cpu.ts).
 * CausalConvSilu:     {x [B, L, C], weight [K, C], bias [C]}      → u [B, L, C]
 * CausalConvSiluGrad: {x, weight, bias, dy}                       → [dx, dweight, dbias]
 * Attrs of both: {reverse}, the conv run from the last position to the first (ConvFlags).
 */
export const CAUSAL_CONV_SILU = "CausalConvSilu";
export const CAUSAL_CONV_SILU_GRAD = "CausalConvSiluGrad";

function dimsOf(x: tf.TensorInfo, weight: tf.TensorInfo): ConvDims {
  const [sequences, length, channels] = x.shape;
  return {sequences, length, channels, kernel: weight.shape[0]};
}

const flagsOf = (attrs: tf.NamedAttrMap | undefined): ConvFlags => ({reverse: !!attrs?.reverse});

const forwardKernel: tf.KernelFunc = ({inputs, backend, attrs}) => {
  const {x, weight, bias} = inputs as Record<"x" | "weight" | "bias", tf.TensorInfo>;
  const dims = dimsOf(x, weight);
  const [u] = computeOnHost(backend, [x, weight, bias], [x.shape], ([xv, wv, bv], [out], heap) => {
    convSiluForward(xv, wv, bv, dims, flagsOf(attrs), out, heap);
  }, convScratchFloats(dims));
  return u;
};

const backwardKernel: tf.KernelFunc = ({inputs, backend, attrs}) => {
  const {x, weight, bias, dy} = inputs as Record<"x" | "weight" | "bias" | "dy", tf.TensorInfo>;
  const dims = dimsOf(x, weight);
  return computeOnHost(backend, [x, weight, bias, dy], [x.shape, weight.shape, bias.shape], ([xv, wv, bv, dyv], [dx, dw, db], heap) => {
    convSiluBackward(xv, wv, bv, dyv, dims, flagsOf(attrs), {x: dx, weight: dw, bias: db}, heap);
  }, convScratchFloats(dims));
};

export function registerCpuConvSiluKernels(): void {
  if (!simdConvSupported()) return;
  for (const backendName of ["cpu", "wasm"]) {
    registerKernelOnce(CAUSAL_CONV_SILU, backendName, forwardKernel);
    registerKernelOnce(CAUSAL_CONV_SILU_GRAD, backendName, backwardKernel);
  }
}

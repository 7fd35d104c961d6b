import type * as tf from "@tensorflow/tfjs";
import {convSiluBackward, convSiluForward, simdConvSupported, type ConvDims} from "./convSiluSimd.js";
import {registerKernelOnce} from "./scanKernel.js";

/**
 * Causal conv + SiLU on tfjs's CPU-side backends (cpu and wasm), one WebAssembly SIMD kernel
 * for both (convSiluSimd.ts), as for the scan (scan.cpu.ts).
 * CausalConvSilu:     {x [B, L, C], weight [K, C], bias [C]}      → u [B, L, C]
 * CausalConvSiluGrad: {x, weight, bias, dy}                       → [dx, dweight, dbias]
 */
export const CAUSAL_CONV_SILU = "CausalConvSilu";
export const CAUSAL_CONV_SILU_GRAD = "CausalConvSiluGrad";

/** What the kernels need of a cpu or wasm backend object (the wasm one has no makeTensorInfo). */
interface HostBackend {
  readSync(dataId: tf.DataId): unknown;
  write(values: Float32Array, shape: number[], dtype: "float32"): tf.DataId;
}

function read(backend: HostBackend, inputs: tf.NamedTensorInfoMap) {
  const {x, weight, bias} = inputs as {x: tf.TensorInfo; weight: tf.TensorInfo; bias: tf.TensorInfo};
  const get = (t: tf.TensorInfo) => backend.readSync(t.dataId) as Float32Array;
  const [sequences, length, channels] = x.shape;
  const dims: ConvDims = {sequences, length, channels, kernel: weight.shape[0]};
  return {x: get(x), weight: get(weight), bias: get(bias), dims, shapes: [x.shape, weight.shape, bias.shape]};
}

const output = (backend: HostBackend, shape: number[], values: Float32Array): tf.TensorInfo => ({dataId: backend.write(values, shape, "float32"), shape, dtype: "float32"});

const forwardKernel: tf.KernelFunc = ({inputs, backend}) => {
  const host = backend as unknown as HostBackend;
  const {x, weight, bias, dims, shapes} = read(host, inputs);
  return output(host, shapes[0], convSiluForward(x, weight, bias, dims));
};

const backwardKernel: tf.KernelFunc = ({inputs, backend}) => {
  const host = backend as unknown as HostBackend;
  const {x, weight, bias, dims, shapes} = read(host, inputs);
  const grads = convSiluBackward(x, weight, bias, host.readSync((inputs.dy as tf.TensorInfo).dataId) as Float32Array, dims);
  return [grads.x, grads.weight, grads.bias].map((g, i) => output(host, shapes[i], g));
};

export function registerCpuConvSiluKernels(): void {
  if (!simdConvSupported()) return;
  for (const backendName of ["cpu", "wasm"]) {
    registerKernelOnce(CAUSAL_CONV_SILU, backendName, forwardKernel);
    registerKernelOnce(CAUSAL_CONV_SILU_GRAD, backendName, backwardKernel);
  }
}

import type * as tf from "@tensorflow/tfjs";
import {computeOnHost} from "./hostTensors.js";
import {scanBackward, scanForward, scanScratchFloats, simdScanSupported, type ScanArrays, type ScanDims, type ScanGradArrays} from "./scanSimd.js";
import {
  packScanInputs, registerKernelOnce, scanAttrs, SELECTIVE_SCAN, SELECTIVE_SCAN_GRAD, unpackScanInputs, type ScanParts
} from "./scanKernel.js";

/**
 * The selective scan on tfjs's CPU-side backends (cpu and wasm): both keep tensors in memory
 * that JavaScript can read, so one WebAssembly SIMD kernel (scanSimd.ts) serves both; on wasm it
 * works on the tensors in the backend's heap.
 */

function dimsOf(parts: ScanParts<tf.TensorInfo>): ScanDims {
  const [batch, length, channels] = parts.u.shape;
  return {batch, length, channels, state: parts.A.shape[1]};
}

/** The scan's present inputs (kernel order) as named arrays. */
function named<T>(parts: ScanParts<unknown>, values: T[]): ScanParts<T> {
  const names = (["u", "delta", "A", "B", "C", "D", "z", "deltaBias"] as const).filter((k) => parts[k] !== undefined);
  return Object.fromEntries(names.map((k, i) => [k, values[i]])) as unknown as ScanParts<T>;
}

const forwardKernel: tf.KernelFunc = ({inputs, backend, attrs}) => {
  const a = scanAttrs(attrs);
  const {parts} = unpackScanInputs(inputs as unknown as tf.TensorInfo[], a);
  const dims = dimsOf(parts);
  const [y] = computeOnHost(backend, packScanInputs(parts), [parts.u.shape], (values, [out], heap) => {
    scanForward(named(parts, values) as ScanArrays, dims, a, out, heap);
  }, scanScratchFloats(dims));
  return y;
};

const backwardKernel: tf.KernelFunc = ({inputs, backend, attrs}) => {
  const a = scanAttrs(attrs);
  const {parts, rest: [dy]} = unpackScanInputs(inputs as unknown as tf.TensorInfo[], a);
  const present = packScanInputs(parts);
  const dims = dimsOf(parts);
  return computeOnHost(backend, [...present, dy], present.map((t) => t.shape), (values, outs, heap) => {
    const grads = named(parts, outs) as ScanGradArrays;
    scanBackward(named(parts, values.slice(0, -1)) as ScanArrays, values[values.length - 1], dims, a, grads, heap);
  }, scanScratchFloats(dims));
};

/** Registers the fused kernels for cpu and wasm where the engine runs WebAssembly SIMD. */
export function registerCpuScanKernels(): void {
  if (!simdScanSupported()) return;
  for (const backendName of ["cpu", "wasm"]) {
    registerKernelOnce(SELECTIVE_SCAN, backendName, forwardKernel);
    registerKernelOnce(SELECTIVE_SCAN_GRAD, backendName, backwardKernel);
  }
}

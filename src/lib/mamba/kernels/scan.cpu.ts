import type * as tf from "@tensorflow/tfjs";
import {scanBackward, scanForward, simdScanSupported, type ScanArrays, type ScanDims} from "./scanSimd.js";
import {
  packScanInputs, registerKernelOnce, scanAttrs, SELECTIVE_SCAN, SELECTIVE_SCAN_GRAD, unpackScanInputs, type ScanParts
} from "./scanKernel.js";

/**
 * The selective scan on tfjs's CPU-side backends (cpu and wasm): both keep tensors in memory
 * that JavaScript can read, so one WebAssembly SIMD kernel (scanSimd.ts) serves both.
 */

/** What the kernels need of a cpu or wasm backend object (the wasm one has no makeTensorInfo). */
interface HostBackend {
  readSync(dataId: tf.DataId): unknown;
  write(values: Float32Array, shape: number[], dtype: "float32"): tf.DataId;
}

function output(backend: HostBackend, shape: number[], values: Float32Array): tf.TensorInfo {
  return {dataId: backend.write(values, shape, "float32"), shape, dtype: "float32"};
}

function readArrays(backend: HostBackend, parts: ScanParts<tf.TensorInfo>): {arrays: ScanArrays; dims: ScanDims} {
  const read = (t: tf.TensorInfo) => backend.readSync(t.dataId) as Float32Array;
  const [batch, length, channels] = parts.u.shape;
  const arrays: ScanArrays = {u: read(parts.u), delta: read(parts.delta), A: read(parts.A), B: read(parts.B), C: read(parts.C)};
  if (parts.D) arrays.D = read(parts.D);
  if (parts.z) arrays.z = read(parts.z);
  if (parts.deltaBias) arrays.deltaBias = read(parts.deltaBias);
  return {arrays, dims: {batch, length, channels, state: parts.A.shape[1]}};
}

const forwardKernel: tf.KernelFunc = ({inputs, backend, attrs}) => {
  const host = backend as unknown as HostBackend;
  const a = scanAttrs(attrs);
  const {parts} = unpackScanInputs(inputs as unknown as tf.TensorInfo[], a);
  const {arrays, dims} = readArrays(host, parts);
  return output(host, parts.u.shape, scanForward(arrays, dims, a.deltaSoftplus));
};

const backwardKernel: tf.KernelFunc = ({inputs, backend, attrs}) => {
  const host = backend as unknown as HostBackend;
  const a = scanAttrs(attrs);
  const {parts, rest: [dy]} = unpackScanInputs(inputs as unknown as tf.TensorInfo[], a);
  const {arrays, dims} = readArrays(host, parts);
  const grads = scanBackward(arrays, host.readSync(dy.dataId) as Float32Array, dims, a.deltaSoftplus);
  const shapes = packScanInputs(parts).map((t) => t.shape);
  return packScanInputs(grads).map((g, i) => output(host, shapes[i], g));
};

/** Registers the fused kernels for cpu and wasm where the engine runs WebAssembly SIMD. */
export function registerCpuScanKernels(): void {
  if (!simdScanSupported()) return;
  for (const backendName of ["cpu", "wasm"]) {
    registerKernelOnce(SELECTIVE_SCAN, backendName, forwardKernel);
    registerKernelOnce(SELECTIVE_SCAN_GRAD, backendName, backwardKernel);
  }
}

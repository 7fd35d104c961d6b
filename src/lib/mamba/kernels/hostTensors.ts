import type * as tf from "@tensorflow/tfjs";
import type {Heap} from "./simdModule.js";

/**
 * What the WebAssembly SIMD kernels need of tfjs's CPU-side backends. The cpu backend keeps
 * plain arrays (readSync and write share them); the wasm backend keeps tensors in its heap, where
 * readSync copies a tensor out and write copies it back in, so there the kernels take views of
 * the heap instead (makeOutput, typedArrayFromHeap).
 */
interface HostBackend {
  readSync(dataId: tf.DataId): unknown;
  write(values: Float32Array, shape: number[], dtype: "float32"): tf.DataId;
  disposeData(dataId: tf.DataId): void;
  makeOutput?(shape: number[], dtype: "float32"): tf.TensorInfo;
  typedArrayFromHeap?(t: tf.TensorInfo): Float32Array;
  /** The wasm backend's Emscripten module: its exports hold the heap's WebAssembly.Memory. */
  wasm?: {asm?: Record<string, unknown>; HEAPU8: Uint8Array};
}

/** The wasm backend's heap memory, if it can be imported by another module (not shared: no threads). */
function heapMemory(host: HostBackend): WebAssembly.Memory | undefined {
  const {wasm} = host;
  if (!wasm?.asm) return undefined;
  const memory = Object.values(wasm.asm).find((v): v is WebAssembly.Memory => v instanceof WebAssembly.Memory && v.buffer === wasm.HEAPU8.buffer);
  return memory && memory.buffer instanceof ArrayBuffer ? memory : undefined;
}

/**
 * Runs `compute` on the inputs' values and output arrays of `outputShapes` that it must fill
 * entirely, and returns the outputs as tensors. On wasm the outputs (and `scratchFloats` of
 * scratch, passed as `heap` with the heap's memory) are allocated before any view is taken: an
 * allocation may grow the heap, which detaches earlier views. Elsewhere `heap` is undefined.
 */
export function computeOnHost(
  backend: unknown,
  inputs: tf.TensorInfo[],
  outputShapes: number[][],
  compute: (inputs: Float32Array[], outputs: Float32Array[], heap?: Heap) => void,
  scratchFloats = 0
): tf.TensorInfo[] {
  const host = backend as HostBackend;
  const {makeOutput, typedArrayFromHeap} = host;
  if (makeOutput && typedArrayFromHeap) {
    const outputs = outputShapes.map((shape) => makeOutput.call(host, shape, "float32"));
    const memory = heapMemory(host);
    const scratch = memory && scratchFloats > 0 ? makeOutput.call(host, [scratchFloats], "float32") : undefined;
    const view = (t: tf.TensorInfo) => typedArrayFromHeap.call(host, t);
    try {
      compute(inputs.map(view), outputs.map(view), memory && scratch ? {memory, scratch: view(scratch)} : undefined);
    } finally {
      if (scratch) host.disposeData(scratch.dataId);
    }
    return outputs;
  }
  const outputs = outputShapes.map((shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)));
  compute(inputs.map((t) => host.readSync(t.dataId) as Float32Array), outputs);
  return outputs.map((values, i) => ({dataId: host.write(values, outputShapes[i], "float32"), shape: outputShapes[i], dtype: "float32"}));
}

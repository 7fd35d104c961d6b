import type * as tf from "@tensorflow/tfjs";

/**
 * What the WebAssembly SIMD kernels need of tfjs's CPU-side backends. The cpu backend keeps
 * plain arrays (readSync and write share them); the wasm backend keeps tensors in its heap, where
 * readSync copies a tensor out and write copies it back in, so there the kernels take views of
 * the heap instead (makeOutput, typedArrayFromHeap).
 */
interface HostBackend {
  readSync(dataId: tf.DataId): unknown;
  write(values: Float32Array, shape: number[], dtype: "float32"): tf.DataId;
  makeOutput?(shape: number[], dtype: "float32"): tf.TensorInfo;
  typedArrayFromHeap?(t: tf.TensorInfo): Float32Array;
}

/**
 * Runs `compute` on the inputs' values and output arrays of `outputShapes` that it must fill
 * entirely, and returns the outputs as tensors. On wasm the outputs are allocated before any
 * view is taken: an allocation may grow the heap, which detaches earlier views.
 */
export function computeOnHost(
  backend: unknown,
  inputs: tf.TensorInfo[],
  outputShapes: number[][],
  compute: (inputs: Float32Array[], outputs: Float32Array[]) => void
): tf.TensorInfo[] {
  const host = backend as HostBackend;
  const {makeOutput, typedArrayFromHeap} = host;
  if (makeOutput && typedArrayFromHeap) {
    const outputs = outputShapes.map((shape) => makeOutput.call(host, shape, "float32"));
    const view = (t: tf.TensorInfo) => typedArrayFromHeap.call(host, t);
    compute(inputs.map(view), outputs.map(view));
    return outputs;
  }
  const outputs = outputShapes.map((shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)));
  compute(inputs.map((t) => host.readSync(t.dataId) as Float32Array), outputs);
  return outputs.map((values, i) => ({dataId: host.write(values, outputShapes[i], "float32"), shape: outputShapes[i], dtype: "float32"}));
}

import * as tf from "@tensorflow/tfjs";

/** What a forward pass may use on the active backend before a study skips it. */
export interface MemoryLimits {
  readonly backend: string;
  /** Peak bytes allowed (the study's budget, never more than the backend can address). */
  readonly budgetBytes: number;
  /** The largest single tensor the backend can hold. */
  readonly maxTensorBytes: number;
  /** Where the tensor limit comes from, for the page's explanation. */
  readonly source: string;
}

const GiB = 2 ** 30;
// tfjs's wasm heap grows to 4 GiB at most (its emscripten build's getHeapMax), shared by every
// tensor; one allocation past half of it rarely finds room.
const WASM_HEAP = 4 * GiB;
// V8's typed arrays (the cpu backend's storage) reach 2^32 elements, but one 16 GiB array is
// no test of an encoder; the same 2 GiB as wasm keeps the two comparable.
const CPU_TENSOR = 2 * GiB;

interface WebGPULimits {
  maxStorageBufferBindingSize?: number;
  maxBufferSize?: number;
}

/**
 * The active backend's limits for a study run with `budgetBytes`: wasm's heap, WebGPU's
 * storage-buffer binding and buffer sizes, WebGL's largest texture (one float per texel).
 */
export function memoryLimits(budgetBytes: number): MemoryLimits {
  if (!(budgetBytes > 0 && Number.isFinite(budgetBytes))) throw new Error(`memoryLimits: budgetBytes must be a positive number, got ${budgetBytes}`);
  const backend = tf.getBackend();
  const within = (cap: number, maxTensorBytes: number, source: string): MemoryLimits => ({
    backend,
    budgetBytes: Math.min(budgetBytes, cap),
    maxTensorBytes: Math.min(maxTensorBytes, budgetBytes, cap),
    source
  });
  switch (backend) {
    case "wasm":
      return within(WASM_HEAP, WASM_HEAP / 2, "the WebAssembly heap (4 GiB at most, half of it for one tensor)");
    case "webgpu": {
      const limits = ((tf.backend() as unknown as {device?: {limits?: WebGPULimits}}).device?.limits ?? {}) as WebGPULimits;
      const binding = Math.min(limits.maxStorageBufferBindingSize ?? 128 * 2 ** 20, limits.maxBufferSize ?? Infinity);
      return within(Infinity, binding, `the GPU's largest storage buffer binding (${(binding / 2 ** 20).toFixed(0)} MiB)`);
    }
    case "webgl": {
      const side = tf.env().getNumber("WEBGL_MAX_TEXTURE_SIZE");
      return within(Infinity, side * side * 4, `the GPU's largest texture (${side}×${side} floats)`);
    }
    default:
      return within(Infinity, CPU_TENSOR, "JavaScript typed arrays (2 GiB per tensor here)");
  }
}

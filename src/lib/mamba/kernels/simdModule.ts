/**
 * What the hand-assembled WebAssembly kernels (scan, causal conv + SiLU) share on the JavaScript
 * side: synchronous instantiation, a zeroed arena of 16-byte-aligned regions in the module's own
 * memory, and copies of [rows, channels] arrays into it with channels padded to whole vectors.
 */

/** Whether this JavaScript engine validates the module (128-bit SIMD: every current browser and Node). */
export function validates(bytes: Uint8Array<ArrayBuffer>): boolean {
  return typeof WebAssembly === "object" && WebAssembly.validate(bytes);
}

/**
 * The module's exports, given env.memory when the module imports it. Synchronous compilation:
 * tfjs kernels are synchronous, and the modules are a few KB.
 */
export function instantiate(bytes: Uint8Array<ArrayBuffer>, memory?: WebAssembly.Memory): WebAssembly.Exports {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), memory ? {env: {memory}} : {}).exports;
}

/** A kernel module's two entry points and the memory they work in. */
export interface KernelInstance {
  memory: WebAssembly.Memory;
  forward: (...args: number[]) => void;
  backward: (...args: number[]) => void;
}

/**
 * One kernel's instances, compiled on first use: one with its own memory, and one per heap it
 * imports (the wasm backend's heap can be replaced when it grows, hence a weak map).
 * `build(importMemory)` assembles the module's bytes.
 */
export function kernelInstances(build: (importMemory: boolean) => Uint8Array<ArrayBuffer>) {
  const bytes = new Map<boolean, Uint8Array<ArrayBuffer>>();
  let own: KernelInstance | null = null;
  const onHeap = new WeakMap<WebAssembly.Memory, KernelInstance>();
  const moduleBytes = (importMemory: boolean) => {
    let b = bytes.get(importMemory);
    if (!b) bytes.set(importMemory, (b = build(importMemory)));
    return b;
  };
  return {
    /** Whether this JavaScript engine runs the module (128-bit SIMD: every current browser and Node). */
    supported: (): boolean => validates(moduleBytes(false)),
    /** The kernel with its own memory, or one working in `memory` (a heap it imports). */
    instance(memory?: WebAssembly.Memory): KernelInstance {
      const cached = memory ? onHeap.get(memory) : own;
      if (cached) return cached;
      const exports = instantiate(moduleBytes(!!memory), memory);
      const made = {
        memory: memory ?? (exports.memory as WebAssembly.Memory),
        forward: exports.forward as KernelInstance["forward"],
        backward: exports.backward as KernelInstance["backward"]
      };
      if (memory) onHeap.set(memory, made);
      else own = made;
      return made;
    }
  };
}

/**
 * The wasm backend's heap, where a kernel instance that imports it reads and writes tensors in
 * place instead of copying them into its own memory, and `scratch`, a region there for the
 * kernel's own buffers (not zeroed).
 */
export interface Heap {
  memory: WebAssembly.Memory;
  scratch: Float32Array;
}

/** Cache-line alignment of scratch regions on the heap, whose allocator aligns to 8 bytes only. */
const LINE = 64;

/** Floats of heap scratch to ask for to hold `bytes` of `layout` regions once aligned (placeAt). */
export function scratchFloats(bytes: number): number {
  return (bytes + LINE) / 4;
}

/**
 * Byte offsets of `layout` regions placed in `scratch` from its first cache-line boundary, and
 * those bytes zeroed: a vector that straddles two lines costs two accesses, and the kernels'
 * innermost loops load and store their states there.
 */
export function placeAt<K extends string>(mem: Float32Array, scratch: Float32Array, {at, bytes}: {at: Record<K, number>; bytes: number}): Record<K, number> {
  const base = Math.ceil(scratch.byteOffset / LINE) * LINE;
  if (base + bytes > scratch.byteOffset + scratch.byteLength) throw new Error("placeAt: the scratch region is too small");
  mem.fill(0, base / 4, (base + bytes) / 4);
  return Object.fromEntries(Object.entries<number>(at).map(([k, v]) => [k, base + v])) as Record<K, number>;
}

/** Byte offsets of named regions, each 16-byte aligned for vector loads. */
export function layout<K extends string>(sizes: Record<K, number>): {at: Record<K, number>; bytes: number} {
  let end = 0;
  const at = {} as Record<K, number>;
  for (const key of Object.keys(sizes) as K[]) {
    at[key] = end;
    end += Math.ceil(sizes[key] / 16) * 16;
  }
  return {at, bytes: end};
}

/** A zeroed float view over the first `bytes` of `memory`, grown if needed. */
export function arena(memory: WebAssembly.Memory, bytes: number): Float32Array {
  const missing = bytes - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / 65536));
  const mem = new Float32Array(memory.buffer, 0, bytes / 4);
  mem.fill(0);
  return mem;
}

/** Rows [first, first + count) of a [rows, channels] array into a [count, padded] region at `byteOffset`. */
export function putRows(mem: Float32Array, byteOffset: number, src: Float32Array, first: number, count: number, channels: number, padded: number): void {
  const base = byteOffset / 4;
  if (channels === padded) return void mem.set(src.subarray(first * channels, (first + count) * channels), base);
  for (let r = 0; r < count; r++) mem.set(src.subarray((first + r) * channels, (first + r + 1) * channels), base + r * padded);
}

/** The inverse of putRows. */
export function getRows(mem: Float32Array, byteOffset: number, dst: Float32Array, first: number, count: number, channels: number, padded: number): void {
  const base = byteOffset / 4;
  if (channels === padded) return void dst.set(mem.subarray(base, base + count * channels), first * channels);
  for (let r = 0; r < count; r++) dst.set(mem.subarray(base + r * padded, base + r * padded + channels), (first + r) * channels);
}

import {arena, getRows, kernelInstances, layout, placeAt, putRows, scratchFloats, type Heap, type KernelInstance} from "./simdModule.js";
import {BACKWARD_PARAMS, FORWARD_PARAMS, scanModuleBytes, type BackwardParam, type ForwardParam} from "./scanSimdCode.js";

/** Sizes of one selective scan: u is [batch, length, channels], A is [channels, state]. */
export interface ScanDims {
  batch: number;
  length: number;
  channels: number;
  state: number;
}

/** The scan's inputs as flat row-major float32 arrays (shapes as in selectiveScan). */
export interface ScanArrays {
  u: Float32Array;
  delta: Float32Array;
  A: Float32Array;
  B: Float32Array;
  C: Float32Array;
  D?: Float32Array;
  z?: Float32Array;
  deltaBias?: Float32Array;
}

/** Δ = softplus(delta + deltaBias) or delta + deltaBias as given; `reverse` runs the recurrence from the last position to the first. */
export interface ScanFlags {
  deltaSoftplus: boolean;
  reverse?: boolean;
}

/** Gradients of the loss with respect to each input present in ScanArrays. */
export type ScanGradArrays = Required<Pick<ScanArrays, "u" | "delta" | "A" | "B" | "C">> & Pick<ScanArrays, "D" | "z" | "deltaBias">;

/**
 * Positions per chunk of the backward's second sweep: a chunk's rows, decays and per-position
 * sums for all channel groups stay within L2 (~0.3 MB at 128 channels).
 */
const CHUNK = 64;

const kernels = kernelInstances(scanModuleBytes);

/** Whether this JavaScript engine runs WebAssembly with 128-bit SIMD (every current browser and Node). */
export const simdScanSupported = kernels.supported;

/** A [channels, state] matrix transposed into the kernel's [state, padded] layout. */
function putTransposed(mem: Float32Array, byteOffset: number, a: Float32Array, dims: ScanDims, padded: number): void {
  const base = byteOffset / 4;
  for (let d = 0; d < dims.channels; d++) for (let n = 0; n < dims.state; n++) mem[base + n * padded + d] = a[d * dims.state + n];
}

function regions(dims: ScanDims, padded: number) {
  const rows = dims.length * padded * 4;
  const seq = dims.length * dims.state * 4;
  const channels = padded * 4;
  return {rows, seq, channels, matrix: dims.state * padded * 4, vectors: dims.state * 16};
}

/**
 * Where the kernel finds sequence b of each [batch, length, ·] array. In place on the wasm
 * backend's heap when the channels fill whole vectors: `at` is sequence 0 of each tensor and
 * `step` the bytes to the next, so nothing is copied. Otherwise (the cpu backend, or padding
 * needed) one region per array in the kernel's own memory: `load` copies sequence b in, `store`
 * copies the outputs back. `at` also holds the kernel's own `scratch` regions (zeroed); `mem`
 * views its memory.
 */
interface Placement<R extends string, S extends string> {
  kernel: KernelInstance;
  mem: Float32Array;
  at: Record<R | S, number>;
  step: Partial<Record<R, number>>;
  load(b: number): void;
  store(b: number): void;
}

function place<R extends string, S extends string>(
  dims: ScanDims, padded: number, rows: Record<R, Float32Array | undefined>, outputs: readonly NoInfer<R>[], seqArrays: readonly NoInfer<R>[],
  scratch: Record<S, number>, heap?: Heap
): Placement<R, S> {
  const r = regions(dims, padded);
  const names = (Object.keys(rows) as R[]).filter((k) => rows[k] !== undefined);
  const sizeOf = (k: R) => (seqArrays.includes(k) ? r.seq : r.rows);
  if (heap && padded === dims.channels) {
    const kernel = kernels.instance(heap.memory);
    const mem = new Float32Array(heap.memory.buffer);
    const at = {...placeAt(mem, heap.scratch, layout(scratch)), ...Object.fromEntries(names.map((k) => [k, (rows[k] as Float32Array).byteOffset]))};
    const step = Object.fromEntries(names.map((k) => [k, sizeOf(k)])) as Partial<Record<R, number>>;
    return {kernel, mem, at: at as Record<R | S, number>, step, load: () => undefined, store: () => undefined};
  }
  const kernel = kernels.instance();
  const {at, bytes: total} = layout({...Object.fromEntries(names.map((k) => [k, sizeOf(k)])), ...scratch} as Record<R | S, number>);
  const mem = arena(kernel.memory, total);
  const copy = (k: R, b: number, into: boolean) => {
    const perRow = seqArrays.includes(k) ? dims.state : dims.channels;
    (into ? putRows : getRows)(mem, at[k], rows[k] as Float32Array, b * dims.length, dims.length, perRow, seqArrays.includes(k) ? perRow : padded);
  };
  const inputs = names.filter((k) => !outputs.includes(k));
  const written = names.filter((k) => outputs.includes(k));
  return {
    kernel, mem, at, step: {},
    load: (b) => inputs.forEach((k) => copy(k, b, true)),
    store: (b) => written.forEach((k) => copy(k, b, false))
  };
}

/** The kernel's arguments for sequence b: `args` in `params` order, each address in `step` moved on b sequences. */
function argumentsFor<P extends string>(params: readonly P[], args: Record<P, number>, step: Partial<Record<string, number>>): (b: number) => number[] {
  const list = params.map((k) => args[k]);
  const moving = params.flatMap((k, i) => (step[k] ? [[i, args[k], step[k]]] : []));
  return (b) => {
    for (const [i, base, bytes] of moving) list[i] = base + b * bytes;
    return list;
  };
}

/** y = selective scan of `x`, computed one sequence at a time (docs/method.md, "The selective scan (Mamba)"). */
export function scanForward(
  x: ScanArrays, dims: ScanDims, {deltaSoftplus, reverse = false}: ScanFlags, y: Float32Array = new Float32Array(dims.batch * dims.length * dims.channels), heap?: Heap
): Float32Array {
  const padded = Math.ceil(dims.channels / 4) * 4;
  const r = regions(dims, padded);
  const {kernel, mem, at, step, load, store} = place(
    dims, padded, {u: x.u, delta: x.delta, z: x.z, B: x.B, C: x.C, y}, ["y"], ["B", "C"],
    {At: r.matrix, D: r.channels, deltaBias: r.channels, h: r.vectors, zeros: r.rows}, heap
  );
  putTransposed(mem, at.At, x.A, dims, padded);
  if (x.D) mem.set(x.D, at.D / 4);
  if (x.deltaBias) mem.set(x.deltaBias, at.deltaBias / 4);
  // An absent z is never read (gate 0), but its address must still be a valid one.
  const first: Record<ForwardParam, number> = {
    ...at, z: x.z ? at.z : at.zeros,
    L: dims.length, rowBytes: padded * 4, N: dims.state, softplus: deltaSoftplus ? 1 : 0, gate: x.z ? 1 : 0, reverse: reverse ? 1 : 0
  };
  const args = argumentsFor(FORWARD_PARAMS, first, step);
  for (let b = 0; b < dims.batch; b++) {
    load(b);
    kernel.forward(...args(b));
    store(b);
  }
  return y;
}

function newGrads(x: ScanArrays, {batch, length: L, channels: D, state: N}: ScanDims): ScanGradArrays {
  const rows = () => new Float32Array(batch * L * D);
  return {
    u: rows(), delta: rows(), A: new Float32Array(D * N), B: new Float32Array(batch * L * N), C: new Float32Array(batch * L * N),
    ...(x.D ? {D: new Float32Array(D)} : {}), ...(x.z ? {z: rows()} : {}), ...(x.deltaBias ? {deltaBias: new Float32Array(D)} : {})
  };
}

/** Floats of scratch the kernels need on the wasm heap (Heap.scratch): the larger of forward's and backward's. */
export function scanScratchFloats(dims: ScanDims): number {
  const padded = Math.ceil(dims.channels / 4) * 4;
  return scratchFloats(layout(backwardScratch(dims, padded)).bytes);
}

function backwardScratch(dims: ScanDims, padded: number) {
  const r = regions(dims, padded);
  const chunks = Math.ceil(dims.length / CHUNK);
  return {
    dB4: r.seq * 4, dC4: r.seq * 4, At: r.matrix, dAt: r.matrix, D: r.channels, deltaBias: r.channels, dD: r.channels, ddeltaBias: r.channels,
    checkpoints: chunks * r.matrix, hs: (CHUNK + 1) * r.vectors, es: dims.length * r.matrix, dts: r.rows, ys: r.rows, adjoint: r.matrix,
    zeros: r.rows, sink: r.rows
  };
}

/** Gradients of Σ dy ⊙ y with respect to every input present in `x`, written into `grads` if given (each array is filled entirely). */
export function scanBackward(x: ScanArrays, dy: Float32Array, dims: ScanDims, {deltaSoftplus, reverse = false}: ScanFlags, grads = newGrads(x, dims), heap?: Heap): ScanGradArrays {
  const {batch, length: L, channels: D, state: N} = dims;
  const padded = Math.ceil(D / 4) * 4;
  const {kernel, mem, at, step, load, store} = place(
    dims, padded, {u: x.u, delta: x.delta, z: x.z, dy, B: x.B, C: x.C, du: grads.u, ddelta: grads.delta, dz: grads.z, dB: grads.B, dC: grads.C},
    ["du", "ddelta", "dz", "dB", "dC"], ["B", "C", "dB", "dC"], backwardScratch(dims, padded), heap
  );
  putTransposed(mem, at.At, x.A, dims, padded);
  if (x.D) mem.set(x.D, at.D / 4);
  if (x.deltaBias) mem.set(x.deltaBias, at.deltaBias / 4);
  // Without z the kernel neither reads z nor writes dz, but both need valid addresses.
  const first: Record<BackwardParam, number> = {
    ...at, z: x.z ? at.z : at.zeros, dz: x.z ? at.dz : at.sink,
    L, rowBytes: padded * 4, N, T: CHUNK, chunks: Math.ceil(L / CHUNK), softplus: deltaSoftplus ? 1 : 0, gate: x.z ? 1 : 0, reverse: reverse ? 1 : 0
  };
  const args = argumentsFor(BACKWARD_PARAMS, first, step);
  for (let b = 0; b < batch; b++) {
    load(b);
    kernel.backward(...args(b));
    store(b);
  }
  for (let d = 0; d < D; d++) for (let n = 0; n < N; n++) grads.A[d * N + n] = mem[at.dAt / 4 + n * padded + d];
  grads.D?.set(mem.subarray(at.dD / 4, at.dD / 4 + D));
  grads.deltaBias?.set(mem.subarray(at.ddeltaBias / 4, at.ddeltaBias / 4 + D));
  return grads;
}

import {arena, getRows, instantiate, layout, putRows, validates} from "./simdModule.js";
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

interface ScanInstance {
  memory: WebAssembly.Memory;
  forward: (...args: number[]) => void;
  backward: (...args: number[]) => void;
}

/**
 * Positions per chunk of the backward's second sweep: a chunk's rows, decays and per-position
 * sums for all channel groups stay within L2 (~0.3 MB at 128 channels).
 */
const CHUNK = 64;

let bytes: Uint8Array<ArrayBuffer> | null = null;
let instance: ScanInstance | null = null;

function moduleBytes(): Uint8Array<ArrayBuffer> {
  bytes ??= scanModuleBytes();
  return bytes;
}

/** Whether this JavaScript engine runs WebAssembly with 128-bit SIMD (every current browser and Node does). */
export function simdScanSupported(): boolean {
  return validates(moduleBytes());
}

function scanInstance(): ScanInstance {
  if (!instance) {
    const exports = instantiate(moduleBytes());
    instance = {
      memory: exports.memory as WebAssembly.Memory,
      forward: exports.forward as ScanInstance["forward"],
      backward: exports.backward as ScanInstance["backward"]
    };
  }
  return instance;
}

/** Sequence b of a [batch, length, channels] array into a [length, padded] region, and back. */
function putSequence(mem: Float32Array, byteOffset: number, src: Float32Array, b: number, dims: ScanDims, padded: number): void {
  putRows(mem, byteOffset, src, b * dims.length, dims.length, dims.channels, padded);
}

function getSequence(mem: Float32Array, byteOffset: number, dst: Float32Array, b: number, dims: ScanDims, padded: number): void {
  getRows(mem, byteOffset, dst, b * dims.length, dims.length, dims.channels, padded);
}

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

/** y = selective scan of `x`, computed one sequence at a time (docs/method.md, "The selective scan (Mamba)"). */
export function scanForward(x: ScanArrays, dims: ScanDims, {deltaSoftplus, reverse = false}: ScanFlags, y: Float32Array = new Float32Array(dims.batch * dims.length * dims.channels)): Float32Array {
  const kernel = scanInstance();
  const padded = Math.ceil(dims.channels / 4) * 4;
  const r = regions(dims, padded);
  const {at, bytes} = layout({
    u: r.rows, delta: r.rows, z: r.rows, y: r.rows, B: r.seq, C: r.seq,
    At: r.matrix, D: r.channels, deltaBias: r.channels, h: r.vectors
  });
  const mem = arena(kernel.memory, bytes);
  putTransposed(mem, at.At, x.A, dims, padded);
  if (x.D) mem.set(x.D, at.D / 4);
  if (x.deltaBias) mem.set(x.deltaBias, at.deltaBias / 4);
  const seqFloats = dims.length * dims.state;
  const args: Record<ForwardParam, number> = {
    ...at, L: dims.length, rowBytes: padded * 4, N: dims.state, softplus: deltaSoftplus ? 1 : 0, gate: x.z ? 1 : 0, reverse: reverse ? 1 : 0
  };
  for (let b = 0; b < dims.batch; b++) {
    putSequence(mem, at.u, x.u, b, dims, padded);
    putSequence(mem, at.delta, x.delta, b, dims, padded);
    if (x.z) putSequence(mem, at.z, x.z, b, dims, padded);
    mem.set(x.B.subarray(b * seqFloats, (b + 1) * seqFloats), at.B / 4);
    mem.set(x.C.subarray(b * seqFloats, (b + 1) * seqFloats), at.C / 4);
    kernel.forward(...FORWARD_PARAMS.map((k) => args[k]));
    getSequence(mem, at.y, y, b, dims, padded);
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

/** Gradients of Σ dy ⊙ y with respect to every input present in `x`, written into `grads` if given (each array is filled entirely). */
export function scanBackward(x: ScanArrays, dy: Float32Array, dims: ScanDims, {deltaSoftplus, reverse = false}: ScanFlags, grads = newGrads(x, dims)): ScanGradArrays {
  const kernel = scanInstance();
  const {batch, length: L, channels: D, state: N} = dims;
  const padded = Math.ceil(D / 4) * 4;
  const r = regions(dims, padded);
  const chunks = Math.ceil(L / CHUNK);
  const {at, bytes} = layout({
    u: r.rows, delta: r.rows, z: r.rows, dy: r.rows, du: r.rows, ddelta: r.rows, dz: r.rows,
    B: r.seq, C: r.seq, dB4: r.seq * 4, dC4: r.seq * 4,
    At: r.matrix, dAt: r.matrix, D: r.channels, deltaBias: r.channels, dD: r.channels, ddeltaBias: r.channels,
    checkpoints: chunks * r.matrix, hs: (CHUNK + 1) * r.vectors, es: L * r.matrix, dts: r.rows, ys: r.rows, adjoint: r.matrix
  });
  const mem = arena(kernel.memory, bytes);
  putTransposed(mem, at.At, x.A, dims, padded);
  if (x.D) mem.set(x.D, at.D / 4);
  if (x.deltaBias) mem.set(x.deltaBias, at.deltaBias / 4);
  const seqFloats = L * N;
  const args: Record<BackwardParam, number> = {
    ...at, L, rowBytes: padded * 4, N, T: CHUNK, chunks, softplus: deltaSoftplus ? 1 : 0, gate: x.z ? 1 : 0, reverse: reverse ? 1 : 0
  };
  for (let b = 0; b < batch; b++) {
    putSequence(mem, at.u, x.u, b, dims, padded);
    putSequence(mem, at.delta, x.delta, b, dims, padded);
    putSequence(mem, at.dy, dy, b, dims, padded);
    if (x.z) putSequence(mem, at.z, x.z, b, dims, padded);
    mem.set(x.B.subarray(b * seqFloats, (b + 1) * seqFloats), at.B / 4);
    mem.set(x.C.subarray(b * seqFloats, (b + 1) * seqFloats), at.C / 4);
    mem.fill(0, at.dB4 / 4, at.dB4 / 4 + seqFloats * 4);
    mem.fill(0, at.dC4 / 4, at.dC4 / 4 + seqFloats * 4);
    kernel.backward(...BACKWARD_PARAMS.map((k) => args[k]));
    getSequence(mem, at.du, grads.u, b, dims, padded);
    getSequence(mem, at.ddelta, grads.delta, b, dims, padded);
    if (grads.z) getSequence(mem, at.dz, grads.z, b, dims, padded);
    for (let i = 0; i < seqFloats; i++) {
      const lanes = i * 4;
      grads.B[b * seqFloats + i] = mem[at.dB4 / 4 + lanes] + mem[at.dB4 / 4 + lanes + 1] + mem[at.dB4 / 4 + lanes + 2] + mem[at.dB4 / 4 + lanes + 3];
      grads.C[b * seqFloats + i] = mem[at.dC4 / 4 + lanes] + mem[at.dC4 / 4 + lanes + 1] + mem[at.dC4 / 4 + lanes + 2] + mem[at.dC4 / 4 + lanes + 3];
    }
  }
  for (let d = 0; d < D; d++) for (let n = 0; n < N; n++) grads.A[d * N + n] = mem[at.dAt / 4 + n * padded + d];
  grads.D?.set(mem.subarray(at.dD / 4, at.dD / 4 + D));
  grads.deltaBias?.set(mem.subarray(at.ddeltaBias / 4, at.ddeltaBias / 4 + D));
  return grads;
}

import {BACKWARD_PARAMS, convSiluModuleBytes, FORWARD_PARAMS, type BackwardParam, type ForwardParam} from "./convSiluSimdCode.js";
import {arena, getRows, instantiate, layout, putRows, validates} from "./simdModule.js";

/** Sizes of one causal conv + SiLU: x is [sequences, length, channels], the weight [kernel, channels]. */
export interface ConvDims {
  sequences: number;
  length: number;
  channels: number;
  kernel: number;
}

/** `reverse`: the conv runs from the last position to the first (anti-causal), in place. */
export interface ConvFlags {
  reverse?: boolean;
}

export interface ConvGradArrays {
  x: Float32Array;
  weight: Float32Array;
  bias: Float32Array;
}

interface ConvInstance {
  memory: WebAssembly.Memory;
  forward: (...args: number[]) => void;
  backward: (...args: number[]) => void;
}

let bytes: Uint8Array<ArrayBuffer> | null = null;
let instance: ConvInstance | null = null;

function moduleBytes(): Uint8Array<ArrayBuffer> {
  bytes ??= convSiluModuleBytes();
  return bytes;
}

export function simdConvSupported(): boolean {
  return validates(moduleBytes());
}

function convInstance(): ConvInstance {
  if (!instance) {
    const exports = instantiate(moduleBytes());
    instance = {memory: exports.memory as WebAssembly.Memory, forward: exports.forward as ConvInstance["forward"], backward: exports.backward as ConvInstance["backward"]};
  }
  return instance;
}

/**
 * An arena with the weight and bias copied in, one [sequences · length, padded] region per name in
 * `rowRegions`, and the weight- and bias-sized regions named in `paramRegions`.
 */
function prepare(kernel: ConvInstance, dims: ConvDims, flags: ConvFlags, weight: Float32Array, bias: Float32Array, rowRegions: string[], paramRegions: string[] = []) {
  const padded = Math.ceil(dims.channels / 4) * 4;
  const rowsTotal = dims.sequences * dims.length;
  const sizes: Record<string, number> = {};
  for (const key of ["w", ...paramRegions.filter((k) => k !== "dbias")]) sizes[key] = dims.kernel * padded * 4;
  for (const key of ["bias", ...paramRegions.filter((k) => k === "dbias")]) sizes[key] = padded * 4;
  for (const key of rowRegions) sizes[key] = rowsTotal * padded * 4;
  const {at, bytes: total} = layout(sizes);
  const mem = arena(kernel.memory, total);
  putRows(mem, at.w, weight, 0, dims.kernel, dims.channels, padded);
  mem.set(bias, at.bias / 4);
  const sizeArgs = {sequences: dims.sequences, L: dims.length, rowBytes: padded * 4, K: dims.kernel, reverse: flags.reverse ? 1 : 0};
  return {mem, at, padded, rowsTotal, sizeArgs};
}

/** u = silu(causal depthwise conv of x + bias), [sequences, length, channels]. */
export function convSiluForward(
  x: Float32Array, weight: Float32Array, bias: Float32Array, dims: ConvDims, flags: ConvFlags = {}, y: Float32Array = new Float32Array(x.length)
): Float32Array {
  const kernel = convInstance();
  const {mem, at, padded, rowsTotal, sizeArgs} = prepare(kernel, dims, flags, weight, bias, ["x", "y"]);
  putRows(mem, at.x, x, 0, rowsTotal, dims.channels, padded);
  const args = {...at, ...sizeArgs} as Record<ForwardParam, number>;
  kernel.forward(...FORWARD_PARAMS.map((k) => args[k]));
  getRows(mem, at.y, y, 0, rowsTotal, dims.channels, padded);
  return y;
}

/** Gradients of Σ dy ⊙ u with respect to x, the weight and the bias, written into `grads` if given. */
export function convSiluBackward(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  dy: Float32Array,
  dims: ConvDims,
  flags: ConvFlags = {},
  grads: ConvGradArrays = {x: new Float32Array(x.length), weight: new Float32Array(weight.length), bias: new Float32Array(bias.length)}
): ConvGradArrays {
  const kernel = convInstance();
  const {channels, kernel: K} = dims;
  const {mem, at, padded, rowsTotal, sizeArgs} = prepare(kernel, dims, flags, weight, bias, ["x", "dy", "dx"], ["dw", "dbias"]);
  putRows(mem, at.x, x, 0, rowsTotal, channels, padded);
  putRows(mem, at.dy, dy, 0, rowsTotal, channels, padded);
  const args = {...at, ...sizeArgs} as Record<BackwardParam, number>;
  kernel.backward(...BACKWARD_PARAMS.map((k) => args[k]));
  grads.bias.set(mem.subarray(at.dbias / 4, at.dbias / 4 + channels));
  getRows(mem, at.dx, grads.x, 0, rowsTotal, channels, padded);
  getRows(mem, at.dw, grads.weight, 0, K, channels, padded);
  return grads;
}

import {BACKWARD_PARAMS, convSiluModuleBytes, FORWARD_PARAMS, type BackwardParam, type ForwardParam} from "./convSiluSimdCode.js";
import {arena, getRows, kernelInstances, layout, placeAt, putRows, scratchFloats, type Heap, type KernelInstance} from "./simdModule.js";

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

const kernels = kernelInstances(convSiluModuleBytes);

export const simdConvSupported = kernels.supported;

/** The weight-, bias- and (backward) gradient-sized regions of one call. */
function paramRegions(dims: ConvDims, backward: boolean): Record<string, number> {
  const padded = Math.ceil(dims.channels / 4) * 4;
  const [matrix, vector] = [dims.kernel * padded * 4, padded * 4];
  return backward ? {w: matrix, bias: vector, dw: matrix, dbias: vector} : {w: matrix, bias: vector};
}

/** Floats of scratch the kernels need on the wasm heap (Heap.scratch): the backward's, the larger. */
export function convScratchFloats(dims: ConvDims): number {
  return scratchFloats(layout(paramRegions(dims, true)).bytes);
}

/**
 * The kernel's addresses for one call, the weight and bias copied in and the `outputs` zeroed
 * (the backward accumulates into dx). The [sequences · length, channels] arrays in `rows` stay
 * where they are on the wasm heap when the channels fill whole vectors; otherwise they are
 * copied into the kernel's own memory, padded, and `finish` copies the outputs back.
 */
function prepare(dims: ConvDims, flags: ConvFlags, weight: Float32Array, bias: Float32Array, rows: Record<string, Float32Array>, outputs: string[], backward: boolean, heap?: Heap) {
  const padded = Math.ceil(dims.channels / 4) * 4;
  const rowsTotal = dims.sequences * dims.length;
  const params = paramRegions(dims, backward);
  const sizeArgs = {sequences: dims.sequences, L: dims.length, rowBytes: padded * 4, K: dims.kernel, reverse: flags.reverse ? 1 : 0};
  let kernel: KernelInstance;
  let mem: Float32Array;
  let at: Record<string, number>;
  let finish: () => void = () => {};
  if (heap && padded === dims.channels) {
    kernel = kernels.instance(heap.memory);
    mem = new Float32Array(heap.memory.buffer);
    at = placeAt(mem, heap.scratch, layout(params));
    for (const [k, array] of Object.entries(rows)) at[k] = array.byteOffset;
    for (const k of outputs) rows[k].fill(0);
  } else {
    kernel = kernels.instance();
    const sizes = {...params, ...Object.fromEntries(Object.keys(rows).map((k) => [k, rowsTotal * padded * 4]))};
    const regions = layout(sizes);
    at = regions.at;
    mem = arena(kernel.memory, regions.bytes);
    for (const [k, array] of Object.entries(rows)) if (!outputs.includes(k)) putRows(mem, at[k], array, 0, rowsTotal, dims.channels, padded);
    finish = () => {
      for (const k of outputs) getRows(mem, at[k], rows[k], 0, rowsTotal, dims.channels, padded);
    };
  }
  putRows(mem, at.w, weight, 0, dims.kernel, dims.channels, padded);
  mem.set(bias, at.bias / 4);
  return {kernel, mem, at, padded, sizeArgs, finish};
}

/** u = silu(causal depthwise conv of x + bias), [sequences, length, channels]. */
export function convSiluForward(
  x: Float32Array, weight: Float32Array, bias: Float32Array, dims: ConvDims, flags: ConvFlags = {}, y: Float32Array = new Float32Array(x.length), heap?: Heap
): Float32Array {
  const {kernel, at, sizeArgs, finish} = prepare(dims, flags, weight, bias, {x, y}, ["y"], false, heap);
  const args = {...at, ...sizeArgs} as Record<ForwardParam, number>;
  kernel.forward(...FORWARD_PARAMS.map((k) => args[k]));
  finish();
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
  grads: ConvGradArrays = {x: new Float32Array(x.length), weight: new Float32Array(weight.length), bias: new Float32Array(bias.length)},
  heap?: Heap
): ConvGradArrays {
  const {channels, kernel: K} = dims;
  const {kernel, mem, at, padded, sizeArgs, finish} = prepare(dims, flags, weight, bias, {x, dy, dx: grads.x}, ["dx"], true, heap);
  const args = {...at, ...sizeArgs} as Record<BackwardParam, number>;
  kernel.backward(...BACKWARD_PARAMS.map((k) => args[k]));
  finish();
  grads.bias.set(mem.subarray(at.dbias / 4, at.dbias / 4 + channels));
  getRows(mem, at.dw, grads.weight, 0, K, channels, padded);
  return grads;
}

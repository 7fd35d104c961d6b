import {backend_util, slice_util, util, type KernelFunc, type NamedAttrMap, type TensorInfo} from "@tensorflow/tfjs";
import type {BackendWasm} from "@tensorflow/tfjs-backend-wasm";

/*
 * tfjs-backend-wasm 4.22 moves data for Slice, SplitV, Unpack, Concat and Pack in JavaScript, one
 * fresh subarray per row, and its Slice first copies the whole input out of the heap (readSync)
 * however small the slice; Reverse computes every element's index in C. Splitting attention's
 * [4160,384] q/k/v projection took 24 ms, concatenating its gradient 11 ms, and Vim's flips of
 * [64,65,128] a fifth of its step. Here every contiguous run (the innermost axes taken whole,
 * plus the first partial axis above them) moves with one copyWithin inside the heap.
 */

type Heap = Float32Array | Int32Array | Uint8Array;

function heapOf(backend: BackendWasm, dtype: string): Heap {
  const buffer = (backend.wasm as unknown as {HEAPU8: Uint8Array}).HEAPU8.buffer;
  if (dtype === "float32") return new Float32Array(buffer);
  if (dtype === "int32") return new Int32Array(buffer);
  return new Uint8Array(buffer);
}

/** x[start : start + extent] as a new tensor; `start` and `extent` already resolved. */
function copySlice(backend: BackendWasm, x: TensorInfo, start: number[], extent: number[]): TensorInfo {
  const out = backend.makeOutput(extent, x.dtype);
  if (util.sizeFromShape(extent) === 0) return out;
  // The heap view is taken after makeOutput: an allocation may grow (and so replace) the heap.
  const heap = heapOf(backend, x.dtype);
  const from0 = backend.dataIdMap.get(x.dataId)!.memoryOffset / heap.BYTES_PER_ELEMENT;
  const to0 = backend.dataIdMap.get(out.dataId)!.memoryOffset / heap.BYTES_PER_ELEMENT;
  const rank = x.shape.length;
  const strides = [...util.computeStrides(x.shape), 1];
  let axis = rank - 1;
  while (axis > 0 && start[axis] === 0 && extent[axis] === x.shape[axis]) axis--;
  const run = rank === 0 ? 1 : util.sizeFromShape(extent.slice(axis));
  const outer = extent.slice(0, Math.max(axis, 0));
  const index = new Array<number>(outer.length).fill(0);
  const rows = util.sizeFromShape(outer);
  const base = rank === 0 ? 0 : start[axis] * strides[axis];
  for (let row = 0; row < rows; row++) {
    let from = from0 + base;
    for (let d = 0; d < outer.length; d++) from += (start[d] + index[d]) * strides[d];
    heap.copyWithin(to0 + row * run, from, from + run);
    for (let d = outer.length - 1; d >= 0 && ++index[d] === outer[d]; d--) index[d] = 0;
  }
  return out;
}

/** Concatenates float/int/bool tensors along `axis` into a new tensor of `outShape`. */
function copyConcat(backend: BackendWasm, inputs: TensorInfo[], axis: number, outShape: number[]): TensorInfo {
  const out = backend.makeOutput(outShape, inputs[0].dtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  const heap = heapOf(backend, out.dtype);
  const at = (t: TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset / heap.BYTES_PER_ELEMENT;
  const rows = util.sizeFromShape(outShape.slice(0, axis));
  const runs = inputs.map((t) => util.sizeFromShape(t.shape.slice(axis)));
  const width = runs.reduce((p, q) => p + q, 0);
  let to = at(out);
  inputs.forEach((t, i) => {
    const from = at(t);
    for (let row = 0; row < rows; row++) heap.copyWithin(to + row * width, from + row * runs[i], from + (row + 1) * runs[i]);
    to += runs[i];
  });
  return out;
}

/** Wraps the stock wasm Concat: same results, copied in place. */
export function fastConcatWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    if (inputs[0].dtype === "string") return stock(args);
    const {axis} = args.attrs as NamedAttrMap & {axis: number};
    const along = util.parseAxisParam(axis, inputs[0].shape)[0];
    const outShape = backend_util.computeOutShape(inputs.map((t) => t.shape), along);
    return copyConcat(args.backend as BackendWasm, inputs, along, outShape);
  };
}

/** Wraps the stock wasm Pack (tf.stack): a concat along a new axis, copied in place. */
export function fastPackWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    if (inputs[0].dtype === "string" || inputs.some((t) => !util.arraysEqual(t.shape, inputs[0].shape) || t.dtype !== inputs[0].dtype)) {
      return stock(args);
    }
    const {axis} = args.attrs as NamedAttrMap & {axis: number};
    const along = axis < 0 ? axis + inputs[0].shape.length + 1 : axis;
    const expand = (t: TensorInfo): TensorInfo => ({...t, shape: [...t.shape.slice(0, along), 1, ...t.shape.slice(along)]});
    const outShape = [...inputs[0].shape.slice(0, along), inputs.length, ...inputs[0].shape.slice(along)];
    return copyConcat(args.backend as BackendWasm, inputs.map(expand), along, outShape);
  };
}

/** Wraps the stock wasm Slice: same results, copied in place. */
export function fastSliceWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const {x} = args.inputs as {x: TensorInfo};
    if (x.dtype === "string") return stock(args);
    const {begin, size} = args.attrs as NamedAttrMap & {begin: number | number[]; size: number | number[]};
    const [start, extent] = slice_util.parseSliceParams(x as never, begin, size);
    return copySlice(args.backend as BackendWasm, x, start, extent);
  };
}

/** Wraps the stock wasm SplitV: one in-place slice per output. */
export function fastSplitVWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const {x} = args.inputs as {x: TensorInfo};
    if (x.dtype === "string") return stock(args);
    const {numOrSizeSplits, axis} = args.attrs as NamedAttrMap & {numOrSizeSplits: number | number[]; axis: number};
    const along = util.parseAxisParam(axis, x.shape)[0];
    const start = new Array<number>(x.shape.length).fill(0);
    return backend_util.prepareSplitSize(x as never, numOrSizeSplits, along).map((size) => {
      const extent = [...x.shape];
      extent[along] = size;
      const piece = copySlice(args.backend as BackendWasm, x, [...start], extent);
      start[along] += size;
      return piece;
    });
  };
}

/** Wraps the stock wasm Unpack (tf.unstack): one in-place slice per output, its axis dropped. */
export function fastUnpackWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const {value} = args.inputs as {value: TensorInfo};
    if (value.dtype === "string") return stock(args);
    const {axis} = args.attrs as NamedAttrMap & {axis: number};
    const along = axis < 0 ? axis + value.shape.length : axis;
    const extent = [...value.shape];
    extent[along] = 1;
    const shape = value.shape.filter((_, i) => i !== along);
    return Array.from({length: value.shape[along]}, (_, i) => {
      const start = new Array<number>(value.shape.length).fill(0);
      start[along] = i;
      const piece = copySlice(args.backend as BackendWasm, value, start, extent);
      return {...piece, shape};
    });
  };
}

/** Wraps the stock wasm Reverse: when the last axis stays in order, rows move with copyWithin. */
export function fastReverseWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const {x} = args.inputs as {x: TensorInfo};
    const {dims} = args.attrs as NamedAttrMap & {dims: number | number[]};
    const rank = x.shape.length;
    const axes = util.parseAxisParam(dims, x.shape);
    if (x.dtype === "string" || rank === 0 || axes.length === 0 || axes.includes(rank - 1)) return stock(args);
    const backend = args.backend as BackendWasm;
    const out = backend.makeOutput(x.shape, x.dtype);
    if (util.sizeFromShape(x.shape) === 0) return out;
    const heap = heapOf(backend, x.dtype);
    const from0 = backend.dataIdMap.get(x.dataId)!.memoryOffset / heap.BYTES_PER_ELEMENT;
    const to0 = backend.dataIdMap.get(out.dataId)!.memoryOffset / heap.BYTES_PER_ELEMENT;
    const last = Math.max(...axes);
    const outer = x.shape.slice(0, last + 1);
    const strides = util.computeStrides(x.shape);
    const run = util.sizeFromShape(x.shape.slice(last + 1));
    const flipped = outer.map((_, d) => axes.includes(d));
    const index = new Array<number>(outer.length).fill(0);
    const rows = util.sizeFromShape(outer);
    for (let row = 0; row < rows; row++) {
      let from = from0;
      for (let d = 0; d < outer.length; d++) from += (flipped[d] ? outer[d] - 1 - index[d] : index[d]) * strides[d];
      heap.copyWithin(to0 + row * run, from, from + run);
      for (let d = outer.length - 1; d >= 0 && ++index[d] === outer[d]; d--) index[d] = 0;
    }
    return out;
  };
}

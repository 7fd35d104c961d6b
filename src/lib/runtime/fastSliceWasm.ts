import {slice_util, util, type KernelFunc, type NamedAttrMap, type TensorInfo} from "@tensorflow/tfjs";
import type {BackendWasm} from "@tensorflow/tfjs-backend-wasm";

/*
 * tfjs-backend-wasm 4.22's Slice first copies its whole input out of the wasm heap (readSync),
 * however small the slice: tf.unstack of a [3,64,4,65,32] q/k/v tensor took 15 ms, and a
 * shifted-slice convolution pays a full copy per tap. This kernel reads the heap in place,
 * copying runs as long as the slice allows (trailing axes taken whole fold into one run).
 */

/** Wraps the stock wasm Slice: same results, without the copy of the input. */
export function fastSliceWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const {x} = args.inputs as {x: TensorInfo};
    const {begin, size} = args.attrs as NamedAttrMap & {begin: number | number[]; size: number | number[]};
    if (x.dtype === "string") return stock(args);
    const backend = args.backend as BackendWasm;
    const [start, extent] = slice_util.parseSliceParams(x as never, begin, size);
    const out = backend.makeOutput(extent, x.dtype);
    if (util.sizeFromShape(extent) === 0) return out;
    // Views onto the heap only after makeOutput: an allocation may grow (and so detach) it.
    const source = backend.typedArrayFromHeap(x);
    const target = backend.typedArrayFromHeap(out);
    const strides = [...util.computeStrides(x.shape), 1];
    // The run: the innermost axes copied whole, plus the first partial axis above them.
    let axis = x.shape.length - 1;
    while (axis > 0 && start[axis] === 0 && extent[axis] === x.shape[axis]) axis--;
    const run = axis < 0 ? 1 : extent.slice(axis).reduce((p, s) => p * s, 1);
    const outer = extent.slice(0, Math.max(axis, 0));
    const index = new Array<number>(outer.length).fill(0);
    const rows = util.sizeFromShape(outer);
    for (let row = 0, written = 0; row < rows; row++, written += run) {
      let from = axis < 0 ? 0 : start[axis] * strides[axis];
      for (let d = 0; d < outer.length; d++) from += (start[d] + index[d]) * strides[d];
      target.set(source.subarray(from, from + run), written);
      for (let d = outer.length - 1; d >= 0 && ++index[d] === outer[d]; d--) index[d] = 0;
    }
    return out;
  };
}

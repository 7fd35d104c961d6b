import {backend_util, util, type KernelFunc, type NamedAttrMap, type TensorInfo} from "@tensorflow/tfjs";
import type {BackendWasm} from "@tensorflow/tfjs-backend-wasm";
import {operand, xnnMatMul} from "./fastMatMulWasm.js";

/*
 * tfjs-backend-wasm 4.22 sums over leading axes (every bias and norm-gain gradient) by
 * transposing the input so they become innermost, then summing: 4.2 ms for [4160,512] over
 * axis 0. As a matMul, ones[1,R]·x[R,C] on XNNPACK, it takes 0.4 ms.
 */

/** Wraps the stock wasm Sum: a float32 sum over leading axes becomes one XNNPACK matMul. */
export function fastSumWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const {x} = args.inputs as {x: TensorInfo};
    const {axis, keepDims} = args.attrs as NamedAttrMap & {axis: number | number[]; keepDims: boolean};
    const axes = util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const leading = axes.every((a, i) => a === i) && axes.length < x.shape.length;
    if (x.dtype !== "float32" || axes.length === 0 || !leading || util.sizeFromShape(x.shape) === 0) return stock(args);
    const backend = args.backend as BackendWasm;
    const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
    const cols = util.sizeFromShape(x.shape.slice(axes.length));
    const ones = backend.makeOutput([1, rows], "float32", undefined, new Float32Array(rows).fill(1));
    const outShape = x.shape.slice(axes.length);
    const out = backend.makeOutput(keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape, "float32");
    try {
      xnnMatMul(backend, operand(backend, ones, 0, 1, rows), operand(backend, x, 0, rows, cols), operand(backend, out, 0, 1, cols));
    } finally {
      backend.disposeData(ones.dataId);
    }
    return out;
  };
}

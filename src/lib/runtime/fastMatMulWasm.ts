import {broadcast_util, getKernel, util, type KernelFunc, type NamedAttrMap, type TensorInfo} from "@tensorflow/tfjs";
import type {BackendWasm} from "@tensorflow/tfjs-backend-wasm";

/*
 * tfjs-backend-wasm 4.22 sends a BatchMatMul to XNNPACK's fast fully-connected kernel only when
 * neither side is transposed and both have a batch of one; everything else (every transposed
 * form, hence matMul's whole backward pass, and attention's batched q·kᵀ and p·v) runs a naive
 * loop ~10× slower (measured: [4160×128]·[128×384] 16 ms plain, 179 ms with transposeB;
 * 256 × [65×32]·[32×65] 33 ms batched, 8 ms as 256 single calls). This kernel transposes
 * explicitly, then calls the fast path once per output batch on zero-copy views of the operands
 * in the wasm heap, or once in all when the right operand is shared (x[b,t,k]·W[k,n]).
 */

/** The C entry point of the wasm BatchMatMul kernel, as the stock kernel cwraps it. */
type WasmBatchMatMul = (
  aId: number,
  aShape: Uint8Array,
  aRank: number,
  bId: number,
  bShape: Uint8Array,
  bRank: number,
  transposeA: boolean,
  transposeB: boolean,
  outId: number
) => void;

interface CwrapModule {
  cwrap(name: string, returns: null, args: string[]): WasmBatchMatMul;
}

const entryPoints = new WeakMap<BackendWasm, WasmBatchMatMul>();

function entryPoint(backend: BackendWasm): WasmBatchMatMul {
  let f = entryPoints.get(backend);
  if (!f) {
    const args = ["number", "array", "number", "number", "array", "number", "number", "number", "number"];
    f = (backend.wasm as unknown as CwrapModule).cwrap("BatchMatMul", null, args);
    entryPoints.set(backend, f);
  }
  return f;
}

// Operands are registered and disposed around each XNNPACK call, so three fixed ids suffice. They
// sit far above the backend's own counter (from 1, one per tensor), so no real tensor has them.
const VIEW_IDS = [0x7ff00001, 0x7ff00002, 0x7ff00003] as const;
const BYTES = 4;

/** A float32 matrix [rows, cols] at a byte offset in the wasm heap. */
export interface Operand {
  offset: number;
  rows: number;
  cols: number;
}

/** Rows × cols of `x`'s data starting at matrix `index` (each rows·cols long). */
export function operand(backend: BackendWasm, x: TensorInfo, index: number, rows: number, cols: number): Operand {
  return {offset: backend.dataIdMap.get(x.dataId)!.memoryOffset + index * rows * cols * BYTES, rows, cols};
}

function shapeBytes(rows: number, cols: number): Uint8Array {
  return new Uint8Array(new Int32Array([1, rows, cols]).buffer);
}

/**
 * out = a·b through XNNPACK, on operands registered under temporary ids. Never a tensor's own
 * id: XNNPACK caches its packing of b by id alone, not shape, so a tensor used again under another
 * [rows, cols] split (after a reshape, or by fastSumWasm) would reuse a wrong packing. Training
 * makes every right operand anew each step anyway; a frozen model repacks its weights, a K×N copy.
 */
export function xnnMatMul(backend: BackendWasm, a: Operand, b: Operand, out: Operand): void {
  const [aId, bId, outId] = VIEW_IDS;
  backend.wasm.tfjs.registerTensor(aId, a.rows * a.cols, a.offset);
  backend.wasm.tfjs.registerTensor(bId, b.rows * b.cols, b.offset);
  backend.wasm.tfjs.registerTensor(outId, out.rows * out.cols, out.offset);
  try {
    entryPoint(backend)(aId, shapeBytes(a.rows, a.cols), 3, bId, shapeBytes(b.rows, b.cols), 3, false, false, outId);
  } finally {
    for (const id of VIEW_IDS) backend.wasm.tfjs.disposeData(id);
  }
}

/** Transposes the last two axes with the backend's own Transpose kernel. */
function transposeLastTwo(x: TensorInfo, backend: BackendWasm): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  const transpose = getKernel("Transpose", "wasm");
  if (!transpose) throw new Error("fastMatMulWasm: the wasm backend has no Transpose kernel");
  return transpose.kernelFunc({inputs: {x}, backend, attrs: {perm}}) as TensorInfo;
}

/** Flat index into a batch of shape `from` for the flat index `i` of its broadcast `to`. */
function broadcastIndex(i: number, to: number[], from: number[]): number {
  let index = 0;
  let stride = 1;
  for (let axis = to.length - 1, f = from.length - 1; axis >= 0; axis--, f--) {
    const coord = i % to[axis];
    i = Math.floor(i / to[axis]);
    if (f >= 0) {
      if (from[f] !== 1) index += coord * stride;
      stride *= from[f];
    }
  }
  return index;
}

/** Wraps the stock wasm BatchMatMul: same inputs, attributes and results, without its slow loop. */
export function fastBatchMatMulWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const {a, b} = args.inputs as {a: TensorInfo; b: TensorInfo};
    const {transposeA, transposeB} = args.attrs as NamedAttrMap & {transposeA: boolean; transposeB: boolean};
    const backend = args.backend as BackendWasm;
    const empty = util.sizeFromShape(a.shape) === 0 || util.sizeFromShape(b.shape) === 0;
    if (a.dtype !== "float32" || b.dtype !== "float32" || empty || a.shape.length < 2 || b.shape.length < 2) {
      return stock(args);
    }
    const temporaries: TensorInfo[] = [];
    const plain = (x: TensorInfo, transposed: boolean): TensorInfo => {
      if (!transposed) return x;
      const t = transposeLastTwo(x, backend);
      temporaries.push(t);
      return t;
    };
    try {
      const left = plain(a, transposeA);
      const right = plain(b, transposeB);
      const [m, k] = left.shape.slice(-2);
      const [kRight, n] = right.shape.slice(-2);
      if (k !== kRight) {
        throw new Error(
          `matMul: inner dimensions ${k} and ${kRight} of shapes [${a.shape}] and [${b.shape}] ` +
            `(transposeA=${transposeA}, transposeB=${transposeB}) must match`
        );
      }
      const leftBatch = left.shape.slice(0, -2);
      const rightBatch = right.shape.slice(0, -2);
      const outBatch = broadcast_util.assertAndGetBroadcastShape(leftBatch, rightBatch);
      const out = backend.makeOutput([...outBatch, m, n], "float32");
      const leftCount = util.sizeFromShape(leftBatch);
      const outCount = util.sizeFromShape(outBatch);
      if (util.sizeFromShape(rightBatch) === 1) {
        // One shared right operand: all left batches stack into one tall matrix.
        xnnMatMul(
          backend,
          operand(backend, left, 0, leftCount * m, k),
          operand(backend, right, 0, k, n),
          operand(backend, out, 0, outCount * m, n)
        );
      } else {
        for (let i = 0; i < outCount; i++) {
          xnnMatMul(
            backend,
            operand(backend, left, broadcastIndex(i, outBatch, leftBatch), m, k),
            operand(backend, right, broadcastIndex(i, outBatch, rightBatch), k, n),
            operand(backend, out, i, m, n)
          );
        }
      }
      return out;
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
}

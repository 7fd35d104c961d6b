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

/** A float32 matrix [rows, cols] at a byte offset in the wasm heap; `id` when it is a whole tensor. */
interface Operand {
  offset: number;
  rows: number;
  cols: number;
  id?: number;
}

/**
 * Rows × cols of `x`'s data starting at matrix `index` (each rows·cols long). A whole tensor split
 * as [size / last axis, last axis] keeps its own id, as the stock kernel passes it: XNNPACK caches
 * the packing of a right operand by id alone, so a frozen weight is packed once, and a tensor
 * under any other split must not reuse that packing.
 */
function operand(backend: BackendWasm, x: TensorInfo, index: number, rows: number, cols: number): Operand {
  const data = backend.dataIdMap.get(x.dataId)!;
  const whole = rows * cols === util.sizeFromShape(x.shape) && cols === x.shape[x.shape.length - 1];
  return {offset: data.memoryOffset + index * rows * cols * BYTES, rows, cols, id: whole ? data.id : undefined};
}

function shapeBytes(rows: number, cols: number): Uint8Array {
  return new Uint8Array(new Int32Array([1, rows, cols]).buffer);
}

/** out = a·b through XNNPACK's fully-connected kernel; views get temporary ids for the call. */
function xnnMatMul(backend: BackendWasm, a: Operand, b: Operand, out: Operand): void {
  const ids = [a, b, out].map((x, slot) => {
    if (x.id !== undefined) return x.id;
    backend.wasm.tfjs.registerTensor(VIEW_IDS[slot], x.rows * x.cols, x.offset);
    return VIEW_IDS[slot];
  });
  try {
    entryPoint(backend)(ids[0], shapeBytes(a.rows, a.cols), 3, ids[1], shapeBytes(b.rows, b.cols), 3, false, false, ids[2]);
  } finally {
    [a, b, out].forEach((x, slot) => {
      if (x.id === undefined) backend.wasm.tfjs.disposeData(VIEW_IDS[slot]);
    });
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

// Measured per element on these cores: XNNPACK packs a right operand at ~7 ns, our transposes
// run at ~1–4 ns. A weight gradient xᵀ·dy with x [4160,128] and dy [4160,512] packs 2.1M values
// as written, but only 0.5M as (dyᵀ·x)ᵀ.
const PACK_NS = 7;
const TRANSPOSE_NS = 3;

/** Whether op(a)·op(b) is cheaper as (op(b)ᵀ·op(a)ᵀ)ᵀ, counting the transposes and packing each needs. */
function cheaperSwapped(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, m: number, k: number, n: number): boolean {
  const [sizeA, sizeB] = [util.sizeFromShape(a.shape), util.sizeFromShape(b.shape)];
  const asWritten = TRANSPOSE_NS * ((transposeA ? sizeA : 0) + (transposeB ? sizeB : 0)) + PACK_NS * k * n;
  const swapped = TRANSPOSE_NS * ((transposeA ? 0 : sizeA) + (transposeB ? 0 : sizeB) + m * n) + PACK_NS * k * m;
  return swapped < asWritten;
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
    const [aRows, aCols] = a.shape.slice(-2);
    const [bRows, bCols] = b.shape.slice(-2);
    const [m, k, kRight, n] = [transposeA ? aCols : aRows, transposeA ? aRows : aCols, transposeB ? bCols : bRows, transposeB ? bRows : bCols];
    if (k !== kRight) {
      throw new Error(
        `matMul: inner dimensions ${k} and ${kRight} of shapes [${a.shape}] and [${b.shape}] ` +
          `(transposeA=${transposeA}, transposeB=${transposeB}) must match`
      );
    }
    const leftBatch = a.shape.slice(0, -2);
    const rightBatch = b.shape.slice(0, -2);
    const outBatch = broadcast_util.assertAndGetBroadcastShape(leftBatch, rightBatch);
    const outCount = util.sizeFromShape(outBatch);
    const temporaries: TensorInfo[] = [];
    const keep = (t: TensorInfo): TensorInfo => (temporaries.push(t), t);
    const plain = (x: TensorInfo, transposed: boolean): TensorInfo => (transposed ? keep(transposeLastTwo(x, backend)) : x);
    try {
      if (outCount === 1 && cheaperSwapped(a, b, transposeA, transposeB, m, k, n)) {
        const product = keep(backend.makeOutput([n, m], "float32"));
        const left = plain(b, !transposeB);
        const right = plain(a, !transposeA);
        xnnMatMul(backend, operand(backend, left, 0, n, k), operand(backend, right, 0, k, m), operand(backend, product, 0, n, m));
        const out = transposeLastTwo(product, backend);
        return {dataId: out.dataId, shape: [...outBatch, m, n], dtype: "float32"};
      }
      const left = plain(a, transposeA);
      const right = plain(b, transposeB);
      const out = backend.makeOutput([...outBatch, m, n], "float32");
      if (util.sizeFromShape(rightBatch) === 1) {
        // One shared right operand: all left batches stack into one tall matrix.
        const rows = util.sizeFromShape(leftBatch) * m;
        xnnMatMul(backend, operand(backend, left, 0, rows, k), operand(backend, right, 0, k, n), operand(backend, out, 0, outCount * m, n));
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

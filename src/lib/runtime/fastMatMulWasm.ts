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

/** A float32 tensor seen as a stack of [rows, cols] matrices in the wasm heap. */
interface Stack {
  offset: number;
  id: number;
  rows: number;
  cols: number;
  /** The tensor is one matrix split as [size / last axis, last axis]. */
  canonical: boolean;
}

function stack(backend: BackendWasm, x: TensorInfo, rows: number, cols: number): Stack {
  const {memoryOffset, id} = backend.dataIdMap.get(x.dataId)!;
  const canonical = rows * cols === util.sizeFromShape(x.shape) && cols === x.shape[x.shape.length - 1];
  return {offset: memoryOffset, id, rows, cols, canonical};
}

function shapeBytes(x: Stack): Uint8Array {
  return new Uint8Array(new Int32Array([1, x.rows, x.cols]).buffer);
}

/**
 * out[io] = a[ia]·b[ib] through XNNPACK's fully-connected kernel, for matrices of three stacks.
 * A whole canonical tensor keeps its own id, as the stock kernel passes it: XNNPACK caches the
 * packing of a right operand by id alone, so a frozen weight is packed once, and no tensor under
 * another split may reuse that packing. Any other matrix is a view under a temporary id.
 */
function products(backend: BackendWasm, a: Stack, b: Stack, out: Stack): (ia: number, ib: number, io: number) => void {
  const call = entryPoint(backend);
  const [aShape, bShape] = [shapeBytes(a), shapeBytes(b)];
  const view = (x: Stack, index: number, slot: number): number => {
    if (x.canonical) return x.id;
    backend.wasm.tfjs.registerTensor(VIEW_IDS[slot], x.rows * x.cols, x.offset + index * x.rows * x.cols * BYTES);
    return VIEW_IDS[slot];
  };
  const release = (x: Stack, slot: number) => {
    if (!x.canonical) backend.wasm.tfjs.disposeData(VIEW_IDS[slot]);
  };
  return (ia, ib, io) => {
    const ids = [view(a, ia, 0), view(b, ib, 1), view(out, io, 2)];
    try {
      call(ids[0], aShape, 3, ids[1], bShape, 3, false, false, ids[2]);
    } finally {
      release(a, 0);
      release(b, 1);
      release(out, 2);
    }
  };
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
        products(backend, stack(backend, left, n, k), stack(backend, right, k, m), stack(backend, product, n, m))(0, 0, 0);
        const out = transposeLastTwo(product, backend);
        return {dataId: out.dataId, shape: [...outBatch, m, n], dtype: "float32"};
      }
      const left = plain(a, transposeA);
      const right = plain(b, transposeB);
      const out = backend.makeOutput([...outBatch, m, n], "float32");
      if (util.sizeFromShape(rightBatch) === 1) {
        // One shared right operand: all left batches stack into one tall matrix.
        const rows = util.sizeFromShape(leftBatch) * m;
        products(backend, stack(backend, left, rows, k), stack(backend, right, k, n), stack(backend, out, outCount * m, n))(0, 0, 0);
      } else {
        const run = products(backend, stack(backend, left, m, k), stack(backend, right, k, n), stack(backend, out, m, n));
        for (let i = 0; i < outCount; i++) run(broadcastIndex(i, outBatch, leftBatch), broadcastIndex(i, outBatch, rightBatch), i);
      }
      return out;
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
}

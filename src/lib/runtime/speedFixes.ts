import * as tf from "@tensorflow/tfjs";
import type {GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor} from "@tensorflow/tfjs";
import {fastBatchMatMulWasm} from "./fastMatMulWasm.js";
import {fastTransposeWasm} from "./fastTransposeWasm.js";
import {fastCastWasm, fastIdentityWasm} from "./fastIdentityWasm.js";
import {fastConcatWasm, fastPackWasm, fastReverseWasm, fastSliceWasm, fastSplitVWasm, fastUnpackWasm} from "./fastCopyWasm.js";
import {fastTanhWasm} from "./fastTanhWasm.js";
import {broadcastingBatchMatMul} from "./speedBroadcastMatMul.js";

/*
 * The one place where DM-CLIP Lab replaces slow or broken parts of stock TensorFlow.js 4.22.
 * Kernels are replaced per backend by wrapping the stock kernel (same name, same inputs, same
 * results); gradients are global in tfjs, so a gradient fix applies to every backend. Fixed
 * configs keep the stock one beside them, which makes installing idempotent, lets a backend
 * switch keep them (tfjs's registries are global), and lets tests and benchmarks compare.
 */

interface KernelFix {
  kernelName: string;
  backendName: string;
  wrap(stock: KernelFunc): KernelFunc;
}

const KERNEL_FIXES: KernelFix[] = [
  {kernelName: "BatchMatMul", backendName: "wasm", wrap: fastBatchMatMulWasm},
  {kernelName: "Transpose", backendName: "wasm", wrap: fastTransposeWasm},
  {kernelName: "Identity", backendName: "wasm", wrap: fastIdentityWasm},
  {kernelName: "Cast", backendName: "wasm", wrap: fastCastWasm},
  {kernelName: "Slice", backendName: "wasm", wrap: fastSliceWasm},
  {kernelName: "SplitV", backendName: "wasm", wrap: fastSplitVWasm},
  {kernelName: "Unpack", backendName: "wasm", wrap: fastUnpackWasm},
  {kernelName: "Concat", backendName: "wasm", wrap: fastConcatWasm},
  {kernelName: "Pack", backendName: "wasm", wrap: fastPackWasm},
  {kernelName: "Reverse", backendName: "wasm", wrap: fastReverseWasm},
  {kernelName: "Tanh", backendName: "wasm", wrap: fastTanhWasm},
  {kernelName: "BatchMatMul", backendName: "cpu", wrap: broadcastingBatchMatMul("cpu")},
  {kernelName: "BatchMatMul", backendName: "webgl", wrap: broadcastingBatchMatMul("webgl")},
  {kernelName: "BatchMatMul", backendName: "webgpu", wrap: broadcastingBatchMatMul("webgpu")}
];

type Fixed<T> = T & {stock: T};

function isFixed<T extends object>(config: T): config is Fixed<T> {
  return "stock" in config;
}

/** Sums a gradient over the batch axes its input was broadcast along, back to the input's shape. */
function unbroadcast(gradient: Tensor, shape: number[]): Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, gradient.shape);
  return (axes.length > 0 ? tf.sum(gradient, axes) : gradient).reshape(shape);
}

/**
 * matMul's gradient as tfjs writes it (transposed forms, which every backend runs fast once the
 * wasm kernel is fixed), plus the sum over broadcast batch axes that stock tfjs omits: there,
 * x[b,t,k]·W[k,n] fails in backprop with "gradient of input 'b' has shape [b,k,n]".
 */
const batchMatMulGradient: GradConfig = {
  kernelName: "BatchMatMul",
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved;
    const {transposeA, transposeB} = attrs as NamedAttrMap & {transposeA: boolean; transposeB: boolean};
    const g = dy as Tensor;
    const da = (): Tensor =>
      transposeA ? tf.matMul(b, g, transposeB, true) : tf.matMul(g, b, false, !transposeB);
    const db = (): Tensor =>
      transposeB ? tf.matMul(g, a, true, transposeA) : tf.matMul(a, g, !transposeA, false);
    return {a: () => unbroadcast(da(), a.shape), b: () => unbroadcast(db(), b.shape)};
  }
};

const GRADIENT_FIXES: GradConfig[] = [batchMatMulGradient];

function installGradients(): void {
  for (const fix of GRADIENT_FIXES) {
    const current = tf.getGradient(fix.kernelName);
    if (current && isFixed(current)) continue;
    if (!current) throw new Error(`installSpeedFixes: tfjs has no gradient for ${fix.kernelName} (import @tensorflow/tfjs, not tfjs-core alone)`);
    tf.registerGradient({...fix, stock: current} as Fixed<GradConfig>);
  }
}

/**
 * Installs the fixes for `backendName` (call it once the backend is selected; calling it again,
 * or for another backend, is harmless). Throws if the backend's kernels are not registered.
 */
export function installSpeedFixes(backendName: string): void {
  if (!tf.findBackendFactory(backendName)) {
    throw new Error(`installSpeedFixes: backendName "${backendName}" is not a registered tfjs backend`);
  }
  installGradients();
  for (const fix of KERNEL_FIXES) {
    if (fix.backendName !== backendName) continue;
    const current = tf.getKernel(fix.kernelName, backendName);
    if (!current) {
      throw new Error(
        `installSpeedFixes: backend "${backendName}" has no ${fix.kernelName} kernel; ` +
          `import @tensorflow/tfjs-backend-${backendName} before installing`
      );
    }
    if (isFixed(current)) continue;
    tf.unregisterKernel(fix.kernelName, backendName);
    tf.registerKernel({...current, kernelFunc: fix.wrap(current.kernelFunc), stock: current} as Fixed<KernelConfig>);
  }
}

/**
 * Puts back the stock kernels of `backendName` and the stock gradients (which are shared by all
 * backends). For tests and before/after benchmarks only.
 */
export function uninstallSpeedFixes(backendName: string): void {
  for (const fix of KERNEL_FIXES) {
    if (fix.backendName !== backendName) continue;
    const current = tf.getKernel(fix.kernelName, backendName);
    if (!current || !isFixed(current)) continue;
    tf.unregisterKernel(fix.kernelName, backendName);
    tf.registerKernel(current.stock);
  }
  for (const fix of GRADIENT_FIXES) {
    const current = tf.getGradient(fix.kernelName);
    if (current && isFixed(current)) tf.registerGradient(current.stock);
  }
}

/** The kernels (`BatchMatMul`, …) and gradients (`BatchMatMul gradient`) now fixed for `backendName`. */
export function installedSpeedFixes(backendName: string): string[] {
  const kernels = KERNEL_FIXES.filter((fix) => {
    const config = fix.backendName === backendName ? tf.getKernel(fix.kernelName, backendName) : undefined;
    return config !== undefined && isFixed(config);
  }).map((fix) => fix.kernelName);
  const gradients = GRADIENT_FIXES.filter((fix) => {
    const config = tf.getGradient(fix.kernelName);
    return config !== undefined && isFixed(config);
  }).map((fix) => `${fix.kernelName} gradient`);
  return [...kernels, ...gradients];
}

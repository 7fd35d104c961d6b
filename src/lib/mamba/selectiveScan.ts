import * as tf from "@tensorflow/tfjs";
import {registerCpuScanKernels} from "./kernels/scan.cpu.js";
import {registerWebGLScanKernels} from "./kernels/scan.webgl.js";
import {registerWebGPUScanKernels} from "./kernels/scan.webgpu.js";
import {packScanInputs, SELECTIVE_SCAN, SELECTIVE_SCAN_GRAD, type ScanAttrs, type ScanParts} from "./kernels/scanKernel.js";
import {selectiveScanReference} from "./scanReference.js";

/** "reference": tf ops; "fused": the backend's own kernel; "auto": fused where one is registered. */
export type ScanImpl = "reference" | "fused" | "auto";
export const SCAN_IMPLS: readonly ScanImpl[] = ["reference", "fused", "auto"];

/**
 * u, delta, z: [batch, length, channels]; A: [channels, state], already negative;
 * B, C: [batch, length, state]; D, deltaBias: [channels]. All float32.
 */
export interface SelectiveScanInputs extends ScanParts<tf.Tensor> {
  /** Apply softplus to delta (+ deltaBias) before the scan; default true. */
  deltaSoftplus?: boolean;
  /**
   * Run the recurrence from the last position to the first (Vim's backward direction): the
   * same as flipping every sequence input along the length, scanning and flipping y back, but
   * the kernels walk the sequence in place. Default false.
   */
  reverse?: boolean;
}

// One gradient for every backend: the backward kernel returns each input's gradient at once.
if (!tf.getGradient(SELECTIVE_SCAN)) {
  tf.registerGradient({
    kernelName: SELECTIVE_SCAN,
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const inputs = [...saved, dy as tf.Tensor] as unknown as tf.NamedTensorMap;
      const grads = tf.engine().runKernel(SELECTIVE_SCAN_GRAD, inputs, attrs) as tf.Tensor[];
      return Object.fromEntries(grads.map((g, i) => [String(i), () => g]));
    }
  });
}
registerCpuScanKernels();
registerWebGPUScanKernels();
registerWebGLScanKernels();

/** Whether `backend` (default: the active one) has the fused scan kernel. */
export function fusedScanAvailable(backend: string = tf.getBackend()): boolean {
  return tf.getKernel(SELECTIVE_SCAN, backend) !== undefined;
}

function fail(message: string): never {
  throw new Error(`selectiveScan: ${message}`);
}

function checkShapes(x: SelectiveScanInputs): void {
  const names = ["u", "delta", "A", "B", "C", "D", "z", "deltaBias"] as const;
  for (const name of names) {
    const t: unknown = x[name];
    if (t === undefined && ["D", "z", "deltaBias"].includes(name)) continue;
    if (!(t instanceof tf.Tensor)) fail(`${name} must be a tf.Tensor, got ${t === null ? "null" : typeof t}`);
    if (t.dtype !== "float32") fail(`${name} must be float32, got ${t.dtype}`);
  }
  if (x.u.rank !== 3) fail(`u must be [batch, length, channels], got shape [${x.u.shape}]`);
  const [batch, length, channels] = x.u.shape as [number, number, number];
  if (batch < 1 || length < 1 || channels < 1) fail(`u must have non-empty batch, length and channels, got [${x.u.shape}]`);
  if (x.A.rank !== 2 || x.A.shape[0] !== channels || (x.A.shape[1] as number) < 1) {
    fail(`A must be [channels, state] = [${channels}, state ≥ 1], got [${x.A.shape}]`);
  }
  const state = x.A.shape[1] as number;
  const expect = (name: (typeof names)[number], shape: number[], what: string) => {
    const t = x[name];
    if (t && !tf.util.arraysEqual(t.shape, shape)) fail(`${name} must be ${what} = [${shape}], got [${t.shape}]`);
  };
  expect("delta", [batch, length, channels], "[batch, length, channels]");
  expect("z", [batch, length, channels], "[batch, length, channels]");
  expect("B", [batch, length, state], "[batch, length, state]");
  expect("C", [batch, length, state], "[batch, length, state]");
  expect("D", [channels], "[channels]");
  expect("deltaBias", [channels], "[channels]");
}

/**
 * Mamba's selective scan (docs/method.md, "The selective scan (Mamba)"):
 * y = (C·h + D u) ⊙ silu(z), h_l = exp(Δ_l A) h_{l−1} + Δ_l B_l u_l, Δ = softplus(delta + deltaBias)
 * (h_{l+1} in place of h_{l−1} when `reverse`). Returns y, [batch, length, channels], float32.
 */
export function selectiveScan(inputs: SelectiveScanInputs, {impl = "auto"}: {impl?: ScanImpl} = {}): tf.Tensor3D {
  if (!SCAN_IMPLS.includes(impl)) fail(`impl must be one of ${SCAN_IMPLS.join(", ")}, got ${String(impl)}`);
  checkShapes(inputs);
  const {deltaSoftplus = true, reverse = false, ...parts} = inputs;
  const fused = impl === "fused" || (impl === "auto" && fusedScanAvailable());
  if (!fused) return selectiveScanReference(parts, deltaSoftplus, reverse);
  if (!fusedScanAvailable()) fail(`no fused kernel is registered for backend "${tf.getBackend()}"; use impl "reference" or "auto"`);
  const attrs: ScanAttrs = {deltaSoftplus, hasD: !!parts.D, hasZ: !!parts.z, hasDeltaBias: !!parts.deltaBias, reverse};
  return tf.engine().runKernel(
    SELECTIVE_SCAN,
    packScanInputs(parts) as unknown as tf.NamedTensorMap,
    attrs as unknown as tf.NamedAttrMap
  ) as tf.Tensor3D;
}

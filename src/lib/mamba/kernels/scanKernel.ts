import * as tf from "@tensorflow/tfjs";

/**
 * The contract between the selectiveScan op and its per-backend kernels. Inputs travel as an
 * array in a fixed order with the absent optional ones left out (attrs say which are present),
 * so that the engine saves exactly the present inputs and the gradient returns one tensor each.
 *
 * SelectiveScan:     [u, delta, A, B, C, D?, z?, deltaBias?]      → y
 * SelectiveScanGrad: [u, delta, A, B, C, D?, z?, deltaBias?, dy]  → the gradient of each input, same order
 */
export const SELECTIVE_SCAN = "SelectiveScan";
export const SELECTIVE_SCAN_GRAD = "SelectiveScanGrad";

export interface ScanAttrs {
  deltaSoftplus: boolean;
  hasD: boolean;
  hasZ: boolean;
  hasDeltaBias: boolean;
  /** The recurrence runs from the last position to the first (Vim's backward direction), in place. */
  reverse: boolean;
}

export interface ScanParts<T> {
  u: T;
  delta: T;
  A: T;
  B: T;
  C: T;
  D?: T;
  z?: T;
  deltaBias?: T;
}

/** The present inputs in kernel order. */
export function packScanInputs<T>(x: ScanParts<T>): T[] {
  return [x.u, x.delta, x.A, x.B, x.C, x.D, x.z, x.deltaBias].filter((t): t is T => t !== undefined);
}

/** The inverse of packScanInputs; entries after the scan's inputs (dy) are returned as `rest`. */
export function unpackScanInputs<T>(list: readonly T[], attrs: ScanAttrs): {parts: ScanParts<T>; rest: T[]} {
  const items = [...list];
  const take = () => items.shift() as T;
  const parts: ScanParts<T> = {u: take(), delta: take(), A: take(), B: take(), C: take()};
  if (attrs.hasD) parts.D = take();
  if (attrs.hasZ) parts.z = take();
  if (attrs.hasDeltaBias) parts.deltaBias = take();
  return {parts, rest: items};
}

/** Registers a kernel unless one is already there, so importing a module twice is harmless. */
export function registerKernelOnce(kernelName: string, backendName: string, kernelFunc: tf.KernelFunc): void {
  if (!tf.getKernel(kernelName, backendName)) tf.registerKernel({kernelName, backendName, kernelFunc});
}

/** Attrs arrive as a NamedAttrMap; this reads them back with their types. */
export function scanAttrs(attrs: tf.NamedAttrMap | undefined): ScanAttrs {
  const a = (attrs ?? {}) as unknown as Partial<ScanAttrs>;
  return {deltaSoftplus: !!a.deltaSoftplus, hasD: !!a.hasD, hasZ: !!a.hasZ, hasDeltaBias: !!a.hasDeltaBias, reverse: !!a.reverse};
}

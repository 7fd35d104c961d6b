import type * as tf from "@tensorflow/tfjs";
import {packScanInputs, scanAttrs, unpackScanInputs, type ScanAttrs, type ScanParts} from "./scanKernel.js";

/**
 * The selective scan's plan on GPU backends, shared by the WGSL (WebGPU) and GLSL (WebGL)
 * programs: which programs run, in what order, on which inputs.
 *
 * Forward: Δ = softplus(delta + deltaBias), then y. Backward: the states h_l and the adjoints
 * g_l = ∂loss/∂h_l are materialised ([B, L, D, N] each); every input's gradient is then an
 * independent sum over them, one program per gradient: GPU programs have one output, WebGPU
 * ones at most 7 inputs, and neither has float atomics to accumulate across threads.
 *
 * With `reverse` the recurrence runs from the last position to the first: the sequential
 * programs (forward, states, adjoint) and those that read the previous state (dDelta, dA) map
 * the recurrence's position l to row L−1−l; H and G stay in the rows of their positions, so
 * the per-position programs need no change.
 */

/** Sizes of one call: u is [batch, length, channels], A is [channels, state]. */
export interface Dims {
  batch: number;
  length: number;
  channels: number;
  state: number;
}

/**
 * One program per step; each program reads its inputs in the order listed (Δ is the softplus'd
 * delta, ḡ = dy · silu(z) the gradient reaching C·h + D·u, G the adjoints, H the states).
 */
export interface ScanPrograms<P> {
  /** [delta, deltaBias?] → Δ [B, L, D]. */
  delta(d: Dims, a: ScanAttrs): P;
  /** [u, Δ, A, B, C, D?, z?] → y [B, L, D]. */
  forward(d: Dims, a: ScanAttrs): P;
  /** [u, Δ, A, B] → H [B, L, D, N]: h_l = exp(Δ_l A) h_{l−1} + Δ_l B_l u_l. */
  states(d: Dims, a: ScanAttrs): P;
  /** [Δ, A, C, dy, z?] → G [B, L, D, N]: g_l = ḡ_l C_l + exp(Δ_{l+1} A) g_{l+1}. */
  adjoint(d: Dims, a: ScanAttrs): P;
  /** [G, H, Δ, A, B, u] → ∂/∂Δ = Σ_n g_n (A_n exp(Δ A_n) h_{l−1,n} + B_n u). */
  dDelta(d: Dims, a: ScanAttrs): P;
  /** [∂/∂Δ, delta, deltaBias?] → ∂/∂delta = ∂/∂Δ · σ(delta + deltaBias). */
  softplusGrad(d: Dims, a: ScanAttrs): P;
  /** [G, Δ, B] + [dy, D, z?] when D is present → ∂/∂u = Δ Σ_n g_n B_n + ḡ D. */
  du(d: Dims, a: ScanAttrs): P;
  /** [G, H, Δ, A] → ∂/∂A [D, N] = Σ_{b,l} g Δ exp(Δ A) h_{l−1}. */
  dA(d: Dims, a: ScanAttrs): P;
  /** [G, Δ, u] → ∂/∂B [B, L, N] = Σ_d g Δ u. */
  dB(d: Dims): P;
  /** [H, dy, z?] → ∂/∂C [B, L, N] = Σ_d ḡ h. */
  dC(d: Dims, a: ScanAttrs): P;
  /** [dy, u, z?] → ∂/∂D [D] = Σ_{b,l} ḡ u. */
  dD(d: Dims, a: ScanAttrs): P;
  /** [dy, z, C, H] + [u, D] when D is present → ∂/∂z = dy (C·h + D u) silu′(z). */
  dz(d: Dims, a: ScanAttrs): P;
  /** [∂/∂delta] → ∂/∂deltaBias [D] = Σ_{b,l} ∂/∂delta. */
  dDeltaBias(d: Dims): P;
}

/** How a backend runs one program and frees an intermediate result. */
export interface ProgramRunner<P> {
  run(program: P, inputs: tf.TensorInfo[], d: Dims): tf.TensorInfo;
  dispose(t: tf.TensorInfo): void;
}

function dimsOf(parts: ScanParts<tf.TensorInfo>): Dims {
  const [batch, length, channels] = parts.u.shape;
  return {batch, length, channels, state: parts.A.shape[1]};
}

/** The forward and backward kernels of a GPU backend, from its programs and its runner. */
export function gpuScanKernels<P>(
  programs: ScanPrograms<P>,
  runner: (backend: unknown) => ProgramRunner<P>
): {forward: tf.KernelFunc; backward: tf.KernelFunc} {
  /** Δ, computed when softplus or a bias applies; `owned` says whether the caller frees it. */
  const deltaOf = (r: ProgramRunner<P>, parts: ScanParts<tf.TensorInfo>, d: Dims, a: ScanAttrs) => {
    if (!a.deltaSoftplus && !a.hasDeltaBias) return {delta: parts.delta, owned: false};
    const inputs = parts.deltaBias ? [parts.delta, parts.deltaBias] : [parts.delta];
    return {delta: r.run(programs.delta(d, a), inputs, d), owned: true};
  };

  const forward: tf.KernelFunc = ({inputs, backend, attrs}) => {
    const r = runner(backend);
    const a = scanAttrs(attrs);
    const {parts} = unpackScanInputs(inputs as unknown as tf.TensorInfo[], a);
    const d = dimsOf(parts);
    const {delta, owned} = deltaOf(r, parts, d, a);
    const optional = [...(parts.D ? [parts.D] : []), ...(parts.z ? [parts.z] : [])];
    const y = r.run(programs.forward(d, a), [parts.u, delta, parts.A, parts.B, parts.C, ...optional], d);
    if (owned) r.dispose(delta);
    return y;
  };

  const backward: tf.KernelFunc = ({inputs, backend, attrs}) => {
    const r = runner(backend);
    const a = scanAttrs(attrs);
    const {parts, rest: [dy]} = unpackScanInputs(inputs as unknown as tf.TensorInfo[], a);
    const {u, A, B, C, D: skip, z, deltaBias} = parts;
    const d = dimsOf(parts);
    const {delta, owned} = deltaOf(r, parts, d, a);
    const gate = z ? [z] : [];
    const H = r.run(programs.states(d, a), [u, delta, A, B], d);
    const G = r.run(programs.adjoint(d, a), [delta, A, C, dy, ...gate], d);
    const dDelta = r.run(programs.dDelta(d, a), [G, H, delta, A, B, u], d);
    const dDeltaRaw = a.deltaSoftplus
      ? r.run(programs.softplusGrad(d, a), [dDelta, parts.delta, ...(deltaBias ? [deltaBias] : [])], d)
      : dDelta;
    const grads: ScanParts<tf.TensorInfo> = {
      u: r.run(programs.du(d, a), [G, delta, B, ...(skip ? [dy, skip, ...gate] : [])], d),
      delta: dDeltaRaw,
      A: r.run(programs.dA(d, a), [G, H, delta, A], d),
      B: r.run(programs.dB(d), [G, delta, u], d),
      C: r.run(programs.dC(d, a), [H, dy, ...gate], d)
    };
    if (skip) grads.D = r.run(programs.dD(d, a), [dy, u, ...gate], d);
    if (z) grads.z = r.run(programs.dz(d, a), [dy, z, C, H, ...(skip ? [u, skip] : [])], d);
    if (deltaBias) grads.deltaBias = r.run(programs.dDeltaBias(d), [dDeltaRaw], d);
    for (const t of [H, G, ...(a.deltaSoftplus ? [dDelta] : [])]) r.dispose(t);
    if (owned) r.dispose(delta);
    return packScanInputs(grads);
  };

  return {forward, backward};
}

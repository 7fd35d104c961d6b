import * as tf from "@tensorflow/tfjs";
import {Rng} from "../../../src/lib/random/rng.js";
import {selectiveScan, type ScanImpl, type SelectiveScanInputs} from "../../../src/lib/mamba/selectiveScan.js";
import {VIM_STUDENT_DEFAULT, type VimConfig, type VimEncoder} from "../../../src/lib/mamba/vimEncoder.js";
import {relativeError} from "../relativeError.js";

/**
 * Scan and encoder test cases shared by the Node tests and the Chromium page
 * (test/browser/entries/mamba.ts), so every backend is checked on the same shapes and values.
 */
export interface ScanCase {
  batch: number;
  length: number;
  channels: number;
  state: number;
  withD: boolean;
  withZ: boolean;
  withBias: boolean;
  deltaSoftplus: boolean;
  /** Vim's backward direction: the recurrence runs from the last position to the first. */
  reverse?: boolean;
}

const full = {withD: true, withZ: true, withBias: true, deltaSoftplus: true};

/**
 * Length 1, odd channel counts, state 1 and 16, each optional input absent once, softplus off
 * once, and a length past the SIMD kernel's 64-position backward chunk (two chunks, one partial);
 * then reversed: length 1, full, without z, with nothing optional, and past a chunk. On wasm,
 * channel counts that fill whole vectors run in the backend's heap, the others through copies.
 */
export const SCAN_CASES: ScanCase[] = [
  {batch: 2, length: 1, channels: 3, state: 1, ...full},
  {batch: 2, length: 7, channels: 5, state: 16, ...full},
  {batch: 1, length: 12, channels: 8, state: 1, ...full},
  {batch: 3, length: 5, channels: 9, state: 16, ...full, withD: false},
  {batch: 2, length: 6, channels: 4, state: 3, ...full, withZ: false},
  {batch: 1, length: 9, channels: 7, state: 16, ...full, withBias: false},
  {batch: 2, length: 4, channels: 6, state: 2, withD: false, withZ: false, withBias: false, deltaSoftplus: false},
  {batch: 2, length: 100, channels: 6, state: 16, ...full},
  {batch: 2, length: 1, channels: 3, state: 1, ...full, reverse: true},
  {batch: 2, length: 7, channels: 5, state: 16, ...full, reverse: true},
  {batch: 2, length: 6, channels: 4, state: 3, ...full, withZ: false, reverse: true},
  {batch: 2, length: 4, channels: 6, state: 2, withD: false, withZ: false, withBias: false, deltaSoftplus: false, reverse: true},
  {batch: 2, length: 100, channels: 8, state: 16, ...full, reverse: true}
];

export const SCAN_INPUT_NAMES = ["u", "delta", "A", "B", "C", "D", "z", "deltaBias"] as const;
export type ScanInputName = (typeof SCAN_INPUT_NAMES)[number];

/** Seeded inputs of realistic scale: Δ around softplus(−1) ≈ 0.3, A = −(n+1)·U(0.5, 1.5) as S4D-real. */
export function scanInputs(c: ScanCase, seed: number): SelectiveScanInputs {
  const rng = new Rng(seed);
  const normal = (shape: number[], scale = 1, shift = 0) =>
    tf.tensor(Float32Array.from({length: shape.reduce((a, b) => a * b, 1)}, () => shift + scale * rng.normal()), shape);
  const {batch, length, channels, state} = c;
  const tokens = [batch, length, channels];
  const A = tf.tensor(
    Float32Array.from({length: channels * state}, (_, i) => -((i % state) + 1) * rng.uniform(0.5, 1.5)),
    [channels, state]
  );
  return {
    u: normal(tokens),
    // Without softplus the kernel takes Δ as given, so keep it positive as a real Δ is.
    delta: c.deltaSoftplus ? normal(tokens, 1, -1) : tf.tidy(() => tf.abs(normal(tokens, 0.3, 0.3))),
    A,
    B: normal([batch, length, state]),
    C: normal([batch, length, state]),
    D: c.withD ? normal([channels]) : undefined,
    z: c.withZ ? normal(tokens) : undefined,
    deltaBias: c.withBias ? normal([channels], 0.5) : undefined,
    deltaSoftplus: c.deltaSoftplus,
    reverse: c.reverse
  };
}

export function disposeInputs(x: SelectiveScanInputs): void {
  for (const name of SCAN_INPUT_NAMES) x[name]?.dispose();
}

/** y and the gradient of Σ w ⊙ y with respect to every present input, by `impl`. */
export function scanWithGradients(x: SelectiveScanInputs, w: tf.Tensor, impl: ScanImpl): Map<string, tf.Tensor> {
  const names = SCAN_INPUT_NAMES.filter((k) => x[k] !== undefined);
  const loss = (...ts: tf.Tensor[]) => {
    const parts = Object.fromEntries(names.map((k, i) => [k, ts[i]]));
    return tf.sum(tf.mul(selectiveScan({...parts, deltaSoftplus: x.deltaSoftplus, reverse: x.reverse} as SelectiveScanInputs, {impl}), w)) as tf.Scalar;
  };
  const y = selectiveScan(x, {impl});
  const grads = tf.grads(loss)(names.map((k) => x[k] as tf.Tensor));
  return new Map<string, tf.Tensor>([["y", y], ...names.map((k, i): [string, tf.Tensor] => [k, grads[i]])]);
}

/** Relative error (backends.ts) of the fused kernel against the reference, for y and each gradient. */
export async function fusedVsReference(c: ScanCase, seed: number): Promise<Record<string, number>> {
  const x = scanInputs(c, seed);
  const w = tf.randomNormal([c.batch, c.length, c.channels], 0, 1, "float32", seed);
  const fused = scanWithGradients(x, w, "fused");
  const reference = scanWithGradients(x, w, "reference");
  const errors: Record<string, number> = {};
  for (const [name, t] of fused) {
    errors[name] = relativeError(await t.data(), await (reference.get(name) as tf.Tensor).data());
  }
  for (const t of [...fused.values(), ...reference.values(), w]) t.dispose();
  disposeInputs(x);
  return errors;
}

/** A Vim encoder small enough for SwiftShader: 16×16 images, 4×4 patches (17 tokens), width 16, depth 2. */
export const TINY_VIM: VimConfig = {...VIM_STUDENT_DEFAULT, imageSize: 16, patchSize: 4, width: 16, depth: 2, dState: 4, embedDim: 8, seed: 5};

export function seededTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(Float32Array.from({length: shape.reduce((a, b) => a * b, 1)}, () => scale * rng.normal()), shape);
}

export const seededImages = (batch: number, side: number, seed: number) =>
  tf.tidy(() => tf.sigmoid(seededTensor([batch, side, side, 3], seed)) as tf.Tensor4D);

/** Mean squared distance of the encoder's output to a target, and its gradient for every parameter. */
export function encoderLossAndGrads(enc: VimEncoder, x: tf.Tensor4D, target: tf.Tensor) {
  return tf.variableGrads(() => tf.mean(tf.square(tf.sub(enc.apply(x), target))) as tf.Scalar, enc.params.list());
}

/**
 * The encoder's loss and parameter gradients with fused scans against the reference scans:
 * relative errors by parameter name (and "loss"), plus whether every fused gradient is finite
 * and non-zero. Leaves the encoder's scan on "auto".
 */
export async function encoderFusedVsReference(enc: VimEncoder, seed: number): Promise<{errors: Record<string, number>; allNonZero: boolean}> {
  const x = seededImages(2, enc.config.imageSize, seed);
  const target = seededTensor([2, enc.embedDim], seed + 1);
  enc.scanImpl = "fused";
  const fused = encoderLossAndGrads(enc, x, target);
  enc.scanImpl = "reference";
  const reference = encoderLossAndGrads(enc, x, target);
  const errors: Record<string, number> = {loss: relativeError(await fused.value.data(), await reference.value.data())};
  let allNonZero = true;
  for (const [name, v] of enc.params.vars) {
    const f = await fused.grads[v.name].data();
    errors[name] = relativeError(f, await reference.grads[v.name].data());
    allNonZero &&= f.every(Number.isFinite) && f.some((e) => e !== 0);
  }
  enc.scanImpl = "auto";
  tf.dispose([fused.value, reference.value, ...Object.values(fused.grads), ...Object.values(reference.grads), x, target]);
  return {errors, allNonZero};
}

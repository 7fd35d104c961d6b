import type * as tf from "@tensorflow/tfjs";
import type {WebGPUBackend, WebGPUProgram} from "@tensorflow/tfjs-backend-webgpu";
import {
  packScanInputs, registerKernelOnce, scanAttrs, SELECTIVE_SCAN, SELECTIVE_SCAN_GRAD, unpackScanInputs,
  type ScanAttrs, type ScanParts
} from "./scanKernel.js";

/**
 * The selective scan on WebGPU, as WGSL compute programs run through runWebGPUProgram.
 *
 * Forward: one thread per (batch, channel) walks the sequence with its N states in registers.
 * Backward: the states h_l and adjoints g_l = ∂loss/∂h_l are materialised ([B, L, D, N] each,
 * one thread per (batch, channel, state) walking forward, respectively backward); every input's
 * gradient is then an independent sum over them, one program per gradient, since a program has
 * one output, at most 7 inputs and no float atomics.
 *
 * Pipeline-cache safety: tfjs caches pipelines by shaderKey (plus ranks and dtypes), so every
 * value baked into WGSL — the state size of the forward's register array and the flags that
 * add or remove inputs — is in shaderKey; sizes otherwise come from uniforms.
 */

const WORKGROUP = 64;

/** Sizes for the uniforms every scan program declares. */
interface Dims {
  batch: number;
  length: number;
  channels: number;
  state: number;
}

const UNIFORMS = "batch : i32, seqLen : i32, channels : i32, state : i32,";

const HELPERS = `
  fn sigmoidF(x : f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
  fn siluF(x : f32) -> f32 { return x * sigmoidF(x); }
  // log(1 + e^x) without overflow, and without losing tiny values to 1 + e^x rounding.
  fn softplusF(x : f32) -> f32 {
    let e = exp(-abs(x));
    let lp = select(log(1.0 + e), e * (1.0 - e * (0.5 - e / 3.0)), e < 1e-3);
    return max(x, 0.0) + lp;
  }
`;

/** How many invocations a program runs, as a number for the dispatch and as WGSL over the uniforms. */
const THREADS = {
  sequences: {count: (d: Dims) => d.batch * d.channels, wgsl: "nb * D"},
  states: {count: (d: Dims) => d.batch * d.channels * d.state, wgsl: "nb * D * N"},
  tokens: {count: (d: Dims) => d.batch * d.length * d.channels, wgsl: "nb * L * D"},
  positions: {count: (d: Dims) => d.batch * d.length * d.state, wgsl: "nb * L * N"},
  matrix: {count: (d: Dims) => d.channels * d.state, wgsl: "D * N"},
  channels: {count: (d: Dims) => d.channels, wgsl: "D"}
};

/**
 * A program with one invocation per item of `threads`; `main` is the body of fn main(index)
 * after the bounds check. Inputs are read as flat arrays by name.
 */
function program(
  name: string, key: string, variableNames: string[], outputShape: number[], d: Dims, threads: keyof typeof THREADS, main: string
): WebGPUProgram {
  return {
    variableNames,
    outputShape,
    shaderKey: `selectiveScan_${name}_${key}`,
    dispatchLayout: {x: outputShape.map((_, i) => i)},
    dispatch: [Math.ceil(THREADS[threads].count(d) / WORKGROUP), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    uniforms: UNIFORMS,
    getUserCode: () => `
      ${HELPERS}
      fn main(index : i32) {
        let nb = uniforms.batch;
        let L = uniforms.seqLen;
        let D = uniforms.channels;
        let N = uniforms.state;
        if (index >= ${THREADS[threads].wgsl}) { return; }
        ${main}
      }`
  };
}

function run(backend: WebGPUBackend, p: WebGPUProgram, inputs: tf.TensorInfo[], dims: Dims): tf.TensorInfo {
  const uniforms = [dims.batch, dims.length, dims.channels, dims.state].map((v) => ({type: "int32", data: [v]}));
  return backend.runWebGPUProgram(p, inputs, "float32", uniforms);
}

/** `dy · silu(z)` (or dy without a gate) at flat index i: the gradient reaching C·h + D·u. */
const gatedDy = (hasZ: boolean, i: string) => (hasZ ? `dy[${i}] * siluF(z[${i}])` : `dy[${i}]`);

const perToken = (d: Dims) => [d.batch, d.length, d.channels];

/** Δ = softplus(delta + deltaBias), or just the sum: one thread per element. */
function deltaProgram(d: Dims, a: ScanAttrs): WebGPUProgram {
  const names = a.hasDeltaBias ? ["delta", "bias"] : ["delta"];
  const x = a.hasDeltaBias ? "delta[index] + bias[index % D]" : "delta[index]";
  return program("delta", `${a.hasDeltaBias}_${a.deltaSoftplus}`, names, perToken(d), d, "tokens",
    `result[index] = ${a.deltaSoftplus ? `softplusF(${x})` : x};`);
}

function forwardProgram(d: Dims, a: ScanAttrs): WebGPUProgram {
  const names = ["u", "delta", "A", "B", "C", ...(a.hasD ? ["skip"] : []), ...(a.hasZ ? ["z"] : [])];
  // The register array's length is baked in, so the state size is part of the key.
  return program("forward", `${a.hasD}_${a.hasZ}_${d.state}`, names, perToken(d), d, "sequences", `
    let b = index / D;
    let d = index - b * D;
    var h : array<f32, ${d.state}>;
    for (var n = 0; n < N; n++) { h[n] = 0.0; }
    for (var l = 0; l < L; l++) {
      let i = (b * L + l) * D + d;
      let bc = (b * L + l) * N;
      let dt = delta[i];
      let x = u[i];
      var acc = 0.0;
      for (var n = 0; n < N; n++) {
        h[n] = exp(dt * A[d * N + n]) * h[n] + dt * B[bc + n] * x;
        acc += C[bc + n] * h[n];
      }
      var y = acc${a.hasD ? " + skip[d] * x" : ""};
      ${a.hasZ ? "y = y * siluF(z[i]);" : ""}
      result[i] = y;
    }`);
}

/** h_l for every position: thread (b, d, n), output [B, L, D, N]. */
function statesProgram(d: Dims): WebGPUProgram {
  return program("states", "", ["u", "delta", "A", "B"], [d.batch, d.length, d.channels, d.state], d, "states", `
    let n = index % N;
    let d = (index / N) % D;
    let b = index / (N * D);
    let a = A[d * N + n];
    var h = 0.0;
    for (var l = 0; l < L; l++) {
      let i = (b * L + l) * D + d;
      let dt = delta[i];
      h = exp(dt * a) * h + dt * B[(b * L + l) * N + n] * u[i];
      result[i * N + n] = h;
    }`);
}

/** g_l = ḡ_l C_l + exp(Δ_{l+1} A) g_{l+1}, walked from the end: thread (b, d, n), output [B, L, D, N]. */
function adjointProgram(d: Dims, a: ScanAttrs): WebGPUProgram {
  const names = ["delta", "A", "C", "dy", ...(a.hasZ ? ["z"] : [])];
  return program("adjoint", `${a.hasZ}`, names, [d.batch, d.length, d.channels, d.state], d, "states", `
    let n = index % N;
    let d = (index / N) % D;
    let b = index / (N * D);
    let a = A[d * N + n];
    var g = 0.0;
    for (var l = L - 1; l >= 0; l--) {
      let i = (b * L + l) * D + d;
      g += ${gatedDy(a.hasZ, "i")} * C[(b * L + l) * N + n];
      result[i * N + n] = g;
      g *= exp(delta[i] * a);
    }`);
}

/** ∂/∂u = ḡ D + Δ Σ_n g_n B_n. */
function duProgram(d: Dims, a: ScanAttrs): WebGPUProgram {
  const names = ["G", "delta", "B", "dy", ...(a.hasD ? ["skip"] : []), ...(a.hasZ ? ["z"] : [])];
  return program("du", `${a.hasD}_${a.hasZ}`, names, perToken(d), d, "tokens", `
    let bl = index / D;
    var s = 0.0;
    for (var n = 0; n < N; n++) { s += G[index * N + n] * B[bl * N + n]; }
    result[index] = delta[index] * s${a.hasD ? ` + ${gatedDy(a.hasZ, "index")} * skip[index % D]` : ""};`);
}

/** ∂/∂Δ = Σ_n g_n (A_n exp(Δ A_n) h_{l−1,n} + B_n u). */
function dDeltaProgram(d: Dims): WebGPUProgram {
  return program("dDelta", "", ["G", "H", "delta", "A", "B", "u"], perToken(d), d, "tokens", `
    let bl = index / D;
    let l = bl % L;
    let d = index % D;
    let dt = delta[index];
    let x = u[index];
    var s = 0.0;
    for (var n = 0; n < N; n++) {
      var hPrev = 0.0;
      if (l > 0) { hPrev = H[(index - D) * N + n]; }
      let a = A[d * N + n];
      s += G[index * N + n] * (a * exp(dt * a) * hPrev + B[bl * N + n] * x);
    }
    result[index] = s;`);
}

/** ∂/∂delta = ∂/∂Δ · softplus′(delta + bias). */
function softplusGradProgram(d: Dims, a: ScanAttrs): WebGPUProgram {
  const names = ["dDelta", "delta", ...(a.hasDeltaBias ? ["bias"] : [])];
  const x = a.hasDeltaBias ? "delta[index] + bias[index % D]" : "delta[index]";
  return program("softplusGrad", `${a.hasDeltaBias}`, names, perToken(d), d, "tokens",
    `result[index] = dDelta[index] * sigmoidF(${x});`);
}

/** ∂/∂z = dy (C·h + D u) silu′(z). */
function dzProgram(d: Dims, a: ScanAttrs): WebGPUProgram {
  const names = ["dy", "z", "C", "H", ...(a.hasD ? ["u", "skip"] : [])];
  return program("dz", `${a.hasD}`, names, perToken(d), d, "tokens", `
    let bl = index / D;
    var y = 0.0;
    for (var n = 0; n < N; n++) { y += C[bl * N + n] * H[index * N + n]; }
    ${a.hasD ? "y += skip[index % D] * u[index];" : ""}
    let zz = z[index];
    let sg = sigmoidF(zz);
    result[index] = dy[index] * y * sg * (1.0 + zz * (1.0 - sg));`);
}

/** ∂/∂B_{l,n} = Σ_d g Δ u  and  ∂/∂C_{l,n} = Σ_d ḡ h: thread (b, l, n). */
function dBProgram(d: Dims): WebGPUProgram {
  return program("dB", "", ["G", "delta", "u"], [d.batch, d.length, d.state], d, "positions", `
    let n = index % N;
    let bl = index / N;
    var s = 0.0;
    for (var d = 0; d < D; d++) {
      let i = bl * D + d;
      s += G[i * N + n] * delta[i] * u[i];
    }
    result[index] = s;`);
}

function dCProgram(d: Dims, a: ScanAttrs): WebGPUProgram {
  const names = ["H", "dy", ...(a.hasZ ? ["z"] : [])];
  return program("dC", `${a.hasZ}`, names, [d.batch, d.length, d.state], d, "positions", `
    let n = index % N;
    let bl = index / N;
    var s = 0.0;
    for (var d = 0; d < D; d++) {
      let i = bl * D + d;
      s += ${gatedDy(a.hasZ, "i")} * H[i * N + n];
    }
    result[index] = s;`);
}

/** ∂/∂A_{d,n} = Σ_{b,l} g Δ exp(Δ A) h_{l−1}: thread (d, n). */
function dAProgram(d: Dims): WebGPUProgram {
  return program("dA", "", ["G", "H", "delta", "A"], [d.channels, d.state], d, "matrix", `
    let n = index % N;
    let d = index / N;
    let a = A[index];
    var s = 0.0;
    for (var b = 0; b < nb; b++) {
      for (var l = 1; l < L; l++) {
        let i = (b * L + l) * D + d;
        let dt = delta[i];
        s += G[i * N + n] * dt * exp(dt * a) * H[(i - D) * N + n];
      }
    }
    result[index] = s;`);
}

/** A per-channel sum over batch and length of `term(i)`: ∂/∂D and ∂/∂deltaBias. */
function channelSumProgram(name: string, key: string, names: string[], d: Dims, term: string): WebGPUProgram {
  return program(name, key, names, [d.channels], d, "channels", `
    var s = 0.0;
    for (var bl = 0; bl < nb * L; bl++) {
      let i = bl * D + index;
      s += ${term};
    }
    result[index] = s;`);
}

function dimsOf(parts: ScanParts<tf.TensorInfo>): Dims {
  const [batch, length, channels] = parts.u.shape;
  return {batch, length, channels, state: parts.A.shape[1]};
}

/** Δ, computed when softplus or a bias applies; `owned` says whether the caller must dispose it. */
function deltaOf(backend: WebGPUBackend, parts: ScanParts<tf.TensorInfo>, d: Dims, a: ScanAttrs): {delta: tf.TensorInfo; owned: boolean} {
  if (!a.deltaSoftplus && !a.hasDeltaBias) return {delta: parts.delta, owned: false};
  const inputs = parts.deltaBias ? [parts.delta, parts.deltaBias] : [parts.delta];
  return {delta: run(backend, deltaProgram(d, a), inputs, d), owned: true};
}

const forwardKernel: tf.KernelFunc = ({inputs, backend, attrs}) => {
  const gpu = backend as unknown as WebGPUBackend;
  const a = scanAttrs(attrs);
  const {parts} = unpackScanInputs(inputs as unknown as tf.TensorInfo[], a);
  const d = dimsOf(parts);
  const {delta, owned} = deltaOf(gpu, parts, d, a);
  const opt = [...(parts.D ? [parts.D] : []), ...(parts.z ? [parts.z] : [])];
  const y = run(gpu, forwardProgram(d, a), [parts.u, delta, parts.A, parts.B, parts.C, ...opt], d);
  if (owned) gpu.disposeData(delta.dataId);
  return y;
};

const backwardKernel: tf.KernelFunc = ({inputs, backend, attrs}) => {
  const gpu = backend as unknown as WebGPUBackend;
  const a = scanAttrs(attrs);
  const {parts, rest: [dy]} = unpackScanInputs(inputs as unknown as tf.TensorInfo[], a);
  const {u, A, B, C, D: skip, z, deltaBias} = parts;
  const d = dimsOf(parts);
  const {delta, owned} = deltaOf(gpu, parts, d, a);
  const gate = z ? [z] : [];
  const H = run(gpu, statesProgram(d), [u, delta, A, B], d);
  const G = run(gpu, adjointProgram(d, a), [delta, A, C, dy, ...gate], d);
  const dDelta = run(gpu, dDeltaProgram(d), [G, H, delta, A, B, u], d);
  const dDeltaRaw = a.deltaSoftplus
    ? run(gpu, softplusGradProgram(d, a), [dDelta, parts.delta, ...(deltaBias ? [deltaBias] : [])], d)
    : dDelta;
  const grads: ScanParts<tf.TensorInfo> = {
    u: run(gpu, duProgram(d, a), [G, delta, B, dy, ...(skip ? [skip] : []), ...gate], d),
    delta: dDeltaRaw,
    A: run(gpu, dAProgram(d), [G, H, delta, A], d),
    B: run(gpu, dBProgram(d), [G, delta, u], d),
    C: run(gpu, dCProgram(d, a), [H, dy, ...gate], d)
  };
  if (skip) {
    const dD = channelSumProgram("dD", `${a.hasZ}`, ["dy", "u", ...(z ? ["z"] : [])], d, `${gatedDy(a.hasZ, "i")} * u[i]`);
    grads.D = run(gpu, dD, [dy, u, ...gate], d);
  }
  if (z) grads.z = run(gpu, dzProgram(d, a), [dy, z, C, H, ...(skip ? [u, skip] : [])], d);
  if (deltaBias) grads.deltaBias = run(gpu, channelSumProgram("dBias", "", ["dDelta"], d, "dDelta[i]"), [dDeltaRaw], d);
  for (const t of [H, G, ...(a.deltaSoftplus ? [dDelta] : [])]) gpu.disposeData(t.dataId);
  if (owned) gpu.disposeData(delta.dataId);
  return packScanInputs(grads);
};

/** Registers the WGSL kernels; they only run once a WebGPU backend is active. */
export function registerWebGPUScanKernels(): void {
  registerKernelOnce(SELECTIVE_SCAN, "webgpu", forwardKernel);
  registerKernelOnce(SELECTIVE_SCAN_GRAD, "webgpu", backwardKernel);
}

import type * as tf from "@tensorflow/tfjs";
import type {WebGPUBackend, WebGPUProgram} from "@tensorflow/tfjs-backend-webgpu";
import {gpuScanKernels, type Dims, type ScanPrograms} from "./scanGpu.js";
import {registerKernelOnce, SELECTIVE_SCAN, SELECTIVE_SCAN_GRAD, type ScanAttrs} from "./scanKernel.js";

/**
 * The selective scan's programs in WGSL, run through runWebGPUProgram (plan: scanGpu.ts).
 * The sequential ones give a thread a whole sequence: the forward one (batch, channel) with its
 * N states in registers, the states and adjoints one (batch, channel, state) each.
 *
 * Pipeline-cache safety: tfjs caches pipelines by shaderKey (plus ranks and dtypes), so every
 * value baked into WGSL — the state size of the forward's register array and the flags that
 * add or remove inputs — is in shaderKey; sizes otherwise come from uniforms. Every input must
 * be read by the shader: an unused one drops out of the bind group layout, which invalidates
 * the whole command buffer it was recorded in (silently: zeros, and warnings on the console).
 */

const WORKGROUP = 64;

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
 * after the bounds check. Inputs are read as flat arrays by name; pos(l) is the row of the
 * recurrence's position l (scanGpu.ts), so the direction is part of the key.
 */
function program(
  name: string, key: string, variableNames: string[], outputShape: number[], d: Dims, threads: keyof typeof THREADS, main: string, reverse = false
): WebGPUProgram {
  return {
    variableNames,
    outputShape,
    shaderKey: `selectiveScan_${name}_${key}_${reverse}`,
    dispatchLayout: {x: outputShape.map((_, i) => i)},
    dispatch: [Math.ceil(THREADS[threads].count(d) / WORKGROUP), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    uniforms: UNIFORMS,
    getUserCode: () => `
      ${HELPERS}
      fn pos(l : i32) -> i32 { return ${reverse ? "uniforms.seqLen - 1 - l" : "l"}; }
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

/** ḡ at flat index i: dy · silu(z), or dy without a gate. */
const gatedDy = (hasZ: boolean, i: string) => (hasZ ? `dy[${i}] * siluF(z[${i}])` : `dy[${i}]`);
const withZ = (a: ScanAttrs) => (a.hasZ ? ["z"] : []);
const tokens = (d: Dims) => [d.batch, d.length, d.channels];
const full = (d: Dims) => [d.batch, d.length, d.channels, d.state];
const positions = (d: Dims) => [d.batch, d.length, d.state];

/** A per-channel sum over batch and length of `term(i)`. */
const channelSum = (name: string, key: string, names: string[], d: Dims, term: string) =>
  program(name, key, names, [d.channels], d, "channels", `
    var s = 0.0;
    for (var bl = 0; bl < nb * L; bl++) {
      let i = bl * D + index;
      s += ${term};
    }
    result[index] = s;`);

const WGSL_PROGRAMS: ScanPrograms<WebGPUProgram> = {
  delta: (d, a) => {
    const x = a.hasDeltaBias ? "delta[index] + bias[index % D]" : "delta[index]";
    return program("delta", `${a.hasDeltaBias}_${a.deltaSoftplus}`, ["delta", ...(a.hasDeltaBias ? ["bias"] : [])], tokens(d), d, "tokens",
      `result[index] = ${a.deltaSoftplus ? `softplusF(${x})` : x};`);
  },

  // The register array's length is baked in, so the state size is part of the key.
  forward: (d, a) => program("forward", `${a.hasD}_${a.hasZ}_${d.state}`,
    ["u", "delta", "A", "B", "C", ...(a.hasD ? ["skip"] : []), ...withZ(a)], tokens(d), d, "sequences", `
    let b = index / D;
    let d = index - b * D;
    var h : array<f32, ${d.state}>;
    for (var n = 0; n < N; n++) { h[n] = 0.0; }
    for (var l = 0; l < L; l++) {
      let i = (b * L + pos(l)) * D + d;
      let bc = (b * L + pos(l)) * N;
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
    }`, a.reverse),

  states: (d, a) => program("states", "", ["u", "delta", "A", "B"], full(d), d, "states", `
    let n = index % N;
    let d = (index / N) % D;
    let b = index / (N * D);
    let a = A[d * N + n];
    var h = 0.0;
    for (var l = 0; l < L; l++) {
      let bl = b * L + pos(l);
      let i = bl * D + d;
      let dt = delta[i];
      h = exp(dt * a) * h + dt * B[bl * N + n] * u[i];
      result[i * N + n] = h;
    }`, a.reverse),

  adjoint: (d, a) => program("adjoint", `${a.hasZ}`, ["delta", "A", "C", "dy", ...withZ(a)], full(d), d, "states", `
    let n = index % N;
    let d = (index / N) % D;
    let b = index / (N * D);
    let a = A[d * N + n];
    var g = 0.0;
    for (var l = L - 1; l >= 0; l--) {
      let bl = b * L + pos(l);
      let i = bl * D + d;
      g += ${gatedDy(a.hasZ, "i")} * C[bl * N + n];
      result[i * N + n] = g;
      g *= exp(delta[i] * a);
    }`, a.reverse),

  dDelta: (d, a) => program("dDelta", "", ["G", "H", "delta", "A", "B", "u"], tokens(d), d, "tokens", `
    let bl = index / D;
    let l = pos(bl % L);
    let prev = ((bl - bl % L + pos(l - 1)) * D + index % D) * N;
    let d = index % D;
    let dt = delta[index];
    let x = u[index];
    var s = 0.0;
    for (var n = 0; n < N; n++) {
      var hPrev = 0.0;
      if (l > 0) { hPrev = H[prev + n]; }
      let a = A[d * N + n];
      s += G[index * N + n] * (a * exp(dt * a) * hPrev + B[bl * N + n] * x);
    }
    result[index] = s;`, a.reverse),

  softplusGrad: (d, a) => {
    const x = a.hasDeltaBias ? "delta[index] + bias[index % D]" : "delta[index]";
    return program("softplusGrad", `${a.hasDeltaBias}`, ["dDelta", "delta", ...(a.hasDeltaBias ? ["bias"] : [])], tokens(d), d, "tokens",
      `result[index] = dDelta[index] * sigmoidF(${x});`);
  },

  du: (d, a) => program("du", `${a.hasD}_${a.hasZ}`, ["G", "delta", "B", ...(a.hasD ? ["dy", "skip", ...withZ(a)] : [])], tokens(d), d, "tokens", `
    let bl = index / D;
    var s = 0.0;
    for (var n = 0; n < N; n++) { s += G[index * N + n] * B[bl * N + n]; }
    result[index] = delta[index] * s${a.hasD ? ` + ${gatedDy(a.hasZ, "index")} * skip[index % D]` : ""};`),

  dA: (d, a) => program("dA", "", ["G", "H", "delta", "A"], [d.channels, d.state], d, "matrix", `
    let n = index % N;
    let d = index / N;
    let a = A[index];
    var s = 0.0;
    for (var b = 0; b < nb; b++) {
      for (var l = 1; l < L; l++) {
        let i = (b * L + pos(l)) * D + d;
        let dt = delta[i];
        s += G[i * N + n] * dt * exp(dt * a) * H[((b * L + pos(l - 1)) * D + d) * N + n];
      }
    }
    result[index] = s;`, a.reverse),

  dB: (d) => program("dB", "", ["G", "delta", "u"], positions(d), d, "positions", `
    let n = index % N;
    let bl = index / N;
    var s = 0.0;
    for (var d = 0; d < D; d++) {
      let i = bl * D + d;
      s += G[i * N + n] * delta[i] * u[i];
    }
    result[index] = s;`),

  dC: (d, a) => program("dC", `${a.hasZ}`, ["H", "dy", ...withZ(a)], positions(d), d, "positions", `
    let n = index % N;
    let bl = index / N;
    var s = 0.0;
    for (var d = 0; d < D; d++) {
      let i = bl * D + d;
      s += ${gatedDy(a.hasZ, "i")} * H[i * N + n];
    }
    result[index] = s;`),

  dD: (d, a) => channelSum("dD", `${a.hasZ}`, ["dy", "u", ...withZ(a)], d, `${gatedDy(a.hasZ, "i")} * u[i]`),

  dz: (d, a) => program("dz", `${a.hasD}`, ["dy", "z", "C", "H", ...(a.hasD ? ["u", "skip"] : [])], tokens(d), d, "tokens", `
    let bl = index / D;
    var y = 0.0;
    for (var n = 0; n < N; n++) { y += C[bl * N + n] * H[index * N + n]; }
    ${a.hasD ? "y += skip[index % D] * u[index];" : ""}
    let zz = z[index];
    let sg = sigmoidF(zz);
    result[index] = dy[index] * y * sg * (1.0 + zz * (1.0 - sg));`),

  dDeltaBias: (d) => channelSum("dDeltaBias", "", ["dDelta"], d, "dDelta[i]")
};

const {forward, backward} = gpuScanKernels(WGSL_PROGRAMS, (backend) => {
  const gpu = backend as WebGPUBackend;
  return {
    run: (p, inputs, d) => {
      const uniforms = [d.batch, d.length, d.channels, d.state].map((v) => ({type: "int32", data: [v]}));
      return gpu.runWebGPUProgram(p, inputs, "float32", uniforms);
    },
    dispose: (t: tf.TensorInfo) => gpu.disposeData(t.dataId)
  };
});

/** Registers the WGSL kernels; they only run once a WebGPU backend is active. */
export function registerWebGPUScanKernels(): void {
  registerKernelOnce(SELECTIVE_SCAN, "webgpu", forward);
  registerKernelOnce(SELECTIVE_SCAN_GRAD, "webgpu", backward);
}

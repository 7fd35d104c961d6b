import type * as tf from "@tensorflow/tfjs";
import type {GPGPUProgram, MathBackendWebGL} from "@tensorflow/tfjs-backend-webgl";
import {gpuScanKernels, type Dims, type ScanPrograms} from "./scanGpu.js";
import {registerKernelOnce, SELECTIVE_SCAN, SELECTIVE_SCAN_GRAD, type ScanAttrs} from "./scanKernel.js";

/**
 * The selective scan's programs in GLSL for tfjs's WebGL backend (plan: scanGpu.ts).
 *
 * A fragment shader writes one value, so nothing can carry a state along the sequence: the
 * sequential programs (y, the states, the adjoints) recompute their prefix (or suffix) of the
 * recurrence per output, O(L) work per value and O(L²) per sequence. At the student's 65 tokens
 * that is ~33 steps per value, all in parallel, against the reference's ~10 dispatches per
 * position; the remaining programs are the same sums as on WebGPU.
 *
 * Sizes and flags are baked into the GLSL; WebGL's program cache keys on the code and the input
 * shapes, so they need no key of their own.
 */

const HELPERS = `
  float sigmoidF(float x) { return 1.0 / (1.0 + exp(-x)); }
  float siluF(float x) { return x * sigmoidF(x); }
  // log(1 + e^x) without overflow, and without losing tiny values to 1 + e^x rounding.
  float softplusF(float x) {
    float e = exp(-abs(x));
    float lp = e < 1e-3 ? e * (1.0 - e * (0.5 - e / 3.0)) : log(1.0 + e);
    return max(x, 0.0) + lp;
  }
`;

/** pos(l) is the row of the recurrence's position l (scanGpu.ts); it is its own inverse. */
function program(variableNames: string[], outputShape: number[], d: Dims, main: string, extra = "", reverse = false): GPGPUProgram {
  return {
    variableNames,
    outputShape,
    userCode: `
      const int NB = ${d.batch};
      const int NL = ${d.length};
      const int ND = ${d.channels};
      const int NN = ${d.state};
      ${HELPERS}
      int pos(int l) { return ${reverse ? "NL - 1 - l" : "l"}; }
      ${extra}
      void main() {
        ${main}
      }`
  };
}

/** ḡ(b, l, d): dy · silu(z), or dy without a gate. */
const gatedDy = (a: ScanAttrs) =>
  `float gbar(int b, int l, int d) { return getDy(b, l, d)${a.hasZ ? " * siluF(getZ(b, l, d))" : ""}; }`;
const withZ = (a: ScanAttrs) => (a.hasZ ? ["z"] : []);
const tokens = (d: Dims) => [d.batch, d.length, d.channels];
const full = (d: Dims) => [d.batch, d.length, d.channels, d.state];
const positions = (d: Dims) => [d.batch, d.length, d.state];
const TOKEN = "ivec3 c = getOutputCoords(); int b = c.x; int l = c.y; int d = c.z;";
const STATE = "ivec4 c = getOutputCoords(); int b = c.x; int l = c.y; int d = c.z; int n = c.w;";
const POSITION = "ivec3 c = getOutputCoords(); int b = c.x; int l = c.y; int n = c.z;";

const GLSL_PROGRAMS: ScanPrograms<GPGPUProgram> = {
  delta: (d, a) => program(["delta", ...(a.hasDeltaBias ? ["bias"] : [])], tokens(d), d, `
    ${TOKEN}
    float x = getDelta(b, l, d)${a.hasDeltaBias ? " + getBias(d)" : ""};
    setOutput(${a.deltaSoftplus ? "softplusF(x)" : "x"});`),

  forward: (d, a) => program(["u", "delta", "A", "B", "C", ...(a.hasD ? ["skip"] : []), ...withZ(a)], tokens(d), d, `
    ${TOKEN}
    float h[NN];
    for (int n = 0; n < NN; n++) h[n] = 0.0;
    for (int k = 0; k < NL; k++) {
      if (k > pos(l)) break;
      float dt = getDelta(b, pos(k), d);
      float x = getU(b, pos(k), d);
      for (int n = 0; n < NN; n++) h[n] = exp(dt * getA(d, n)) * h[n] + dt * getB(b, pos(k), n) * x;
    }
    float y = 0.0;
    for (int n = 0; n < NN; n++) y += getC(b, l, n) * h[n];
    ${a.hasD ? "y += getSkip(d) * getU(b, l, d);" : ""}
    ${a.hasZ ? "y *= siluF(getZ(b, l, d));" : ""}
    setOutput(y);`, "", a.reverse),

  states: (d, a) => program(["u", "delta", "A", "B"], full(d), d, `
    ${STATE}
    float a = getA(d, n);
    float h = 0.0;
    for (int k = 0; k < NL; k++) {
      if (k > pos(l)) break;
      float dt = getDelta(b, pos(k), d);
      h = exp(dt * a) * h + dt * getB(b, pos(k), n) * getU(b, pos(k), d);
    }
    setOutput(h);`, "", a.reverse),

  adjoint: (d, a) => program(["delta", "A", "C", "dy", ...withZ(a)], full(d), d, `
    ${STATE}
    float a = getA(d, n);
    float g = 0.0;
    float decay = 1.0;
    for (int j = 0; j < NL; j++) {
      int k = NL - 1 - j;
      if (k < pos(l)) break;
      g = g * decay + gbar(b, pos(k), d) * getC(b, pos(k), n);
      decay = exp(getDelta(b, pos(k), d) * a);
    }
    setOutput(g);`, gatedDy(a), a.reverse),

  dDelta: (d, a) => program(["G", "H", "delta", "A", "B", "u"], tokens(d), d, `
    ${TOKEN}
    float dt = getDelta(b, l, d);
    float x = getU(b, l, d);
    float s = 0.0;
    for (int n = 0; n < NN; n++) {
      float hPrev = 0.0;
      if (pos(l) > 0) hPrev = getH(b, pos(pos(l) - 1), d, n);
      float a = getA(d, n);
      s += getG(b, l, d, n) * (a * exp(dt * a) * hPrev + getB(b, l, n) * x);
    }
    setOutput(s);`, "", a.reverse),

  softplusGrad: (d, a) => program(["dDelta", "delta", ...(a.hasDeltaBias ? ["bias"] : [])], tokens(d), d, `
    ${TOKEN}
    setOutput(getDDelta(b, l, d) * sigmoidF(getDelta(b, l, d)${a.hasDeltaBias ? " + getBias(d)" : ""}));`),

  du: (d, a) => program(["G", "delta", "B", ...(a.hasD ? ["dy", "skip", ...withZ(a)] : [])], tokens(d), d, `
    ${TOKEN}
    float s = 0.0;
    for (int n = 0; n < NN; n++) s += getG(b, l, d, n) * getB(b, l, n);
    setOutput(getDelta(b, l, d) * s${a.hasD ? " + gbar(b, l, d) * getSkip(d)" : ""});`, a.hasD ? gatedDy(a) : ""),

  dA: (d, a) => program(["G", "H", "delta", "A"], [d.channels, d.state], d, `
    ivec2 c = getOutputCoords();
    int d = c.x;
    int n = c.y;
    float a = getA(d, n);
    float s = 0.0;
    for (int b = 0; b < NB; b++) {
      for (int l = 1; l < NL; l++) {
        float dt = getDelta(b, pos(l), d);
        s += getG(b, pos(l), d, n) * dt * exp(dt * a) * getH(b, pos(l - 1), d, n);
      }
    }
    setOutput(s);`, "", a.reverse),

  dB: (d) => program(["G", "delta", "u"], positions(d), d, `
    ${POSITION}
    float s = 0.0;
    for (int d = 0; d < ND; d++) s += getG(b, l, d, n) * getDelta(b, l, d) * getU(b, l, d);
    setOutput(s);`),

  dC: (d, a) => program(["H", "dy", ...withZ(a)], positions(d), d, `
    ${POSITION}
    float s = 0.0;
    for (int d = 0; d < ND; d++) s += gbar(b, l, d) * getH(b, l, d, n);
    setOutput(s);`, gatedDy(a)),

  dD: (d, a) => program(["dy", "u", ...withZ(a)], [d.channels], d, `
    int d = getOutputCoords();
    float s = 0.0;
    for (int b = 0; b < NB; b++) {
      for (int l = 0; l < NL; l++) s += gbar(b, l, d) * getU(b, l, d);
    }
    setOutput(s);`, gatedDy(a)),

  dz: (d, a) => program(["dy", "z", "C", "H", ...(a.hasD ? ["u", "skip"] : [])], tokens(d), d, `
    ${TOKEN}
    float y = 0.0;
    for (int n = 0; n < NN; n++) y += getC(b, l, n) * getH(b, l, d, n);
    ${a.hasD ? "y += getSkip(d) * getU(b, l, d);" : ""}
    float zz = getZ(b, l, d);
    float sg = sigmoidF(zz);
    setOutput(getDy(b, l, d) * y * sg * (1.0 + zz * (1.0 - sg)));`),

  dDeltaBias: (d) => program(["dDelta"], [d.channels], d, `
    int d = getOutputCoords();
    float s = 0.0;
    for (int b = 0; b < NB; b++) {
      for (int l = 0; l < NL; l++) s += getDDelta(b, l, d);
    }
    setOutput(s);`)
};

const {forward, backward} = gpuScanKernels(GLSL_PROGRAMS, (backend) => {
  const gl = backend as MathBackendWebGL;
  return {
    run: (p, inputs) => gl.compileAndRun(p, inputs, "float32"),
    dispose: (t: tf.TensorInfo) => gl.disposeIntermediateTensorInfo(t)
  };
});

/** Registers the GLSL kernels; they only run once a WebGL backend is active. */
export function registerWebGLScanKernels(): void {
  registerKernelOnce(SELECTIVE_SCAN, "webgl", forward);
  registerKernelOnce(SELECTIVE_SCAN_GRAD, "webgl", backward);
}

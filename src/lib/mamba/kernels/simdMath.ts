// The vector maths the CPU kernels share (selective scan, causal conv + SiLU), as WebAssembly SIMD code.
import {f32x4, get, i32x4, set, type Code, type FunctionBuilder, type Local} from "./wasmAssembler.js";

export const LOG2E = Math.LOG2E;
/**
 * 2^f on f ∈ [-½, ½], a degree-5 polynomial fitted for least maximum relative error (iteratively
 * reweighted least squares on Chebyshev nodes): relative error 7.5e-8 in exact arithmetic, 2.3e-7
 * evaluated in float32 (test/node/mamba/scanExp.test.ts), as good as the degree-6 Taylor series
 * it replaces with one multiply-add less.
 */
const EXP2_COEFFS = [
  1.0000000716556143, 0.6931469670599173, 0.24022119719083826, 0.055507132790125646, 0.009675541596173846, 0.0013276470967929688
];
/**
 * 1.5·2^23 + 127: adding it to |t| < 2^22 rounds t to the nearest integer k (the sum's unit in
 * the last place is 1) and leaves 127 + k in the low mantissa bits, so shifting the sum's bits
 * left by 23 gives the float 2^k. Replaces round, float-to-int conversion and add.
 */
const ROUND_BIAS = 12582912 + 127;

/** Polynomial Σ c_k x^k by Horner's rule; `x` must be a cheap local.get. */
function horner(x: Code, coeffs: readonly number[]): Code {
  let p = f32x4.splat(coeffs[coeffs.length - 1]);
  for (let k = coeffs.length - 2; k >= 0; k--) p = f32x4.add(f32x4.mul(p, x), f32x4.splat(coeffs[k]));
  return p;
}

/** Vector exp, softplus and sigmoid, each owning its scratch locals so they can nest. */
export class SimdMath {
  private readonly t: Local;
  private readonly k: Local;
  private readonly spX: Local;
  private readonly spS: Local;
  private readonly sgE: Local;

  constructor(fn: FunctionBuilder) {
    this.t = fn.local("v128");
    this.k = fn.local("v128");
    this.spX = fn.local("v128");
    this.spS = fn.local("v128");
    this.sgE = fn.local("v128");
  }

  /**
   * dst = 2^t = 2^k · 2^f, k = round(t), f = t − k. t is clamped to [−126, 127] with the
   * single-instruction pseudo-min and -max, so 2^k stays a normal float.
   */
  exp2(dst: Local, t: Code): Code {
    const {t: tl, k} = this;
    return [
      ...set(tl, f32x4.pmin(f32x4.pmax(t, f32x4.splat(-126)), f32x4.splat(127))),
      ...set(k, f32x4.add(get(tl), f32x4.splat(ROUND_BIAS))),
      ...set(tl, f32x4.sub(get(tl), f32x4.sub(get(k), f32x4.splat(ROUND_BIAS)))),
      ...set(dst, f32x4.mul(horner(get(tl), EXP2_COEFFS), i32x4.shl(get(k), 23)))
    ];
  }

  /** dst = exp(x) = 2^{x·log2e}. */
  exp(dst: Local, x: Code): Code {
    return this.exp2(dst, f32x4.mul(x, f32x4.splat(LOG2E)));
  }

  /**
   * dst = log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}), with log1p(e) = 2·atanh(s), s = e/(2+e)
   * ≤ 1/3, whose odd series to s^13 is exact to float32 and keeps relative accuracy for tiny e.
   */
  softplus(dst: Local, x: Code): Code {
    const {spX, spS} = this;
    const s2 = f32x4.mul(get(spS), get(spS));
    let series = f32x4.splat(1 / 13);
    for (const c of [1 / 11, 1 / 9, 1 / 7, 1 / 5, 1 / 3, 1]) series = f32x4.add(f32x4.mul(series, s2), f32x4.splat(c));
    return [
      ...set(spX, x),
      ...this.exp(spS, f32x4.neg(f32x4.abs(get(spX)))),
      ...set(spS, f32x4.div(get(spS), f32x4.add(f32x4.splat(2), get(spS)))),
      ...set(dst, f32x4.add(f32x4.pmax(get(spX), f32x4.splat(0)), f32x4.mul(f32x4.mul(f32x4.splat(2), get(spS)), series)))
    ];
  }

  /** dst = 1 / (1 + e^{-x}). */
  sigmoid(dst: Local, x: Code): Code {
    return [
      ...this.exp(this.sgE, f32x4.neg(x)),
      ...set(dst, f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), get(this.sgE))))
    ];
  }
}


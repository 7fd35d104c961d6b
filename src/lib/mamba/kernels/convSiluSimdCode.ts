import {SimdMath} from "./simdMath.js";
import {assembleModule, f32x4, forUp, FunctionBuilder, get, i32, set, type Code} from "./wasmAssembler.js";

/**
 * Mamba's causal depthwise conv1d followed by SiLU, u = silu(b + Σ_k w_k ⊙ x_{l−(K−1)+k}), as
 * WebAssembly SIMD, four channels per vector, every sequence of the batch in one call.
 * Layouts (f32, byte addresses as parameters; channels padded to Cp, a multiple of 4):
 *   x, y, dy, dx: [sequences, L, Cp];  w, dw: [K, Cp];  bias, dbias: [Cp].
 * `reverse` (0 or 1) makes the conv anti-causal, as Vim's backward direction needs: position l
 * of the conv lives at row L−1−l of x, y, dy and dx, so the taps walk up the rows instead of down
 * and the sequence is never flipped in memory.
 */

export const FORWARD_PARAMS = ["x", "w", "bias", "y", "sequences", "L", "rowBytes", "K", "reverse"] as const;
export const BACKWARD_PARAMS = ["x", "w", "bias", "dy", "dx", "dw", "dbias", "sequences", "L", "rowBytes", "K", "reverse"] as const;
export type ForwardParam = (typeof FORWARD_PARAMS)[number];
export type BackwardParam = (typeof BACKWARD_PARAMS)[number];
type SharedParam = ForwardParam & BackwardParam;

/** The loops and the pre-activation s = b + Σ_k w_k x_{l−(K−1)+k} that forward and backward share. */
class ConvCode<P extends string> {
  readonly fn: FunctionBuilder;
  readonly math: SimdMath;
  readonly locals;

  constructor(name: string, private readonly params: readonly P[]) {
    this.fn = new FunctionBuilder(name, params.map(() => "i32"));
    this.math = new SimdMath(this.fn);
    const [seq, l, g, row, k, k0, xAddr, wAddr, end, first, xStep] = Array.from({length: 11}, () => this.fn.local("i32"));
    this.locals = {seq, l, g, row, k, k0, xAddr, wAddr, end, first, xStep, s: this.fn.local("v128")};
  }

  p(name: SharedParam | P): Code {
    return get(this.fn.param(this.params.indexOf(name as P)));
  }

  /**
   * For every row's channel group: s, then `body`, where the taps' loop can be walked again with
   * `taps`, whose `tapBody` sees xAddr and wAddr at tap k (the first k0 taps fall before the sequence).
   * Position l's row is first + l·(±1), and a tap one position earlier is xStep bytes away.
   */
  everyGroup(body: Code[]): Code {
    const {seq, l, g, row, k0, end, first, xStep} = this.locals;
    const rowBytes = this.p("rowBytes");
    const direction = i32.sub(i32.const(1), i32.mul(this.p("reverse"), i32.const(2)));
    return [
      set(first, i32.mul(this.p("reverse"), i32.sub(this.p("L"), i32.const(1)))),
      set(xStep, i32.mul(direction, rowBytes)),
      forUp(seq, i32.const(0), this.p("sequences"), i32.const(1), [
        forUp(l, i32.const(0), this.p("L"), i32.const(1), [
          set(row, i32.mul(i32.add(i32.mul(get(seq), this.p("L")), i32.add(get(first), i32.mul(get(l), direction))), rowBytes)),
          set(k0, i32.sub(i32.sub(this.p("K"), i32.const(1)), i32.minS(get(l), i32.sub(this.p("K"), i32.const(1))))),
          set(end, i32.add(get(row), rowBytes)),
          forUp(g, get(row), get(end), i32.const(16), body)
        ])
      ])
    ].flat();
  }

  /** Runs `tapBody` for k = k0 … K−1 with xAddr = x at position l − (K−1) + k and wAddr = w_k, both at this group. */
  taps(tapBody: Code[]): Code[] {
    const {g, row, k, k0, xAddr, wAddr, xStep} = this.locals;
    const rowBytes = this.p("rowBytes");
    return [
      set(xAddr, i32.add(this.p("x"), i32.sub(get(g), i32.mul(i32.sub(i32.sub(this.p("K"), i32.const(1)), get(k0)), get(xStep))))),
      set(wAddr, i32.add(this.p("w"), i32.add(i32.mul(get(k0), rowBytes), i32.sub(get(g), get(row))))),
      forUp(k, get(k0), this.p("K"), i32.const(1), [
        ...tapBody,
        set(xAddr, i32.add(get(xAddr), get(xStep))),
        set(wAddr, i32.add(get(wAddr), rowBytes))
      ])
    ];
  }

  /** s = bias + Σ_k w_k x_{l−(K−1)+k} at this group. */
  preActivation(): Code[] {
    const {g, row, xAddr, wAddr, s} = this.locals;
    return [
      set(s, f32x4.load(i32.add(this.p("bias"), i32.sub(get(g), get(row))))),
      ...this.taps([set(s, f32x4.add(get(s), f32x4.mul(f32x4.load(get(wAddr)), f32x4.load(get(xAddr)))))])
    ];
  }
}

/** forward: y = s · σ(s). */
function forwardFunction() {
  const c = new ConvCode("forward", FORWARD_PARAMS);
  const {g, s} = c.locals;
  const sig = c.fn.local("v128");
  const body = [
    c.everyGroup([
      ...c.preActivation(),
      c.math.sigmoid(sig, get(s)),
      f32x4.store(i32.add(c.p("y"), get(g)), f32x4.mul(get(s), get(sig)))
    ])
  ];
  return {builder: c.fn, body};
}

/**
 * backward: ∂s = dy · silu'(s), silu'(s) = σ(s)(1 + s(1 − σ(s))), s recomputed from x; then
 * dbias += ∂s, dw_k += ∂s · x_{l−(K−1)+k} and dx_{l−(K−1)+k} += ∂s · w_k (dx starts at zero).
 */
function backwardFunction() {
  const c = new ConvCode("backward", BACKWARD_PARAMS);
  const {g, row, xAddr, wAddr, s} = c.locals;
  const [sig, ds] = [c.fn.local("v128"), c.fn.local("v128")];
  const dbAddr = i32.add(c.p("dbias"), i32.sub(get(g), get(row)));
  const dwAddr = i32.add(c.p("dw"), i32.sub(get(wAddr), c.p("w")));
  const dxAddr = i32.add(c.p("dx"), i32.sub(get(xAddr), c.p("x")));
  const body = [
    c.everyGroup([
      ...c.preActivation(),
      c.math.sigmoid(sig, get(s)),
      set(ds, f32x4.mul(
        f32x4.load(i32.add(c.p("dy"), get(g))),
        f32x4.mul(get(sig), f32x4.add(f32x4.splat(1), f32x4.mul(get(s), f32x4.sub(f32x4.splat(1), get(sig)))))
      )),
      f32x4.store(dbAddr, f32x4.add(f32x4.load(dbAddr), get(ds))),
      ...c.taps([
        f32x4.store(dwAddr, f32x4.add(f32x4.load(dwAddr), f32x4.mul(get(ds), f32x4.load(get(xAddr))))),
        f32x4.store(dxAddr, f32x4.add(f32x4.load(dxAddr), f32x4.mul(get(ds), f32x4.load(get(wAddr)))))
      ])
    ])
  ];
  return {builder: c.fn, body};
}

/** The module's bytes: `forward(...FORWARD_PARAMS)`, `backward(...BACKWARD_PARAMS)`, and `memory`, its own or imported. */
export function convSiluModuleBytes(importMemory = false): Uint8Array<ArrayBuffer> {
  return assembleModule([forwardFunction(), backwardFunction()], {importMemory});
}

import {SimdMath, LOG2E} from "./simdMath.js";
import {assembleModule, f32, f32x4, forDown, forUp, FunctionBuilder, get, i32, ifElse, set, type Code} from "./wasmAssembler.js";

/**
 * The selective scan (docs/method.md, "The selective scan (Mamba)") as WebAssembly SIMD, four
 * channels per vector: one call processes one sequence of the batch, all channels, channel
 * groups outermost, so each group's state h[n] (N vectors) stays in cache along the whole
 * sequence.
 *
 * Memory layouts (f32, byte addresses as parameters; channels padded to Dp, a multiple of 4):
 *   u, delta, z, dy, y, du, ddelta, dz: [L, Dp];  B, C: [L, N];  At, dAt (A transposed): [N, Dp];
 *   D, deltaBias, dD, ddeltaBias: [Dp];  dB4, dC4: [L, N, 4], per-lane partial sums over channels,
 *   so no lane is summed inside the hot loop; the backward adds the four lanes into dB, dC: [L, N]
 *   once at its end.
 *
 * `reverse` (0 or 1) runs the recurrence from the last position to the first, as Vim's backward
 * direction needs: position l of the recurrence lives at row L−1−l of every [L, ·] input and
 * output, so the sequence is never flipped in memory. Buffers the kernel keeps for itself stay in
 * recurrence order.
 */

export const FORWARD_PARAMS = ["L", "rowBytes", "N", "u", "delta", "z", "B", "C", "At", "D", "deltaBias", "y", "h", "softplus", "gate", "reverse"] as const;
export const BACKWARD_PARAMS = [
  "L", "rowBytes", "N", "u", "delta", "z", "B", "C", "At", "D", "deltaBias", "dy",
  "du", "ddelta", "dz", "dB", "dC", "dB4", "dC4", "dAt", "dD", "ddeltaBias",
  "T", "chunks", "checkpoints", "hs", "es", "dts", "ys", "adjoint", "softplus", "gate", "reverse"
] as const;
export type ForwardParam = (typeof FORWARD_PARAMS)[number];
export type BackwardParam = (typeof BACKWARD_PARAMS)[number];

type SharedParam = ForwardParam & BackwardParam;

const at = (base: Code, offset: Code) => i32.add(base, offset);

/**
 * What forward and backward share: one function's parameters, maths and the locals of the
 * forward recurrence, with the code for one position of one channel group.
 */
class ScanCode<P extends string> {
  readonly fn: FunctionBuilder;
  readonly math: SimdMath;
  readonly i32Locals;
  readonly v128Locals;

  constructor(name: string, private readonly params: readonly P[]) {
    this.fn = new FunctionBuilder(name, params.map(() => "i32"));
    this.math = new SimdMath(this.fn);
    const [g, n16, row, bc, aAddr, nb, N16, N4, rowFirst, bcFirst, rowStep, bcStep] = Array.from({length: 12}, () => this.fn.local("i32"));
    this.i32Locals = {g, n16, row, bc, aAddr, nb, N16, N4, rowFirst, bcFirst, rowStep, bcStep};
    const [dv, bias, x, dt, dtl, uu, dtu, acc, e, h] = Array.from({length: 10}, () => this.fn.local("v128"));
    this.v128Locals = {dv, bias, x, dt, dtl, uu, dtu, acc, e, h};
  }

  p(name: P): Code {
    return get(this.fn.param(this.params.indexOf(name)));
  }

  /**
   * The sizes in bytes the loops step by: N16 = one state vector per n, N4 = one f32 per n; and
   * where the recurrence starts in the [L, ·] inputs (rowFirst, bcFirst: row 0, or row L−1 when
   * reversed) and how far it moves per position (rowStep, bcStep: ± one row).
   */
  prologue(): Code[] {
    const {N16, N4, rowFirst, bcFirst, rowStep, bcStep} = this.i32Locals;
    const p = (k: SharedParam) => this.p(k as P);
    const first = i32.mul(p("reverse"), i32.sub(p("L"), i32.const(1)));
    const direction = i32.sub(i32.const(1), i32.mul(p("reverse"), i32.const(2)));
    return [
      set(N16, i32.mul(p("N"), i32.const(16))),
      set(N4, i32.mul(p("N"), i32.const(4))),
      set(rowFirst, i32.mul(first, p("rowBytes"))),
      set(bcFirst, i32.mul(first, get(N4))),
      set(rowStep, i32.mul(direction, p("rowBytes"))),
      set(bcStep, i32.mul(direction, get(N4)))
    ];
  }

  /** Zeroes the N vectors at `base`. */
  zeroStates(base: Code): Code {
    const {n16, N16} = this.i32Locals;
    return forUp(n16, i32.const(0), get(N16), i32.const(16), [f32x4.store(at(base, get(n16)), f32x4.splat(0))]);
  }

  /** The channel group's D and deltaBias, and the rows of its first position. */
  startGroup(): Code[] {
    const {g, row, bc, rowFirst, bcFirst} = this.i32Locals;
    const {dv, bias} = this.v128Locals;
    const p = (k: SharedParam) => this.p(k as P);
    return [
      set(dv, f32x4.load(at(p("D"), get(g)))), set(bias, f32x4.load(at(p("deltaBias"), get(g)))),
      set(row, i32.add(get(rowFirst), get(g))), set(bc, get(bcFirst))
    ];
  }

  /**
   * Position `row`: Δ = softplus(δ + bias); h_n = exp(Δ A_n) h_n + Δ B_n u read at `stateIn(n16)`
   * and written at `stateOut(n16)`, exp(Δ A_n) also kept at `keepDecay(n16)` if given; ends with
   * acc = C·h + D u, the output before the gate.
   */
  step(stateIn: (n16: Code) => Code, stateOut: (n16: Code) => Code, keepDecay?: (n16: Code) => Code): Code[] {
    const {g, n16, row, bc, aAddr, nb, N16} = this.i32Locals;
    const {dv, bias, x, dt, dtl, uu, dtu, acc, e, h} = this.v128Locals;
    const p = (k: SharedParam) => this.p(k as P);
    return [
      set(x, f32x4.add(f32x4.load(at(p("delta"), get(row))), get(bias))),
      ifElse(p("softplus"), [this.math.softplus(dt, get(x))], [set(dt, get(x))]),
      // exp(Δ A_n) = 2^{(Δ·log2e) A_n}: one multiply per position instead of one per state.
      set(dtl, f32x4.mul(get(dt), f32x4.splat(LOG2E))),
      set(uu, f32x4.load(at(p("u"), get(row)))),
      set(dtu, f32x4.mul(get(dt), get(uu))),
      set(acc, f32x4.splat(0)),
      set(aAddr, at(p("At"), get(g))),
      set(nb, get(bc)),
      forUp(n16, i32.const(0), get(N16), i32.const(16), [
        this.math.exp2(e, f32x4.mul(get(dtl), f32x4.load(get(aAddr)))),
        keepDecay ? f32x4.store(keepDecay(get(n16)), get(e)) : [],
        set(h, f32x4.add(f32x4.mul(get(e), f32x4.load(stateIn(get(n16)))), f32x4.mul(get(dtu), f32x4.loadSplat(at(p("B"), get(nb)))))),
        f32x4.store(stateOut(get(n16)), get(h)),
        set(acc, f32x4.add(get(acc), f32x4.mul(f32x4.loadSplat(at(p("C"), get(nb))), get(h)))),
        set(aAddr, i32.add(get(aAddr), p("rowBytes"))),
        set(nb, i32.add(get(nb), i32.const(4)))
      ]),
      set(acc, f32x4.add(get(acc), f32x4.mul(get(dv), get(uu))))
    ];
  }

  /** Moves `row` and `bc` to the next position of the recurrence. */
  advance(): Code[] {
    const {row, bc, rowStep, bcStep} = this.i32Locals;
    return [set(row, i32.add(get(row), get(rowStep))), set(bc, i32.add(get(bc), get(bcStep)))];
  }
}

/**
 * forward: y = (C·h + D·u) · silu(z) with h_l = exp(Δ_l A) h_{l-1} + Δ_l B_l u_l, Δ = softplus(δ + bias).
 */
function forwardFunction() {
  const c = new ScanCode("forward", FORWARD_PARAMS);
  const p = (k: ForwardParam) => c.p(k);
  const {g, row} = c.i32Locals;
  const {acc} = c.v128Locals;
  const l = c.fn.local("i32");
  const [zz, s] = [c.fn.local("v128"), c.fn.local("v128")];
  const state = (n16: Code) => at(p("h"), n16);
  const body: Code[] = [
    ...c.prologue(),
    forUp(g, i32.const(0), p("rowBytes"), i32.const(16), [
      c.zeroStates(p("h")),
      ...c.startGroup(),
      forUp(l, i32.const(0), p("L"), i32.const(1), [
        ...c.step(state, state),
        ifElse(p("gate"), [
          set(zz, f32x4.load(at(p("z"), get(row)))),
          c.math.sigmoid(s, get(zz)),
          set(acc, f32x4.mul(get(acc), f32x4.mul(get(zz), get(s))))
        ]),
        f32x4.store(at(p("y"), get(row)), get(acc)),
        ...c.advance()
      ])
    ])
  ];
  return {builder: c.fn, body};
}

/**
 * backward, in two sweeps that keep the working set in cache for any length:
 * (1) forward per channel group over the whole sequence, keeping Δ_l, exp(Δ_l A), the output
 *     before the gate, and the state at every chunk start (T positions per chunk) — the states
 *     themselves are recomputed rather than stored ([B, L, D, N] would not fit in cache);
 * (2) chunks from last to first, every channel group within a chunk: rebuild the chunk's h_l
 *     from its checkpoint (no exp: the decays are kept), then walk back with the adjoint
 *     g_l = ∂loss/∂h_l = ḡ_l C_l + exp(Δ_{l+1} A) g_{l+1}, ḡ_l = dy_l · silu(z_l), collecting every
 *     input's gradient. A chunk's rows and per-position sums (dB4, dC4) stay in cache across groups.
 * Layouts: es [G, L, N] and dts, ys [G, L] vectors, G = Dp/4 channel groups; checkpoints
 * [G, chunks, N]; adjoint [G, N]; hs [T + 1, N] (row 0: the state before the chunk).
 */
function backwardFunction() {
  const c = new ScanCode("backward", BACKWARD_PARAMS);
  const p = (k: BackwardParam) => c.p(k);
  const {fn, math} = c;
  const {g, n16, row, bc, aAddr, nb, N16, N4, rowFirst, bcFirst, rowStep, bcStep} = c.i32Locals;
  const {dv, bias, dt, uu, dtu, acc, e} = c.v128Locals;
  const [l, ci, c0, c1, eRow, gl16, hPrev, groupLN, groupCN, adj] = Array.from({length: 10}, () => fn.local("i32"));
  const v = () => fn.local("v128");
  const [zz, s, dyv, dyg, gn, geh, gB, ddtA, dDacc, dBiasAcc, ddt] = Array.from({length: 11}, v);
  const hs = (offset: Code) => at(p("hs"), offset);
  const copyStates = (to: Code, from: Code) =>
    forUp(n16, i32.const(0), get(N16), i32.const(16), [f32x4.store(at(to, get(n16)), f32x4.load(at(from, get(n16))))]);
  // Per-group bases: es and checkpoints by group, dts and ys by group, adjoint by group.
  const groupBases: Code[] = [
    set(groupLN, i32.mul(get(g), i32.mul(p("L"), p("N")))),
    set(groupCN, i32.add(p("checkpoints"), i32.mul(get(g), i32.mul(p("chunks"), p("N"))))),
    set(adj, i32.add(p("adjoint"), i32.mul(get(g), p("N"))))
  ];
  const chunkBounds: Code[] = [set(c0, i32.mul(get(ci), p("T"))), set(c1, i32.minS(i32.add(get(c0), p("T")), p("L")))];
  // Addresses of position l of the recurrence in group g.
  const position: Code[] = [
    set(row, i32.add(i32.add(get(rowFirst), i32.mul(get(l), get(rowStep))), get(g))),
    set(bc, i32.add(get(bcFirst), i32.mul(get(l), get(bcStep)))),
    set(eRow, i32.add(get(groupLN), i32.mul(get(l), get(N16)))),
    set(gl16, i32.add(i32.mul(get(g), p("L")), i32.mul(get(l), i32.const(16))))
  ];

  const sweepForward: Code = forUp(g, i32.const(0), p("rowBytes"), i32.const(16), [
    ...c.startGroup(),
    ...groupBases,
    c.zeroStates(p("hs")),
    set(eRow, get(groupLN)),
    set(gl16, i32.mul(get(g), p("L"))),
    forUp(ci, i32.const(0), p("chunks"), i32.const(1), [
      copyStates(i32.add(get(groupCN), i32.mul(get(ci), get(N16))), p("hs")),
      ...chunkBounds,
      forUp(l, get(c0), get(c1), i32.const(1), [
        ...c.step((n) => hs(n), (n) => hs(n), (n) => at(p("es"), i32.add(get(eRow), n))),
        f32x4.store(at(p("dts"), get(gl16)), get(dt)),
        f32x4.store(at(p("ys"), get(gl16)), get(acc)),
        ...c.advance(),
        set(eRow, i32.add(get(eRow), get(N16))),
        set(gl16, i32.add(get(gl16), i32.const(16)))
      ])
    ])
  ]);

  // h_l = exp(Δ_l A) h_{l−1} + Δ_l u_l B_l from the kept decays, into hs rows 1..T.
  const rebuildChunk: Code[] = [
    copyStates(p("hs"), i32.add(get(groupCN), i32.mul(get(ci), get(N16)))),
    set(hPrev, i32.const(0)),
    forUp(l, get(c0), get(c1), i32.const(1), [
      ...position,
      set(dtu, f32x4.mul(f32x4.load(at(p("dts"), get(gl16))), f32x4.load(at(p("u"), get(row))))),
      set(nb, get(bc)),
      forUp(n16, i32.const(0), get(N16), i32.const(16), [
        f32x4.store(hs(i32.add(i32.add(get(hPrev), get(N16)), get(n16))), f32x4.add(
          f32x4.mul(f32x4.load(at(p("es"), i32.add(get(eRow), get(n16)))), f32x4.load(hs(i32.add(get(hPrev), get(n16))))),
          f32x4.mul(get(dtu), f32x4.loadSplat(at(p("B"), get(nb))))
        )),
        set(nb, i32.add(get(nb), i32.const(4)))
      ]),
      set(hPrev, i32.add(get(hPrev), get(N16)))
    ])
  ];

  const reverseChunk: Code[] = [
    set(dDacc, f32x4.splat(0)),
    set(dBiasAcc, f32x4.splat(0)),
    forDown(l, i32.sub(get(c1), i32.const(1)), get(c0), i32.const(1), [
      ...position,
      set(hPrev, i32.mul(i32.sub(get(l), get(c0)), get(N16))),
      set(dyv, f32x4.load(at(p("dy"), get(row)))),
      ifElse(p("gate"), [
        set(zz, f32x4.load(at(p("z"), get(row)))),
        math.sigmoid(s, get(zz)),
        set(dyg, f32x4.mul(get(dyv), f32x4.mul(get(zz), get(s)))),
        // silu'(z) = σ(z)·(1 + z·(1 − σ(z)))
        f32x4.store(at(p("dz"), get(row)), f32x4.mul(
          f32x4.mul(get(dyv), f32x4.load(at(p("ys"), get(gl16)))),
          f32x4.mul(get(s), f32x4.add(f32x4.splat(1), f32x4.mul(get(zz), f32x4.sub(f32x4.splat(1), get(s)))))
        ))
      ], [set(dyg, get(dyv))]),
      set(uu, f32x4.load(at(p("u"), get(row)))),
      set(dt, f32x4.load(at(p("dts"), get(gl16)))),
      set(dtu, f32x4.mul(get(dt), get(uu))),
      set(dDacc, f32x4.add(get(dDacc), f32x4.mul(get(dyg), get(uu)))),
      set(gB, f32x4.splat(0)),
      set(ddtA, f32x4.splat(0)),
      set(aAddr, at(p("At"), get(g))),
      set(nb, get(bc)),
      forUp(n16, i32.const(0), get(N16), i32.const(16), [
        set(gn, f32x4.add(f32x4.load(at(get(adj), get(n16))), f32x4.mul(get(dyg), f32x4.loadSplat(at(p("C"), get(nb)))))),
        // ∂/∂C_l: ḡ_l h_l, per lane; ∂/∂B_l: g_l Δ_l u_l, per lane.
        f32x4.store(at(p("dC4"), i32.mul(get(nb), i32.const(4))), f32x4.add(
          f32x4.load(at(p("dC4"), i32.mul(get(nb), i32.const(4)))),
          f32x4.mul(get(dyg), f32x4.load(hs(i32.add(i32.add(get(hPrev), get(N16)), get(n16)))))
        )),
        f32x4.store(at(p("dB4"), i32.mul(get(nb), i32.const(4))), f32x4.add(
          f32x4.load(at(p("dB4"), i32.mul(get(nb), i32.const(4)))),
          f32x4.mul(get(gn), get(dtu))
        )),
        set(e, f32x4.load(at(p("es"), i32.add(get(eRow), get(n16))))),
        // g_l · exp(Δ_l A) · h_{l−1} feeds both ∂/∂A (times Δ_l) and ∂/∂Δ_l (times A).
        set(geh, f32x4.mul(f32x4.mul(get(gn), get(e)), f32x4.load(hs(i32.add(get(hPrev), get(n16)))))),
        f32x4.store(at(p("dAt"), i32.sub(get(aAddr), p("At"))), f32x4.add(
          f32x4.load(at(p("dAt"), i32.sub(get(aAddr), p("At")))),
          f32x4.mul(get(geh), get(dt))
        )),
        set(ddtA, f32x4.add(get(ddtA), f32x4.mul(get(geh), f32x4.load(get(aAddr))))),
        set(gB, f32x4.add(get(gB), f32x4.mul(get(gn), f32x4.loadSplat(at(p("B"), get(nb)))))),
        f32x4.store(at(get(adj), get(n16)), f32x4.mul(get(gn), get(e))),
        set(aAddr, i32.add(get(aAddr), p("rowBytes"))),
        set(nb, i32.add(get(nb), i32.const(4)))
      ]),
      f32x4.store(at(p("du"), get(row)), f32x4.add(f32x4.mul(get(dyg), get(dv)), f32x4.mul(get(dt), get(gB)))),
      set(ddt, f32x4.add(get(ddtA), f32x4.mul(get(uu), get(gB)))),
      ifElse(p("softplus"), [
        math.sigmoid(s, f32x4.add(f32x4.load(at(p("delta"), get(row))), get(bias))),
        set(ddt, f32x4.mul(get(ddt), get(s)))
      ]),
      f32x4.store(at(p("ddelta"), get(row)), get(ddt)),
      set(dBiasAcc, f32x4.add(get(dBiasAcc), get(ddt)))
    ]),
    f32x4.store(at(p("dD"), get(g)), f32x4.add(f32x4.load(at(p("dD"), get(g))), get(dDacc))),
    f32x4.store(at(p("ddeltaBias"), get(g)), f32x4.add(f32x4.load(at(p("ddeltaBias"), get(g))), get(dBiasAcc)))
  ];

  const sweepBack: Code = forDown(ci, i32.sub(p("chunks"), i32.const(1)), i32.const(0), i32.const(1), [
    ...chunkBounds,
    forUp(g, i32.const(0), p("rowBytes"), i32.const(16), [
      set(dv, f32x4.load(at(p("D"), get(g)))),
      set(bias, f32x4.load(at(p("deltaBias"), get(g)))),
      ...groupBases,
      ...rebuildChunk,
      ...reverseChunk
    ])
  ]);

  const zeroAdjoints = forUp(n16, i32.const(0), i32.mul(p("rowBytes"), p("N")), i32.const(16), [
    f32x4.store(at(p("adjoint"), get(n16)), f32x4.splat(0))
  ]);
  const zeroLaneSums = forUp(n16, i32.const(0), i32.mul(p("L"), get(N16)), i32.const(16), [
    f32x4.store(at(p("dB4"), get(n16)), f32x4.splat(0)),
    f32x4.store(at(p("dC4"), get(n16)), f32x4.splat(0))
  ]);
  // n16 steps through dB and dC by one f32 and through dB4 and dC4 by four.
  const addLanes = (from: BackwardParam, to: BackwardParam) => {
    const lanes = at(p(from), i32.mul(get(n16), i32.const(4)));
    return f32.store(at(p(to), get(n16)), f32.add(f32.add(f32.add(f32.load(lanes), f32.load(lanes, 4)), f32.load(lanes, 8)), f32.load(lanes, 12)));
  };
  const sumLanes = forUp(n16, i32.const(0), i32.mul(p("L"), get(N4)), i32.const(4), [addLanes("dB4", "dB"), addLanes("dC4", "dC")]);
  return {builder: fn, body: [...c.prologue(), zeroLaneSums, sweepForward, zeroAdjoints, sweepBack, sumLanes]};
}

/** The module's bytes: `forward(...FORWARD_PARAMS)`, `backward(...BACKWARD_PARAMS)`, and `memory`, its own or imported. */
export function scanModuleBytes(importMemory = false): Uint8Array<ArrayBuffer> {
  return assembleModule([forwardFunction(), backwardFunction()], {importMemory});
}

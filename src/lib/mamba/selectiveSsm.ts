import * as tf from "@tensorflow/tfjs";
import {Linear} from "../nn/linear.js";
import type {Params} from "../nn/params.js";
import {CausalConv1d} from "./causalConv1d.js";
import {causalConvSilu} from "./causalConvSilu.js";
import {selectiveScan, type ScanImpl} from "./selectiveScan.js";

/** The sizes of one Mamba mixer (state-spaces/mamba defaults: dState 16, dConv 4, expand 2). */
export interface MambaSize {
  /** Width of the residual stream. */
  dModel: number;
  dState: number;
  dConv: number;
  /** dInner = expand · dModel. */
  expand: number;
}

/** dt_rank = ⌈dModel / 16⌉, Mamba's "auto". */
export function dtRank(size: MambaSize): number {
  return Math.ceil(size.dModel / 16);
}

/**
 * Inverse softplus of Δ ~ log-uniform in [0.001, 0.1] (floor 1e-4): Mamba's dt_proj bias
 * initialisation, so softplus(bias) starts Δ in that range.
 */
function dtBiasInit(params: Params, dInner: number): Float32Array {
  const rng = params.random();
  const [dtMin, dtMax, floor] = [0.001, 0.1, 1e-4];
  return Float32Array.from({length: dInner}, () => {
    const dt = Math.max(Math.exp(rng.uniform(Math.log(dtMin), Math.log(dtMax))), floor);
    return dt + Math.log(-Math.expm1(-dt));
  });
}

/**
 * One direction of a Mamba mixer after in_proj (docs/method.md, "A Mamba mixer"): causal conv →
 * silu → x_proj → (Δ_raw, B, C) → dt_proj → selective scan with the D skip and the silu(z)
 * gate. Parameter names follow state-spaces/mamba (conv1d, x_proj, dt_proj, A_log, D) with
 * Vim's suffix for the backward direction (conv1d_b, …, A_b_log, D_b).
 */
export class SelectiveSSM {
  readonly dInner: number;
  readonly dtRank: number;
  readonly conv: CausalConv1d;
  readonly xProj: Linear;
  readonly dtProj: Linear;
  readonly dtBias: tf.Variable;
  readonly aLog: tf.Variable;
  readonly dSkip: tf.Variable;

  constructor(params: Params, readonly size: MambaSize, suffix = "") {
    const {dModel, dState, dConv, expand} = size;
    this.dInner = expand * dModel;
    this.dtRank = dtRank(size);
    this.conv = new CausalConv1d(params, `conv1d${suffix}`, this.dInner, dConv);
    this.xProj = new Linear(params, `x_proj${suffix}`, this.dInner, this.dtRank + 2 * dState, {bias: false});
    // dt_proj's weight: U(±dt_rank^−½), which is the default Linear init for dt_rank inputs.
    this.dtProj = new Linear(params, `dt_proj${suffix}`, this.dtRank, this.dInner, {bias: false});
    this.dtBias = params.create(`dt_proj${suffix}.bias`, [this.dInner], {kind: "values", values: dtBiasInit(params, this.dInner)});
    // S4D-real: A = −(1, 2, …, N) for every channel, stored as its log.
    const aLog = Float32Array.from({length: this.dInner * dState}, (_, i) => Math.log((i % dState) + 1));
    this.aLog = params.create(`A${suffix}_log`, [this.dInner, dState], {kind: "values", values: aLog});
    this.dSkip = params.create(`D${suffix}`, [this.dInner], {kind: "constant", value: 1});
  }

  /**
   * x, z [batch, length, dInner] (x before the conv, z the gate) → y [batch, length, dInner].
   * `reverse` runs conv and scan from the last position to the first: the same as flipping x and z
   * along the length and flipping y back, without the flips.
   */
  apply(x: tf.Tensor3D, z: tf.Tensor3D, impl: ScanImpl = "auto", {reverse = false}: {reverse?: boolean} = {}): tf.Tensor3D {
    return tf.tidy(() => {
      const u = causalConvSilu(this.conv, x, impl, {reverse});
      const [deltaRaw, B, C] = tf.split(this.xProj.apply(u), [this.dtRank, this.size.dState, this.size.dState], -1);
      return selectiveScan({
        u,
        delta: this.dtProj.apply(deltaRaw),
        A: tf.neg(tf.exp(this.aLog)),
        B,
        C,
        D: this.dSkip,
        z,
        deltaBias: this.dtBias,
        deltaSoftplus: true,
        reverse
      }, {impl});
    });
  }
}

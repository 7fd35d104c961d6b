import * as tf from "@tensorflow/tfjs";
import {Linear} from "../nn/linear.js";
import type {Params} from "../nn/params.js";
import type {ScanImpl} from "./selectiveScan.js";
import {SelectiveSSM, type MambaSize} from "./selectiveSsm.js";

export interface BlockOptions {
  /**
   * Residual layers in the model: Mamba and Vim divide out_proj's default init (U(±1/√in)) by
   * its square root so the residual stream does not grow with depth; we draw a normal of that
   * same variance.
   */
  residualLayers?: number;
}

/**
 * The Mamba-1 mixer (state-spaces/mamba, mamba_simple.py), in data-flow order:
 * in_proj (no bias) → split x, z → SelectiveSSM(x, z) → out_proj (no bias).
 * [batch, length, dModel] → [batch, length, dModel]; causal along the sequence.
 */
export class MambaBlock {
  readonly inProj: Linear;
  readonly ssm: SelectiveSSM;
  readonly outProj: Linear;

  constructor(params: Params, readonly size: MambaSize, {residualLayers = 1}: BlockOptions = {}) {
    const dInner = size.expand * size.dModel;
    this.inProj = new Linear(params, "in_proj", size.dModel, 2 * dInner, {bias: false});
    this.ssm = new SelectiveSSM(params, size);
    const std = 1 / Math.sqrt(3 * dInner * residualLayers);
    this.outProj = new Linear(params, "out_proj", dInner, size.dModel, {bias: false, std});
  }

  apply(hidden: tf.Tensor3D, impl: ScanImpl = "auto"): tf.Tensor3D {
    return tf.tidy(() => {
      const [x, z] = tf.split(this.inProj.apply(hidden), 2, -1) as [tf.Tensor3D, tf.Tensor3D];
      return this.outProj.apply(this.mix(x, z, impl)) as tf.Tensor3D;
    });
  }

  /** The sequence mixing between the projections: x, z [batch, length, dInner] → [batch, length, dInner]. */
  protected mix(x: tf.Tensor3D, z: tf.Tensor3D, impl: ScanImpl): tf.Tensor3D {
    return this.ssm.apply(x, z, impl);
  }
}

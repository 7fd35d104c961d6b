import * as tf from "@tensorflow/tfjs";
import type {Params} from "../nn/params.js";
import {MambaBlock, type BlockOptions} from "./mambaBlock.js";
import type {ScanImpl} from "./selectiveScan.js";
import {SelectiveSSM, type MambaSize} from "./selectiveSsm.js";

/**
 * Vim's bidirectional mixer (hustvl/Vim, bimamba v2): the Mamba block's in_proj and out_proj are
 * shared by its forward SSM and an SSM over the reversed sequence with its own conv, x_proj,
 * dt_proj, A and D (names suffixed _b); the two outputs, the second flipped back, are averaged.
 * The backward SSM runs its conv and scan right to left in place (`reverse`), which is that
 * flip ∘ SSM ∘ flip without the six flips per layer and step.
 */
export class VimBlock extends MambaBlock {
  readonly backward: SelectiveSSM;

  constructor(params: Params, size: MambaSize, options: BlockOptions = {}) {
    super(params, size, options);
    this.backward = new SelectiveSSM(params, size, "_b");
  }

  protected override mix(x: tf.Tensor3D, z: tf.Tensor3D, impl: ScanImpl): tf.Tensor3D {
    const ahead = this.ssm.apply(x, z, impl);
    const behind = this.backward.apply(x, z, impl, {reverse: true});
    return tf.mul(tf.add(ahead, behind), 0.5) as tf.Tensor3D;
  }
}

import * as tf from "@tensorflow/tfjs";
import type {Params} from "./params.js";

/**
 * A dense layer over the last axis: y = x·W (+ b), W stored as [in, out]. Inputs of any rank are
 * flattened to 2-D first, so the matMul is a plain one: on wasm, transposed and batched matMuls
 * are several times slower (docs/tfjs-traps.md, "wasm's matMul is fast only untransposed and
 * unbatched").
 */
export class Linear {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(
    params: Params,
    name: string,
    readonly inFeatures: number,
    readonly outFeatures: number,
    {bias = true, std}: {bias?: boolean; std?: number} = {}
  ) {
    // PyTorch's default nn.Linear init: U(±1/√in) for weight and bias; `std` overrides with a normal.
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = params.create(
      `${name}.weight`,
      [inFeatures, outFeatures],
      std === undefined ? {kind: "uniform", bound} : {kind: "normal", std}
    );
    this.bias = bias ? params.create(`${name}.bias`, [outFeatures], std === undefined ? {kind: "uniform", bound} : {kind: "constant", value: 0}) : null;
  }

  apply(x: tf.Tensor): tf.Tensor {
    const shape = x.shape;
    if (shape[shape.length - 1] !== this.inFeatures) {
      throw new Error(`Linear: input's last axis must be ${this.inFeatures}, got shape [${shape}]`);
    }
    const flat = x.reshape([-1, this.inFeatures]);
    let y = tf.matMul(flat, this.weight);
    if (this.bias) y = tf.add(y, this.bias);
    return y.reshape([...shape.slice(0, -1), this.outFeatures]);
  }
}

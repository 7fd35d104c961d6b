import * as tf from "@tensorflow/tfjs";
import {MultiHeadAttention} from "../clip/attention.js";
import {selectiveScan} from "../mamba/selectiveScan.js";
import {ParamStore} from "../nn/params.js";
import {Rng} from "../random/rng.js";

export interface CostPoint {
  readonly length: number;
  readonly op: "selective scan" | "attention";
  /** Median milliseconds of one forward pass, result read back. */
  readonly ms: number;
}

/**
 * Times the library's selectiveScan and MultiHeadAttention at each sequence length, both over
 * [1, L, width] with Mamba's default state of 16: the median of `runs` after a warm-up.
 */
export async function measureCosts(lengths: readonly number[], {width = 64, heads = 4, state = 16, runs = 3} = {}): Promise<CostPoint[]> {
  const params = new ParamStore(3);
  const attention = new MultiHeadAttention(params.scope("attn"), width, heads, {inStd: 0.02, outStd: 0.02});
  const rng = new Rng(4);
  const values = (n: number) => Float32Array.from({length: n}, () => rng.normal());
  const points: CostPoint[] = [];
  const median = async (run: () => tf.Tensor) => {
    const once = async () => {
      const t = run();
      await t.data();
      t.dispose();
    };
    await once();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await once();
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
  };
  for (const L of lengths) {
    const x = tf.tensor3d(values(L * width), [1, L, width]);
    const scan = {
      u: x,
      delta: tf.tensor3d(values(L * width).map((v) => 0.01 + 0.1 * Math.abs(v)), [1, L, width]),
      A: tf.tensor2d(Float32Array.from({length: width * state}, (_, k) => -(1 + (k % state))), [width, state]),
      B: tf.tensor3d(values(L * state), [1, L, state]),
      C: tf.tensor3d(values(L * state), [1, L, state]),
      deltaSoftplus: false
    };
    points.push({length: L, op: "selective scan", ms: await median(() => selectiveScan(scan))});
    points.push({length: L, op: "attention", ms: await median(() => attention.apply(x, true))});
    tf.dispose([x, scan.delta, scan.A, scan.B, scan.C]);
  }
  params.dispose();
  return points;
}

import * as tf from "@tensorflow/tfjs";
import {selectiveScan} from "../mamba/selectiveScan.js";

/** The inputs of the method page's scan: one channel, a state of N numbers, a fixed Δ. */
export interface ScanDemoInputs {
  /** The input sequence x_1..x_L. */
  readonly x: readonly number[];
  /** Δ, the same at every position (already positive: no softplus). */
  readonly delta: number;
  /** A_n = −exp(A_log,n), one per state index (S4D-real: −1, −2, …, −N). */
  readonly A: readonly number[];
  /** B_n, the same at every position. */
  readonly B: readonly number[];
}

export interface ScanDemo {
  readonly inputs: ScanDemoInputs;
  /** states[l][n] = h_l[n], the state after reading x_l. */
  readonly states: number[][];
  /** y_l = C·h_l with C = (1, …, 1). */
  readonly y: number[];
}

/**
 * Runs the library's selectiveScan so that it shows its own state: one batch row per state index
 * n with C = e_n (so its output is h_l[n]), and a last row with C = 1 (so its output is y_l).
 */
export async function scanDemo(inputs: ScanDemoInputs): Promise<ScanDemo> {
  const L = inputs.x.length;
  const N = inputs.A.length;
  const rows = N + 1;
  const out = tf.tidy(() => {
    const repeat = (values: number[], shape: number[]) => tf.tensor(Array.from({length: rows}, () => values).flat(), shape);
    const C = Array.from({length: rows}, (_, r) => Array.from({length: L}, () => Array.from({length: N}, (_, n) => (r === N || r === n ? 1 : 0))));
    return selectiveScan({
      u: repeat([...inputs.x], [rows, L, 1]),
      delta: tf.fill([rows, L, 1], inputs.delta),
      A: tf.tensor2d([...inputs.A], [1, N]),
      B: repeat(Array.from({length: L}, () => [...inputs.B]).flat(), [rows, L, N]),
      C: tf.tensor3d(C.flat(2), [rows, L, N]),
      deltaSoftplus: false
    });
  });
  const values = await out.data();
  out.dispose();
  const at = (r: number, l: number) => values[r * L + l];
  return {
    inputs,
    states: Array.from({length: L}, (_, l) => Array.from({length: N}, (_, n) => at(n, l))),
    y: Array.from({length: L}, (_, l) => at(N, l))
  };
}

import * as tf from "@tensorflow/tfjs";
import {MultiHeadAttention} from "../clip/attention.js";
import {similarityLogits} from "../distill/similarity.js";
import {selectiveScan} from "../mamba/selectiveScan.js";
import {ParamStore} from "../nn/params.js";
import {Rng} from "../random/rng.js";

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

/**
 * Causal self-attention weights softmax(q kᵀ/√d + mask) of `length` seeded token vectors, with
 * q = k = the tokens: the L×L map a Transformer builds where the scan keeps N numbers.
 */
export async function attentionMap(length: number, dim = 4, seed = 1): Promise<number[][]> {
  const rng = new Rng(seed);
  const tokens = Float32Array.from({length: length * dim}, () => rng.normal());
  const weights = tf.tidy(() => {
    const t = tf.tensor2d(tokens, [length, dim]);
    const mask = tf.tensor2d(Array.from({length: length * length}, (_, k) => (k % length > Math.floor(k / length) ? -1e9 : 0)), [length, length]);
    return tf.softmax(tf.add(similarityLogits(t, t, 1 / Math.sqrt(dim)), mask));
  });
  const values = await weights.data();
  weights.dispose();
  return Array.from({length}, (_, i) => Array.from(values.subarray(i * length, (i + 1) * length)));
}

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
